/**
 * A sink that writes the records itself (the local runner's file or stdout), page by page as the run goes.
 * The index records them as delivered only after `flush` has made everything written durable.
 */
export interface DirectSink {
  readonly kind: 'direct';
  /** Writes records after those already written. */
  write(records: readonly string[]): Promise<void>;
  /** Returns once every record written so far is durable (on disk, or handed to the reader). */
  flush(): Promise<void>;
}

/**
 * A sink whose records are written by someone else after the run returns (the Functions host writing the
 * outbox blob binding). The index records them as pending under the batch's reference; a later run settles
 * them on the evidence the reference leads to.
 */
export interface HandOverSink<TPayload = unknown> {
  readonly kind: 'handOver';
  /** Largest record the target accepts, in UTF-8 bytes; larger ones are counted as oversized. */
  readonly maxRecordBytes: number | undefined;
  /** Builds what the host writes, and the reference under which a later run looks for it. */
  prepare(records: readonly string[]): { payload: TPayload; ref: string };
}

export type AlertSink = DirectSink | HandOverSink;

/** A {@link DirectSink} that keeps the records in memory, for tests. */
export class InMemorySink implements DirectSink {
  readonly kind = 'direct';
  readonly records: string[] = [];

  write(records: readonly string[]): Promise<void> {
    this.records.push(...records);
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }
}
