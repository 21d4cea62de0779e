/**
 * The broker's HTTP server: Node's http server with the limits a loopback service needs,
 * bound to 127.0.0.1 only (S07), and a graceful close (S30) that lets accepted requests
 * finish before their sockets go.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { MAX_HEADER_BYTES } from './guards.ts';

export interface ServerLimits {
  /** A request's headers must arrive within this. */
  headersTimeoutMs: number;
  /**
   * The whole request — headers and body — must arrive within this (S40), so a client that
   * dribbles a body cannot hold a socket forever. Long-polls and event streams are not
   * affected: Node stops this clock once the request is received, however long the answer takes.
   */
  requestTimeoutMs: number;
  /** How often Node checks the two limits above. */
  checkIntervalMs: number;
}

// Not `import { createServer } from 'node:http'`: an ES module import of a builtin builds a
// namespace of all its exports, and reading node:http's lazy ones loads Node's bundled undici
// (~30 ms of every start-up and a few MB, issue 17). The builtin module itself does not.
const { createServer } = process.getBuiltinModule('node:http');

export const DEFAULT_SERVER_LIMITS: ServerLimits = { headersTimeoutMs: 20_000, requestTimeoutMs: 30_000, checkIntervalMs: 2_000 };

/** How long close() waits for accepted requests to be answered. */
const DRAIN_MS = 2_000;

export class PortInUseError extends Error {
  readonly port: number;
  constructor(port: number) {
    super(`Port ${port} on 127.0.0.1 is already in use (is another Latchkey running?). Latchkey does not silently move to another port, because redirect URIs registered with providers include it. Stop the other program, or choose another port with --port N or LATCHKEY_PORT=N (and register the new redirect URIs).`);
    this.port = port;
  }
}

export interface BrokerServer {
  /** Listens on 127.0.0.1:port (0 picks one) and answers the port it got. */
  listen(port: number): Promise<number>;
  /**
   * Stops accepting, calls `answerOpenWaits` (so long-polls end now), lets requests already
   * accepted finish for up to 2 s, then closes every socket that is left (event streams).
   */
  close(answerOpenWaits: () => void): Promise<void>;
}

export function createBrokerServer(handler: (req: IncomingMessage, res: ServerResponse) => void, limits: ServerLimits = DEFAULT_SERVER_LIMITS): BrokerServer {
  // Requests being answered, so close() can let them finish (event streams excepted: they never
  // do). Counted in the one request listener: a second listener cost every call an emit.
  let inFlight = 0;
  const answered = (): void => { inFlight--; };
  // requireHostHeader off: a Host-less request must reach the S01 guard and get its 403, not Node's 400.
  const server: Server = createServer({
    maxHeaderSize: MAX_HEADER_BYTES, requireHostHeader: false,
    headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: limits.checkIntervalMs,
  }, (req, res) => {
    if (req.headers.accept !== 'text/event-stream') {
      inFlight++;
      res.on('close', answered);
    }
    handler(req, res);
  });
  // Clients must give up idle keep-alive sockets before the server closes them, or a reused
  // socket dies mid-request ("other side closed"). httpx expires them after 5 s — exactly
  // Node's default — and undici after 4 s; 30 s here keeps the server out of that race.
  server.keepAliveTimeout = 30_000;

  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  return {
    listen: (port) => new Promise<number>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(port) : err));
      server.listen(port, '127.0.0.1', () => {
        server.removeAllListeners('error');
        resolve((server.address() as AddressInfo).port);
      });
    }),
    async close(answerOpenWaits) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      answerOpenWaits();
      server.closeIdleConnections();
      const deadline = Date.now() + DRAIN_MS;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
