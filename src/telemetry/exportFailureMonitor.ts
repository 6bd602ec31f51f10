import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { describeError } from './describeError';

/** What failed since the last report: how many sends, and the first cause. */
export interface ExportFailures {
  count: number;
  firstCause: string;
}

/**
 * Watches the Application Insights exporter's HTTP sends. The exporter keeps its failures to itself (it
 * stores retriable batches on disk and `flush()` resolves either way), so without this a wrong connection
 * string, a missing role or a blocked network would leave the dashboards empty without a word.
 */
export class ExportFailureMonitor {
  private count = 0;
  private firstCause: string | undefined;

  /** Added per call, before the exporter's retries and sign-in, so it sees each send's final outcome. */
  readonly policy: PipelinePolicy = {
    name: 'defenderAlertsExportFailureMonitor',
    sendRequest: async (request, next) => {
      const endpoint = new URL(request.url).origin;
      try {
        const response = await next(request);
        // 206 is a partial success: some items were refused.
        if (response.status !== 200) this.record(`HTTP ${response.status} from ${endpoint}`);
        return response;
      } catch (error) {
        this.record(`${describeError(error)} (${endpoint})`);
        throw error;
      }
    },
  };

  /** The failures since the last call, or `undefined` when every send succeeded. */
  take(): ExportFailures | undefined {
    if (this.firstCause === undefined) return undefined;
    const failures = { count: this.count, firstCause: this.firstCause };
    this.count = 0;
    this.firstCause = undefined;
    return failures;
  }

  private record(cause: string): void {
    this.count += 1;
    this.firstCause ??= cause;
  }
}
