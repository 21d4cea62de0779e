/**
 * The official MCP SDK's own example Streamable HTTP server with OAuth, started from the npm
 * package (`@modelcontextprotocol/sdk`, pinned in package.json) as a real peer: its
 * `examples/server/simpleStreamableHttp.js --oauth [--oauth-strict]`, unmodified, in a child
 * process. It runs two servers —
 *   - the MCP server at http://localhost:<mcpPort>/mcp (tools, RFC 9728 metadata, Bearer
 *     auth checked by introspection), and
 *   - the SDK's demo authorization server (`demoInMemoryOAuthProvider.js`) at
 *     http://localhost:<authPort>/ (RFC 8414 metadata, RFC 7591 /register, /authorize that
 *     consents at once for a "demo_user" and redirects back, /token, /introspect).
 * With `strict`, the authorization server accepts only the MCP server's own URL as the RFC 8707
 * `resource`, and the MCP server only tokens issued for it.
 *
 * The example reads its ports from MCP_PORT / MCP_AUTH_PORT and calls `listen(port)`; a
 * preload (loopback-only.mjs) makes those listens bind 127.0.0.1. Ports are picked free
 * beforehand, because the example puts them in its URLs before listening.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface McpSdkServer {
  /** The MCP endpoint, exactly as the example names it: http://localhost:<port>/mcp. */
  mcpUrl: string;
  /** The authorization server's issuer as the example advertises it (with its trailing slash). */
  issuer: string;
  mcpPort: number;
  authPort: number;
  strict: boolean;
  /** The SDK version the server came from. */
  sdkVersion: string;
  /** Everything the child printed, for failure messages. */
  output(): string;
  close(): Promise<void>;
}

/** The package root, found from its main entry (its exports map hides package.json). */
const SDK_DIR = (() => {
  let dir = dirname(fileURLToPath(import.meta.resolve('@modelcontextprotocol/sdk')));
  while (!existsSync(join(dir, 'package.json')) || !dir.endsWith(join('@modelcontextprotocol', 'sdk'))) dir = dirname(dir);
  return dir;
})();
const EXAMPLE = join(SDK_DIR, 'dist/esm/examples/server/simpleStreamableHttp.js');
const PRELOAD = join(dirname(fileURLToPath(import.meta.url)), 'loopback-only.mjs');

export function mcpSdkVersion(): string {
  return (JSON.parse(readFileSync(join(SDK_DIR, 'package.json'), 'utf8')) as { version: string }).version;
}

/** A port nobody listens on right now (the kernel's pick for port 0, released again). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

export async function startMcpSdkServer(options: { strict?: boolean; mcpPort?: number; authPort?: number } = {}): Promise<McpSdkServer> {
  const strict = options.strict ?? false;
  const mcpPort = options.mcpPort ?? await freePort();
  const authPort = options.authPort ?? await freePort();
  const args = ['--import', PRELOAD, EXAMPLE, '--oauth', ...(strict ? ['--oauth-strict'] : [])];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', MCP_PORT: String(mcpPort), MCP_AUTH_PORT: String(authPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the MCP SDK example server did not start:\n${output}`)), 15_000);
    const check = () => {
      if (output.includes(`listening on port ${mcpPort}`) && output.includes(`listening on port ${authPort}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the MCP SDK example server exited with ${code}:\n${output}`));
    });
  });

  return {
    mcpUrl: `http://localhost:${mcpPort}/mcp`,
    issuer: `http://localhost:${authPort}/`,
    mcpPort, authPort, strict,
    sdkVersion: mcpSdkVersion(),
    output: () => output,
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
