import type { RecordFormat } from '../config/settings';
import type { AlertSource } from '../defender/alertSource';
import { contentFingerprint } from '../dedupe/fingerprint';
import type { DirectSink } from '../delivery/sinks';
import { formatRecord } from '../output/formatRecord';
import { alertTime } from './alertTime';

export interface SourceSelection {
  /** Alerts generated at or after this time. */
  from?: Date;
  /** Alerts generated before this time. */
  to?: Date;
  /** Only these alert ids (compared without regard to letter case). */
  ids?: readonly string[];
}

/**
 * Delivers again, from the API, the alerts that match the selection, whatever the index says; the index
 * is neither read nor written. For a SIEM that lost data, or a new target that needs a backfill.
 *
 * @returns how many alerts were listed and how many were written.
 */
export async function replayFromSource(options: {
  source: AlertSource;
  sink: DirectSink;
  selection: SourceSelection;
  record: { format: RecordFormat; subscriptionId: string; observedAt: string };
}): Promise<{ listed: number; written: number }> {
  const { selection } = options;
  const ids = selection.ids && new Set(selection.ids.map((id) => id.toLowerCase()));
  let listed = 0;
  let written = 0;
  for await (const page of options.source.pages()) {
    const records: string[] = [];
    for (const alert of page.alerts) {
      listed += 1;
      const id = (alert as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') continue;
      if (ids !== undefined && !ids.has(id.toLowerCase())) continue;
      const at = alertTime(alert);
      if (selection.from !== undefined && (at === undefined || at < selection.from)) continue;
      if (selection.to !== undefined && (at === undefined || at >= selection.to)) continue;
      const fingerprint = contentFingerprint(alert).toString('hex');
      records.push(formatRecord(JSON.stringify(alert), id, fingerprint, 'created', options.record));
    }
    if (records.length > 0) await options.sink.write(records);
    written += records.length;
  }
  await options.sink.flush();
  return { listed, written };
}
