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
 * Serialises one delivered alert. `raw` is the alert exactly as the API returned it; `envelope` wraps it
 * with a deterministic `eventId` (same alert, same content → same id) so that a SIEM can drop the copies
 * that at-least-once delivery may repeat.
 * @throws TypeError when the alert cannot be serialised (the caller skips and counts it).
 */
export function formatRecord(
  alert: { id: string },
  fingerprintHex: string,
  change: ChangeKind,
  context: RecordContext,
): string {
  if (context.format === 'raw') return JSON.stringify(alert);
  return JSON.stringify({
    eventId: envelopeEventId(alert.id, fingerprintHex),
    eventType: change,
    observedAt: context.observedAt,
    subscriptionId: context.subscriptionId,
    alert,
  });
}

/** A UUID-shaped digest of the alert id and content fingerprint. */
export function envelopeEventId(alertId: string, fingerprintHex: string): string {
  const hex = createHash('sha256').update(`${alertId.toLowerCase()}\n${fingerprintHex}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
