/** Runs work with at most a fixed number of calls in progress; see {@link concurrencyLimit}. */
export type Limiter = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * A limiter: each call runs `work` once fewer than `limit` earlier calls are in progress, in the order the
 * calls were made, and settles as `work` does. A slot is freed when `work` settles, whatever its outcome.
 */
export function concurrencyLimit(limit: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (active < limit) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The slot passes straight to the next waiting call, or is freed.
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}
