/**
 * An error's message with the messages of its causes (which carry the SDK's details), for logs. The
 * Functions handlers and the command line use this one helper.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error && parts.length < 4; current = current.cause) {
    if (!parts.some((part) => part.includes(current instanceof Error ? current.message : '')))
      parts.push(current.message);
  }
  return parts.length > 0 ? parts.join(' <- ') : String(error);
}
