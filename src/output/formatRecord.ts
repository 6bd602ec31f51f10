import { createHash } from 'node:crypto';
import type { RecordFormat } from '../config/settings';

export type ChangeKind = 'created' | 'updated';

export interface RecordContext {
  format: RecordFormat;
  subscriptionId: string;
  /** When this run listed the alert. */
  observedAt: string;
}

/**
 * The record of one delivered alert, from the alert as serialised once for the run. `raw` is that text:
 * the alert exactly as the API returned it. `envelope` wraps it with a deterministic `eventId` (same alert,
 * same content → same id) so that a SIEM can drop the copies that at-least-once delivery may repeat.
 */
export function formatRecord(
  serialisedAlert: string,
  alertId: string,
  fingerprintHex: string,
  change: ChangeKind,
  context: RecordContext,
): string {
  const alert = escapeLineSeparators(serialisedAlert);
  if (context.format === 'raw') return alert;
  // Built around the serialised alert rather than serialising it a second time.
  return (
    `{"eventId":${JSON.stringify(envelopeEventId(alertId, fingerprintHex))},"eventType":${JSON.stringify(change)},` +
    `"observedAt":${JSON.stringify(context.observedAt)},"subscriptionId":${JSON.stringify(context.subscriptionId)},` +
    `"alert":${alert}}`
  );
}

/** A UUID-shaped digest of the alert id and content fingerprint. */
export function envelopeEventId(alertId: string, fingerprintHex: string): string {
  const hex = createHash('sha256').update(`${alertId.toLowerCase()}\n${fingerprintHex}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** U+2028, U+2029 and NEL: valid inside JSON strings, but line readers (Python's splitlines, some shippers) split on them. */
const LINE_SEPARATOR = /[\u2028\u2029\u0085]/;
const LINE_SEPARATORS = new RegExp(LINE_SEPARATOR.source, 'g');

/**
 * Escapes the characters that some line readers take for line ends, so that each NDJSON record stays on its
 * line. `JSON.stringify` leaves them raw; they can only occur inside strings, where `\uXXXX` means the same.
 */
export function escapeLineSeparators(json: string): string {
  // A test first: almost no record has one, and it costs a scan without building a new string.
  return LINE_SEPARATOR.test(json)
    ? json.replace(LINE_SEPARATORS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : json;
}
