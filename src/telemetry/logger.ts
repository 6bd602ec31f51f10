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

/** Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Renders a line as `message {"field":value,...}` so it is readable and still machine-parseable. Messages
 * carry text from remote services (ARM and Entra ID errors): their control characters are made visible,
 * so that one log line stays one line and a server cannot forge lines of its own.
 */
export function formatLogLine(message: string, fields?: LogFields): string {
  const text = message.replace(
    LINE_BREAKING,
    (char) => NAMED_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const defined = fields && Object.entries(fields).filter(([, value]) => value !== undefined);
  return defined && defined.length > 0 ? `${text} ${JSON.stringify(Object.fromEntries(defined))}` : text;
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
