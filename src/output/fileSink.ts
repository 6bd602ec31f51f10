import { open, type FileHandle } from 'node:fs/promises';
import type { DirectSink } from '../delivery/sinks';
import type { Logger } from '../telemetry/logger';

/** How much of the file's end is read at a time when looking for the last complete line. */
const TAIL_BLOCK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/**
 * NDJSON to a file (appended) or to stdout. The file stays open for the run; `flush` syncs it to disk, and
 * the index records the records as delivered only after that.
 *
 * A run killed while appending leaves a partial last line. Its records were never committed to the index,
 * so the next run sends them again; the partial line is cut off first, so that it can never glue itself
 * onto the next record.
 */
export class NdjsonSink implements DirectSink {
  readonly kind = 'direct';
  /** Writes run one after another: several subscriptions collected at once share the file. */
  private queue: Promise<unknown> = Promise.resolve();
  private file: Promise<FileHandle> | undefined;
  /** Where each write's lines are encoded; reused, since writes run one at a time and are awaited. */
  private lines = Buffer.alloc(0);

  constructor(
    private readonly destination: '-' | { path: string },
    private readonly logger: Logger,
  ) {}

  write(records: readonly string[]): Promise<void> {
    return this.serialised(() => this.writeNow(records));
  }

  /** Syncs what was written to disk (stdout: every write has already been handed to the reader). */
  flush(): Promise<void> {
    return this.serialised(async () => {
      // A run commits after its flush, which is when its memory peaks: the lines' buffer is not kept for it.
      this.lines = Buffer.alloc(0);
      if (this.file) await (await this.file).sync();
    });
  }

  /** Closes the file; a later write opens it again. */
  close(): Promise<void> {
    return this.serialised(async () => {
      const file = this.file;
      this.file = undefined;
      if (file) await (await file).close();
    });
  }

  private serialised(work: () => Promise<void>): Promise<void> {
    const done = this.queue.then(work);
    this.queue = done.catch(() => undefined);
    return done;
  }

  private async writeNow(records: readonly string[]): Promise<void> {
    if (records.length === 0) return;
    const bound = encodedBound(records);
    if (this.destination === '-') {
      // A Buffer of its own for the stream, which is not asked when it lets go of it.
      const data = encodeLines(records, Buffer.allocUnsafeSlow(bound));
      await new Promise<void>((resolve, reject) =>
        process.stdout.write(data, (error) => (error ? reject(stdoutFailure(error)) : resolve())),
      );
      return;
    }
    this.file ??= this.openRepaired(this.destination.path);
    const file = await this.file;
    if (this.lines.length < bound)
      this.lines = Buffer.allocUnsafeSlow(Math.max(bound, 2 * this.lines.length));
    await writeAll(file, encodeLines(records, this.lines));
  }

  /** Opens the file for appending, cutting a partial last line first. */
  private async openRepaired(path: string): Promise<FileHandle> {
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
      return file;
    } catch (error) {
      await file.close();
      throw error;
    }
  }
}

/** Bytes that `records` take at most as NDJSON: a UTF-16 code unit is at most 3 bytes of UTF-8. */
function encodedBound(records: readonly string[]): number {
  let bound = 0;
  for (const record of records) bound += 3 * record.length + 1;
  return bound;
}

/**
 * The records as NDJSON in UTF-8, each encoded straight into `into` (at least {@link encodedBound} bytes);
 * returns the bytes written, a view. A page of records is about a megabyte: joined into one string first,
 * it would be copied twice more, and left for a full garbage collection to free.
 */
function encodeLines(records: readonly string[], into: Buffer): Buffer {
  let used = 0;
  for (const record of records) {
    used += into.write(record, used, 'utf8');
    into[used] = NEWLINE;
    used += 1;
  }
  return into.subarray(0, used);
}

/** `write` may write less than it was given; the rest is written after it. */
async function writeAll(file: FileHandle, data: Buffer): Promise<void> {
  for (let written = 0; written < data.length;) {
    const { bytesWritten } = await file.write(data, written, data.length - written);
    written += bytesWritten;
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
