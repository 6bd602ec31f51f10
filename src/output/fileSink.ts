import { open, type FileHandle } from 'node:fs/promises';
import type { DirectSink } from '../delivery/sinks';
import type { Logger } from '../telemetry/logger';

/** How much of the file's end is read at a time when looking for the last complete line. */
const TAIL_BLOCK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * NDJSON to a file (appended, flushed to disk before the index records delivery) or to stdout.
 *
 * A run killed while appending leaves a partial last line. Its records were never committed to the index,
 * so the next run sends them again; the partial line is cut off first, so that it can never glue itself
 * onto the next record.
 */
export class NdjsonSink implements DirectSink {
  readonly kind = 'direct';
  /** Writes run one after another: several subscriptions collected at once share the file. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly destination: '-' | { path: string },
    private readonly logger: Logger,
  ) {}

  write(records: readonly string[]): Promise<void> {
    const written = this.queue.then(() => this.writeNow(records));
    this.queue = written.catch(() => undefined);
    return written;
  }

  private async writeNow(records: readonly string[]): Promise<void> {
    const text = records.join('\n') + '\n';
    if (this.destination === '-') {
      await new Promise<void>((resolve, reject) =>
        process.stdout.write(text, (error) => (error ? reject(stdoutFailure(error)) : resolve())),
      );
      return;
    }
    const { path } = this.destination;
    // 'a+' rather than 'a': the end is read back, and truncating works on a file opened for reading too.
    const file = await open(path, 'a+');
    try {
      const partialBytes = await cutPartialLastLine(file);
      if (partialBytes > 0) {
        this.logger.warn(
          `Removed an incomplete last line (${partialBytes} bytes) that an interrupted run left in the output ` +
            'file; its records are written again',
          { path },
        );
      }
      await file.writeFile(text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
  }
}

/** Truncates the file after its last newline; returns how many bytes were cut (0 when it ends cleanly). */
async function cutPartialLastLine(file: FileHandle): Promise<number> {
  const { size } = await file.stat();
  if (size === 0) return 0;
  const block = Buffer.alloc(Math.min(TAIL_BLOCK_BYTES, size));
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - block.length);
    const { bytesRead } = await file.read(block, 0, end - start, start);
    const newline = block.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (newline >= 0) {
      const keep = start + newline + 1;
      if (keep < size) await file.truncate(keep);
      return size - keep;
    }
    end = start;
  }
  await file.truncate(0);
  return size;
}

/** `--output - | head -1`: the reader went away. Said in one line; the run commits nothing unwritten. */
function stdoutFailure(error: Error): Error {
  if ((error as NodeJS.ErrnoException).code !== 'EPIPE') return error;
  return new Error(
    'stdout was closed by its reader (EPIPE) before every record was written; nothing unwritten was committed.',
  );
}
