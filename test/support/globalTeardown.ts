import type { RunningAzurite } from './azurite';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __azurite?: RunningAzurite }).__azurite?.stop();
}
