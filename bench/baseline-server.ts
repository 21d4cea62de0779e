/**
 * The baseline: a bare `node:http` server on 127.0.0.1:0 in its own process, doing the least
 * a server can do for the same exchange.
 *   --mode json  read the request body, answer `--body` (JSON) with 200 at once;
 *   --mode hold  hold every request open until the `release` command, then answer all.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { HOST, serveCommands, settledMemory } from './helpers.ts';

export interface BaselineReady { url: string; port: number; pid: number }

const { values } = parseArgs({ options: { mode: { type: 'string' }, body: { type: 'string' } } });
const body: unknown = JSON.parse(values.body ?? '{}');
const held = new Set<ServerResponse>();

function answer(res: ServerResponse): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer((req, res) => {
  req.resume();
  if (values.mode === 'hold') {
    held.add(res);
    res.on('close', () => held.delete(res));
    return;
  }
  req.on('end', () => answer(res));
});
await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
const port = (server.address() as AddressInfo).port;

serveCommands(
  { url: `http://${HOST}:${port}`, port, pid: process.pid } satisfies BaselineReady,
  (cmd, args) => {
    switch (cmd) {
      case 'release': {
        const all = [...held].slice(0, typeof args.count === 'number' ? args.count : undefined);
        for (const res of all) answer(res);
        return all.length;
      }
      case 'stats':
        return { ...settledMemory(args.gc), waiters: held.size };
      default:
        throw new Error(`unknown command ${cmd}`);
    }
  },
  async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  },
);
