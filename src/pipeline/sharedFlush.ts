import type { DirectSink } from '../delivery/sinks';

/**
 * The sink with its flushes shared: runs that finish writing while a flush is in progress wait for one
 * more flush, started after it, and share it; a run never waits for more than two. Every record written
 * before `flush` was called is durable when it resolves, as the {@link DirectSink} contract says, so each
 * run still commits only after its records are on disk; the local runner's many small subscriptions cost a
 * handful of `fsync` calls instead of one each.
 */
export function sharedFlush(sink: DirectSink): DirectSink {
  let inProgress: Promise<void> = Promise.resolve();
  let next: Promise<void> | undefined;
  return {
    kind: 'direct',
    write: (records) => sink.write(records),
    flush: () => {
      if (next !== undefined) return next;
      // Starts once the flush in progress has settled, its outcome aside: each flush answers for itself.
      const flush = inProgress
        .then(
          () => undefined,
          () => undefined,
        )
        .then(() => {
          next = undefined;
          return sink.flush();
        });
      next = flush;
      inProgress = flush;
      return flush;
    },
  };
}
