import type { AlertPage, AlertSource } from '../defender/alertSource';

/** A listing whose first page is already on its way: iterate it once, or abandon it. */
export interface StartedListing extends AlertSource {
  /** Stops a listing that will not be iterated (the run failed first); its first page's failure is ignored. */
  abandon(): void;
}

/**
 * Requests the first page of `source` now, so that its round trip overlaps what the run does before it reads
 * pages (loading the hash index, settling batches). Pages are still requested one at a time, each once: the
 * listing costs the same ARM calls, and only the first page is held until it is read.
 */
export function startListing(source: AlertSource, options: { abortSignal?: AbortSignal }): StartedListing {
  const iterator = source.pages(options)[Symbol.asyncIterator]();
  const first = iterator.next();
  // Observed at once: a run abandoned before reading it must not leave an unhandled rejection behind.
  first.catch(() => undefined);
  let taken = false;
  async function* resume(): AsyncGenerator<AlertPage> {
    let done = false;
    try {
      for (let next = await first; !next.done; next = await iterator.next()) yield next.value;
      done = true;
    } finally {
      // A consumer that stops early (an alert that throws) closes the underlying listing too.
      if (!done) await iterator.return?.();
    }
  }
  return {
    pages: () => {
      if (taken) throw new Error('A started listing can be iterated only once.');
      taken = true;
      return resume();
    },
    abandon: () => {
      if (taken) return;
      taken = true;
      first.then(
        () => iterator.return?.(),
        () => undefined,
      );
    },
  };
}
