import type { AlertSource } from '../defender/alertSource';
import type { AlertIndex, DedupeMode } from '../dedupe/alertIndex';
import { DIGEST_BYTES, writeAlertKey, writeContentFingerprint, writeWireDigest } from '../dedupe/fingerprint';
import type { SelectedAlert } from '../delivery/commitRun';
import { formatRecord, type RecordContext } from '../output/formatRecord';
import type { Logger } from '../telemetry/logger';
import { alertTime } from './alertTime';
import { passesFilter } from './filterAlert';
import { passesEverything, type AlertFilter } from '../config/alertFilter';
import { setImmediate as readPendingInput } from 'node:timers/promises';
import { FINGERPRINT_AT, ITEM_BYTES, KEY_AT, SelectedAlerts, WIRE_DIGEST_AT } from './selectedAlerts';

export interface DiffCounts {
  fetched: number;
  new: number;
  updated: number;
  unchanged: number;
  /** Already being delivered by an earlier run that is not settled yet. */
  inFlight: number;
  /** Ids the listing returned more than once; only the first occurrence is used. */
  duplicates: number;
  /** Left out by the alert filter (severity, status, type, incidents); not recorded as delivered. */
  filtered: number;
  failed: number;
  oversized: number;
  /** New or updated alerts left for a later run by `max_alerts_per_run`. */
  backlog: number;
  pages: number;
}

export interface DiffResult {
  counts: DiffCounts;
  selected: SelectedAlert[];
  /**
   * Time of the oldest alert that has never reached the output and is overdue: left in the backlog, too
   * large, or sent before without confirmation. Fresh alerts sent for the first time do not count.
   */
  oldestUndeliveredAt: Date | undefined;
}

export interface DiffAlertsOptions {
  source: AlertSource;
  index: AlertIndex;
  dedupeMode: DedupeMode;
  maxAlertsPerRun: number;
  /** UTF-8 byte limit of one record at the target; `undefined` for none. */
  maxRecordBytes: number | undefined;
  record: RecordContext;
  now: Date;
  logger: Logger;
  abortSignal?: AbortSignal;
  /**
   * Takes each page's selected records as soon as the page is diffed (a direct sink writes them), so that
   * they are not held to the end of the run; the selected alerts then carry no record. Absent: the records
   * are kept for a hand-over at the end.
   */
  deliverPage?: (records: string[]) => Promise<void>;
  /** Told of each page once it is diffed: its alerts (for progress reports). */
  onPage?: (alerts: number) => void;
  /** Which alerts are delivered at all; undefined: every one. */
  filter?: AlertFilter;
}

/**
 * Streams the listing page by page and decides, per alert, whether it goes out in this run. Only the
 * current page and the selected records (at most `maxAlertsPerRun`; none with `deliverPage`) are held in
 * memory. An alert that
 * cannot be processed is logged with its position and skipped; the others go on.
 */
