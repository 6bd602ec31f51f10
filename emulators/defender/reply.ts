/** What the emulator answers to one request, before it is written to the socket. */
export type Reply =
  | { kind: 'respond'; status: number; body: string | Buffer; headers?: Record<string, string> }
  /** Destroy the connection without answering, as a crashed gateway or a network fault would. */
  | { kind: 'reset' };

/** A JSON reply; `body` is serialised unless it already is a string. */
export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { kind: 'respond', status, body: typeof body === 'string' ? body : JSON.stringify(body), headers };
}
