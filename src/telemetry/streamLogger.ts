import { formatLogLine, type LogFields, type Logger, type LogLevel } from './logger';

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** The local runner's logger: one line per message on the given stream, from `minimumLevel` up. */
export class StreamLogger implements Logger {
  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly minimumLevel: LogLevel = 'info',
  ) {}

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

  private write(level: LogLevel, message: string, fields?: LogFields): void {
    if (ORDER[level] < ORDER[this.minimumLevel]) return;
    this.stream.write(
      `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${formatLogLine(message, fields)}\n`,
    );
  }
}