export async function diffAlerts(options: DiffAlertsOptions): Promise<DiffResult> {
  const { index, dedupeMode, maxAlertsPerRun, maxRecordBytes, logger } = options;
  const filter =
    options.filter === undefined || passesEverything(options.filter) ? undefined : options.filter;
  const counts: DiffCounts = {
    fetched: 0,
    new: 0,
    updated: 0,
    unchanged: 0,
    inFlight: 0,
    duplicates: 0,
    filtered: 0,
    failed: 0,
    oversized: 0,
    backlog: 0,
    pages: 0,
  };
  const selected = new SelectedAlerts();
  // Each alert's digests are computed into this scratch, and copied out only if the alert is selected.
  const digests = Buffer.alloc(ITEM_BYTES);
  const key = digests.subarray(KEY_AT, KEY_AT + DIGEST_BYTES);
  const wire = digests.subarray(WIRE_DIGEST_AT, WIRE_DIGEST_AT + DIGEST_BYTES);
  const fingerprint = digests.subarray(FINGERPRINT_AT, FINGERPRINT_AT + DIGEST_BYTES);
  const nowInSeconds = Math.floor(options.now.getTime() / 1000);
  let oldestUndeliveredAt: Date | undefined;
  const noteUndelivered = (alert: AlertLike): void => {
    const at = alertTime(alert);
    if (at !== undefined && (oldestUndeliveredAt === undefined || at < oldestUndeliveredAt))
      oldestUndeliveredAt = at;
  };

  index.startListing();
  for await (const page of options.source.pages({ abortSignal: options.abortSignal })) {
    counts.pages += 1;
    const pageRecords: string[] = [];
    const diffAlert = (alert: unknown, position: number): void => {
      counts.fetched += 1;
      const where = { page: page.pageNumber, position };
      const problem = describeUnusableAlert(alert);
      if (problem !== undefined) {
        counts.failed += 1;
        logger.error(`Skipped an alert that cannot be processed: ${problem}`, where);
        return;
      }
      const usable = alert as AlertLike;
      if (filter !== undefined && !passesFilter(usable, filter)) {
        counts.filtered += 1;
        return;
      }
      try {
        writeAlertKey(usable.id, digests, KEY_AT);
        // Serialised once: the wire digest is taken from it, and it is the record if the alert goes out.
        const serialised = JSON.stringify(usable);
        writeWireDigest(serialised, digests, WIRE_DIGEST_AT);
        let fingerprinted = false;
        const fingerprintOnce = (): Buffer => {
          if (!fingerprinted) writeContentFingerprint(usable, digests, FINGERPRINT_AT);
          fingerprinted = true;
          return fingerprint;
        };
        const disposition = index.classifyListed(key, wire, fingerprintOnce, dedupeMode, nowInSeconds);
        if (disposition === 'duplicate') {
          counts.duplicates += 1;
          logger.warn('The listing returned an alert id a second time; only its first occurrence is used', {
            alertId: usable.id,
            ...where,
          });
          return;
        }
        if (disposition === 'unchanged' || disposition === 'inFlight') {
          counts[disposition] += 1;
          return;
        }
        // A retry is new to the output: it never reached it. It is also overdue, so it counts as undelivered.
        const isNew = disposition !== 'updated';
        counts[isNew ? 'new' : 'updated'] += 1;
        if (disposition === 'retry') noteUndelivered(usable);
        if (selected.length >= maxAlertsPerRun) {
          counts.backlog += 1;
          if (isNew) noteUndelivered(usable);
          return;
        }
        const change = isNew ? 'created' : 'updated';
        const record = formatRecord(
          serialised,
          usable.id,
          fingerprintOnce().toString('hex'),
          change,
          options.record,
        );
        const size = maxRecordBytes === undefined ? 0 : Buffer.byteLength(record, 'utf8');
        if (maxRecordBytes !== undefined && size > maxRecordBytes) {
          counts.oversized += 1;
          if (isNew) noteUndelivered(usable);
          logger.error(
            'An alert is too large for the output target and was not sent; it is retried every run',
            {
              alertId: usable.id,
              sizeInBytes: size,
              limitInBytes: maxRecordBytes,
            },
          );
          return;
        }
        // The fingerprint is in `digests`: the record above took it.
        if (options.deliverPage) {
          pageRecords.push(record);
          selected.add(digests, 0);
        } else selected.add(digests, 0, record);
      } catch (error) {
        counts.failed += 1;
        logger.error(
          `Skipped an alert that cannot be processed: ${error instanceof Error ? error.message : String(error)}`,
          {
            ...where,
            alertId: usable.id,
          },
        );
      }
    };
    for (let position = 0; position < page.alerts.length; position += 1) {
      // The next page is arriving meanwhile: reading it only once this one is done would stall its sender
      // on a full socket buffer, and leave this process waiting for the rest of it afterwards.
      if (position > 0 && position % ALERTS_BETWEEN_READS === 0) await readPendingInput();
      diffAlert(page.alerts[position], position);
    }
    if (options.deliverPage && pageRecords.length > 0) await options.deliverPage(pageRecords);
    options.onPage?.(page.alerts.length);
  }
  // What the listing remembered is let go before the commit, when memory peaks. (A listing that fails
  // fails the run, and its index with it.)
  index.endListing();
  return { counts, selected: selected.items, oldestUndeliveredAt };
}

/** Alerts diffed between two turns of the event loop: about a millisecond of work. */
const ALERTS_BETWEEN_READS = 25;

interface AlertLike {
  id: string;
  properties?: { timeGeneratedUtc?: unknown; startTimeUtc?: unknown };
}

function describeUnusableAlert(alert: unknown): string | undefined {
  if (typeof alert !== 'object' || alert === null || Array.isArray(alert)) {
    return `expected an object, got ${alert === null ? 'null' : Array.isArray(alert) ? 'an array' : typeof alert}`;
  }
  const id = (alert as { id?: unknown }).id;
  if (typeof id !== 'string' || id.trim() === '') return "it has no 'id'";
  return undefined;
}
