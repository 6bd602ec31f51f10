import { rmSync } from 'node:fs';
import type { RunningAzurite } from '../../emulators/azurite';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis as { __azurite?: RunningAzurite; __testFolder?: string };
  await state.__azurite?.stop();
  if (state.__testFolder) rmSync(state.__testFolder, { recursive: true, force: true });
}
