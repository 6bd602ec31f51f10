import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the proxy saw: what a rule decides on. */
export interface ProxiedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingMessage['headers'];
}

/**
 * An HTTP proxy in front of one origin (Azurite) that can lose responses: the request reaches the server
 * and takes effect, but the client's connection is cut before the answer arrives, as a network fault or a
 * timed-out load balancer would. The storage SDK then retries a request that has already succeeded.
 */
export class FaultProxy {
  private server: Server | undefined;
  private readonly rules: { matches: (request: ProxiedRequest) => boolean; remaining: number }[] = [];
  readonly lost: ProxiedRequest[] = [];
  /** Every request whose answer was passed on to the client, with its status, in order. */
  readonly answered: (ProxiedRequest & { status: number })[] = [];

  constructor(private readonly target: URL) {}

  /** `http://127.0.0.1:<port>`; valid after {@link start}. */
  get origin(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The next `times` requests that match and succeed lose their response after the server handled them. */
  loseResponse(matches: (request: ProxiedRequest) => boolean, times = 1): void {
    this.rules.push({ matches, remaining: times });
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const seen: ProxiedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
      };
      const upstream = httpRequest(
        {
          host: this.target.hostname,
          port: this.target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: this.target.host },
        },
        (answer) => {
          // Only a request that took effect (2xx) makes an ambiguous outcome.
          const succeeded = (answer.statusCode ?? 500) < 300;
          const rule = succeeded
            ? this.rules.find((candidate) => candidate.remaining > 0 && candidate.matches(seen))
            : undefined;
          if (rule) {
            rule.remaining -= 1;
            // The server has answered: the request took effect. The client never hears of it.
            answer.resume();
            this.lost.push(seen);
            req.socket.destroy();
            return;
          }
          this.answered.push({ ...seen, status: answer.statusCode ?? 502 });
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => req.socket.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
