import { networkHint } from './networkHint';

/**
 * An error's message with the messages of its causes (which carry the SDK's details), and what to do when
 * a request got no answer, for logs. The Functions handlers and the command line use this one helper.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let hint: string | undefined;
  for (let current: unknown = error; current instanceof Error && parts.length < 4; current = current.cause) {
    if (!parts.some((part) => part.includes(current instanceof Error ? current.message : '')))
      parts.push(current.message);
    hint ??= networkHint(current);
  }
  if (parts.length === 0) return String(error);
  return hint === undefined ? parts.join(' <- ') : `${parts.join(' <- ')}. ${hint}`;
}
