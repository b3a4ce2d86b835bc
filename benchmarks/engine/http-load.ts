/**
 * A small HTTP service and its client in this process: a server on 127.0.0.1 (an ephemeral port) answering
 * every request with a short body, and a client that sends requests back to back on one keep-alive
 * connection (http.Agent keepAlive, maxSockets 1), each as soon as the previous answer has arrived. Both run
 * on this process's event loop, so the rate of answers is a measure of how free the loop is.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

/** Bounds of the client: it stops by itself at whichever comes first. */
export interface HttpLoadLimits {
  /** Most requests to send. Default 2,000,000. */
  maxRequests?: number;
  /** Most seconds to keep sending. Default 120. */
  maxSeconds?: number;
}

/** A running server and client. */
export interface HttpLoad {
  /** Answers received so far. */
  answered(): number;
  /** The first client or server error, or null. */
  error(): string | null;
  /** Stops the client after its request in flight, closes the connection and the server. */
  stop(): Promise<void>;
}

/** Starts the server, then the client. */
export async function startHttpLoad(limits: HttpLoadLimits = {}): Promise<HttpLoad> {
  const maxRequests = limits.maxRequests ?? 2_000_000;
  const deadline = Date.now() + (limits.maxSeconds ?? 120) * 1000;
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
  // The client never leaves the connection idle, but a loop blocked for seconds must not lose it either.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  let count = 0;
  let firstError: string | null = null;
  let stopping = false;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => { finished = resolve; });

  const next = (): void => {
    if (stopping || count >= maxRequests || Date.now() >= deadline) {
      finished();
      return;
    }
    const req = http.request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume();
      res.on('end', () => {
        count++;
        next();
      });
    });
    req.on('error', (e) => {
      firstError ??= e.message;
      finished();
    });
    req.end();
  };
  next();

  return {
    answered: () => count,
    error: () => firstError,
    async stop() {
      stopping = true;
      await done;
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
