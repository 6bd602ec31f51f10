/** One page of alerts exactly as the API returned them: parsed wire JSON, not an SDK model. */
export interface AlertPage {
  readonly alerts: readonly unknown[];
  /** 1-based position of the page in the listing. */
  readonly pageNumber: number;
}

/**
 * Where alerts come from. A listing is complete only when the iterator finishes without throwing; a
 * failure mid-listing throws, and the caller must not treat unseen alerts as gone.
 */
export interface AlertSource {
  pages(options?: { abortSignal?: AbortSignal }): AsyncIterable<AlertPage>;
}

/** An in-memory source for unit tests: the given pages, in order. */
export class InMemoryAlertSource implements AlertSource {
  constructor(private readonly pagesOfAlerts: readonly (readonly unknown[])[]) {}

  async *pages(): AsyncIterable<AlertPage> {
    let pageNumber = 0;
    for (const alerts of this.pagesOfAlerts) {
      pageNumber += 1;
      yield await Promise.resolve({ alerts, pageNumber });
    }
  }
}
