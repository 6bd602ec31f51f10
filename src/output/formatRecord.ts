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
  if (context.format === 'raw') return serialisedAlert;
  // Built around the serialised alert rather than serialising it a second time.
  return (
    `{"eventId":${JSON.stringify(envelopeEventId(alertId, fingerprintHex))},"eventType":${JSON.stringify(change)},` +
    `"observedAt":${JSON.stringify(context.observedAt)},"subscriptionId":${JSON.stringify(context.subscriptionId)},` +
    `"alert":${serialisedAlert}}`
  );
}

/** A UUID-shaped digest of the alert id and content fingerprint. */
export function envelopeEventId(alertId: string, fingerprintHex: string): string {
  const hex = createHash('sha256').update(`${alertId.toLowerCase()}\n${fingerprintHex}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
