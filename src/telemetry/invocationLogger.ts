import type { InvocationContext } from '@azure/functions';
import { formatLogLine, type LogFields, type Logger } from './logger';

/**
 * The logger port over the invocation context, so that every line reaches the host (and Application
 * Insights) tied to its invocation, with the fields that identify the run.
 */
export class InvocationLogger implements Logger {
  constructor(
    private readonly context: Pick<InvocationContext, 'debug' | 'info' | 'warn' | 'error'>,
    private readonly baseFields: LogFields,
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.context.debug(formatLogLine(message, { ...this.baseFields, ...fields }));
  }
  info(message: string, fields?: LogFields): void {
    this.context.info(formatLogLine(message, { ...this.baseFields, ...fields }));
  }
  warn(message: string, fields?: LogFields): void {
    this.context.warn(formatLogLine(message, { ...this.baseFields, ...fields }));
  }
  error(message: string, fields?: LogFields): void {
    this.context.error(formatLogLine(message, { ...this.baseFields, ...fields }));
  }
}
