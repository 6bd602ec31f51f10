import { formatLogLine, type LogFields, type Logger, type LogLevel } from './logger';

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
/** A progress line is redrawn at most this often. */
const PROGRESS_INTERVAL_IN_MS = 1_000;

export interface StreamLoggerOptions {
  /** Lines below this level are dropped. Default info. */
  minimumLevel?: LogLevel;
  /** `text`: `<time> <LEVEL> message {fields}`; `json`: one JSON object per line, for schedulers. */
  format?: 'text' | 'json';
  /** Show a progress line (a terminal only: it is redrawn in place). */
  progress?: boolean;
  /** The clock, for the progress line's pace; tests move it. */
  now?: () => number;
}

/**
 * The command line's logger: one line per message on the given stream (stderr: stdout carries records), and
 * optionally a progress line that log lines clear before they are written.
 */
export class StreamLogger implements Logger {
  private readonly minimumLevel: LogLevel;
  private readonly format: 'text' | 'json';
  private readonly showProgress: boolean;
  private readonly now: () => number;
  private progressShownAt: number | undefined;
  private progressVisible = false;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    options: StreamLoggerOptions = {},
  ) {
    this.minimumLevel = options.minimumLevel ?? 'info';
    this.format = options.format ?? 'text';
    this.showProgress = options.progress ?? false;
    this.now = options.now ?? Date.now;
  }

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }

  /** Redraws the progress line, at most once a second; nothing unless progress is on. */
  progress(text: string): void {
    if (!this.showProgress) return;
    const now = this.now();
    if (this.progressShownAt !== undefined && now - this.progressShownAt < PROGRESS_INTERVAL_IN_MS) return;
    this.progressShownAt = now;
    this.stream.write(`\r\x1b[K${text}`);
    this.progressVisible = true;
  }

  /** Removes the progress line. */
  endProgress(): void {
    this.clearProgress();
    this.progressShownAt = undefined;
  }

  private clearProgress(): void {
    if (!this.progressVisible) return;
    this.stream.write('\r\x1b[K');
    this.progressVisible = false;
  }

  private write(level: LogLevel, message: string, fields?: LogFields): void {
    if (ORDER[level] < ORDER[this.minimumLevel]) return;
    this.clearProgress();
    const time = new Date().toISOString();
    if (this.format === 'json') {
      this.stream.write(`${JSON.stringify({ time, level, message, ...fields })}\n`);
      return;
    }
    this.stream.write(`${time} ${level.toUpperCase().padEnd(5)} ${formatLogLine(message, fields)}\n`);
  }
}
