/**
 * How long the Functions host may still write a batch after the handler handed it over. A batch not in the
 * outbox after this long was never written: no attempt that could write it is still running.
 *
 * - The host stops an invocation after `functionTimeout` (host.json; a contract test holds the two equal).
 *   The batch is committed as pending moments before the handler returns, so the invocation began earlier.
 * - The host's output write itself: one blob of at most `max_alerts_per_run` records.
 * - The clocks of the instance that committed the batch and of the one judging it: each may be up to five
 *   minutes off true time, so they may differ by ten.
 */
export const FUNCTION_TIMEOUT_IN_MS = 30 * 60_000;
export const HOST_WRITE_ALLOWANCE_IN_MS = 10 * 60_000;
export const MAX_CLOCK_SKEW_BETWEEN_INSTANCES_IN_MS = 10 * 60_000;
export const SETTLE_AFTER_IN_MS =
  FUNCTION_TIMEOUT_IN_MS + HOST_WRITE_ALLOWANCE_IN_MS + MAX_CLOCK_SKEW_BETWEEN_INSTANCES_IN_MS;
