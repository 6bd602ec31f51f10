/*
 * The one edge mock of the simulator: Event Hubs cannot run here, so an Event Hubs output binding's events
 * are recorded in memory, grouped by the resolved `eventHubName`.
 *
 * What reaches it mirrors the host (see outputValues.ts): one event per array element, each body the bytes
 * the host's IAsyncCollector<byte[]> would send, recorded here as UTF-8 text. Checked against
 * Azure/azure-sdk-for-net sdk/eventhub/Microsoft.Azure.WebJobs.Extensions.EventHubs (converters
 * string/byte[]/BinaryData/POCO → EventData, so script outputs bind as byte[]).
 */

/** In-memory stand-in for the Event Hubs an app's output bindings send to. */
export class FakeEventHub {
  readonly #eventsByHub = new Map<string, string[]>();

  /** Records events sent to `eventHubName`, in order. */
  send(eventHubName: string, bodies: readonly string[]): void {
    const events = this.#eventsByHub.get(eventHubName) ?? [];
    events.push(...bodies);
    this.#eventsByHub.set(eventHubName, events);
  }

  /** Every event body sent to `eventHubName` so far, oldest first; empty when none. */
  events(eventHubName: string): string[] {
    return [...(this.#eventsByHub.get(eventHubName) ?? [])];
  }

  /** The names of the event hubs that received at least one event. */
  eventHubNames(): string[] {
    return [...this.#eventsByHub.keys()];
  }
}
