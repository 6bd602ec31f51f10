import { open } from 'node:fs/promises';
import type { DirectSink } from '../pipeline/delivery';

/** NDJSON to a file (appended, flushed to disk before the index records delivery) or to stdout. */
export class NdjsonSink implements DirectSink {
  readonly kind = 'direct';

  constructor(private readonly destination: '-' | { path: string }) {}

  async write(records: readonly string[]): Promise<void> {
    const text = records.join('\n') + '\n';
    if (this.destination === '-') {
      await new Promise<void>((resolve, reject) =>
        process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
      );
      return;
    }
    const file = await open(this.destination.path, 'a');
    try {
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
  }
}
