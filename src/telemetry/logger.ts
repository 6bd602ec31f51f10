/** Structured fields of a log line: counts, ids, durations. Never alert payloads or secrets. */
export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** The logging port: backed by the invocation context in Azure, by the console in the local runner. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export type LogLevel = keyof Logger;

/** Renders a line as `message {"field":value,...}` so it is readable and still machine-parseable. */
export function formatLogLine(message: string, fields?: LogFields): string {
  const defined = fields && Object.entries(fields).filter(([, value]) => value !== undefined);
  return defined && defined.length > 0
    ? `${message} ${JSON.stringify(Object.fromEntries(defined))}`
    : message;
}

/** A logger that adds `fields` to every line of `logger` (e.g. the subscription a run collects). */
export function withFields(logger: Logger, fields: LogFields): Logger {
  return {
    debug: (message, more) => logger.debug(message, { ...fields, ...more }),
    info: (message, more) => logger.info(message, { ...fields, ...more }),
    warn: (message, more) => logger.warn(message, { ...fields, ...more }),
    error: (message, more) => logger.error(message, { ...fields, ...more }),
  };
}

/** Keeps every line in memory, for tests. */
export class RecordingLogger implements Logger {
  readonly lines: { level: LogLevel; message: string; fields?: LogFields }[] = [];
  debug(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'debug', message, fields });
  }
  info(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'error', message, fields });
  }
  text(): string {
    return this.lines.map((line) => `${line.level} ${formatLogLine(line.message, line.fields)}`).join('\n');
  }
}
