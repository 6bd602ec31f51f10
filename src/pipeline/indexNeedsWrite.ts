/**
 * How old the index's last write may be before a run that changes nothing else rewrites it anyway, to
 * store the last-seen times of the alerts it listed. Pruning reads those times (an entry unseen for
 * `PRUNE_AFTER_IN_DAYS`, retention + 7 days, is forgotten), so a stored last-seen time may lag the truth
 * by up to this much for an alert listed at each write: a day of the week's margin.
 */
export const LAST_SEEN_REFRESH_IN_MS = 86_400_000;

export interface IndexWriteFacts {
  /** The index blob existed when the run loaded it. */
  existed: boolean;
  /** When it was last written (its header's `updatedAt`). */
  updatedAt: string;
  /** It had pending batches: settling them may have changed it. */
  hadPendingBatches: boolean;
  /** Alerts this run delivers or hands over. */
  selected: number;
  now: Date;
}

/**
 * Whether a run must write the index: when it creates it, delivers or hands over anything, or had batches
 * to settle. Otherwise the run changes nothing but the last-seen times of alerts the index knows (and what
 * a complete listing would prune), and it writes only when the last write is a day old or more, or dated
 * ahead of this run's clock. Leaving the index as it is delivers nothing twice and loses nothing: the
 * alerts it knows stay known, and the next run lists them again.
 *
 * A run with no index and nothing to deliver still creates one (with the collection marker): a
 * subscription then costs one read per run rather than the read and the marker check of a first run.
 */
export function indexNeedsWrite(facts: IndexWriteFacts): boolean {
  if (!facts.existed || facts.hadPendingBatches || facts.selected > 0) return true;
  const ageInMs = facts.now.getTime() - Date.parse(facts.updatedAt);
  return !(ageInMs >= 0 && ageInMs < LAST_SEEN_REFRESH_IN_MS);
}
