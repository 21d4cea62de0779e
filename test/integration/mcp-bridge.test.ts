/**
 * `latchkey mcp <url>` (issue 18) as MCP clients run it: the official SDK's `Client` over
 * `StdioClientTransport` spawns the bridge (this Node, the CLI entry), the bridge relays to
 * the SDK's own example Streamable HTTP server with OAuth (`--oauth-strict`, from the npm
 * package), the token comes from a real broker (real SQLite, the real gnome-keyring of the
 * test session), and the owner decides through the owner API with the control secret.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { osKeychain } from '../../main/adapters/keychain.ts';
import { bridgeKeyAccount } from '../../main/cli/mcp/bridge-key.ts';
import { Client } from '../../main/client/client.ts';
import { readRuntime } from '../../main/runtime-file.ts';
import { HttpBrowser } from '../helpers/http-browser.ts';
import { startMcpSdkServer, type McpSdkServer } from '../helpers/mcp-sdk-server.ts';
import { CLI } from '../helpers/serve-process.ts';
import { join } from 'node:path';

const TIME_SHIFT = join(process.cwd(), 'test', 'helpers', 'time-shift.mjs');
import { movableClock } from '../helpers/fakes.ts';
import { startTestBroker, tempHome, type TestBroker } from '../helpers/test-broker.ts';

/** The SDK's stdio transport, recording every message the MCP client receives. */
class RecordingTransport implements Transport {
  readonly inner: StdioClientTransport;
  readonly received: string[] = [];
  stderr = '';
  onmessage?: (m: JSONRPCMessage) => void;
  onerror?: (e: Error) => void;
  onclose?: () => void;
  constructor(args: string[], nodeArgs: string[] = []) {
    this.inner = new StdioClientTransport({ command: process.execPath, args: [...nodeArgs, CLI, 'mcp', ...args], env: { ...process.env } as Record<string, string>, stderr: 'pipe' });
    (this.inner.stderr as Readable | null)?.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    this.inner.onmessage = (m) => { this.received.push(JSON.stringify(m)); this.onmessage?.(m); };
    this.inner.onerror = (e) => this.onerror?.(e);
    this.inner.onclose = () => this.onclose?.();
  }
  start() { return this.inner.start(); }
  send(m: JSONRPCMessage) { return this.inner.send(m); }
  close() { return this.inner.close(); }
  /** The next message with this id. */
  async reply(id: number): Promise<Record<string, unknown>> {
    for (let i = 0; i < 600; i++) {
      const hit = this.received.map((r) => JSON.parse(r) as Record<string, unknown>).find((m) => m.id === id);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no reply to ${id}; stderr: ${this.stderr}`);
  }
}

interface PendingView { auth_id: string; provider_id: string; agent_id: string | null; key_label: string; scopes: string[] }

describe('latchkey mcp: the bridge MCP clients start', () => {
  let broker: TestBroker;
  let server: McpSdkServer;
  const home = tempHome();
  const open: Array<{ close(): Promise<void> }> = [];

  before(async () => {
    broker = await startTestBroker({ home });
    server = await startMcpSdkServer({ strict: true });
  });
  after(async () => {
    for (const c of open) await c.close().catch(() => undefined);
    await server.close();
    await broker.cleanup();
    try { osKeychain().delete(bridgeKeyAccount(home)); } catch { /* already gone */ }
  });

  async function owner(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const control = readRuntime(home)!.control;
    const res = await fetch(`${broker.url}${path}`, { method, headers: { 'x-latchkey-control': control, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: await res.json() };
  }

  /** The owner approves the pending request of this MCP client; the demo server consents. */
  async function approveFor(clientName: string): Promise<PendingView> {
    let pending: PendingView | undefined;
    for (let i = 0; i < 400 && !pending; i++) {
      pending = ((await owner('GET', '/ui/api/requests')).body as PendingView[]).find((p) => p.agent_id === clientName);
      if (!pending) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(pending, `a Pending card for ${clientName}`);
    const approved = await owner('POST', `/ui/api/requests/${pending.auth_id}/approve`, { duration: '1h' });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    if (approved.body.consent_url) {
      const done = await new HttpBrowser().go(approved.body.consent_url);
      assert.match(done.text, /Connected|connected/, done.text.slice(0, 300));
    }
    return pending;
  }

  function bridge(name: string, args: string[] = []) {
    const transport = new RecordingTransport([server.mcpUrl, '--home', home, ...args]);
    const client = new McpClient({ name, version: '1.0.0' });
    open.push(client);
    return { transport, client };
  }

  /** The token the broker holds for this client, fetched with the bridge's own key from the keychain. */
  async function tokenOf(clientName: string, providerId: string): Promise<string> {
    const stored = JSON.parse(osKeychain().get(bridgeKeyAccount(home)) ?? '{}') as { key?: string };
    assert.ok(stored.key?.startsWith('lk_'), 'the bridge keeps its key in the keychain');
    const r = await new Client({ apiUrl: broker.url, apiKey: stored.key }).authenticate({ provider: providerId, scopes: [], agentId: clientName });
    assert.equal(r.status, 'completed');
    return r.token!;
  }

  test('first start: the Pending card names the client, the server and the scopes; once approved the client lists tools and calls one; the token never reaches the client', async () => {
    const { transport, client } = bridge('claude-code-test');
    const connecting = client.connect(transport);
    const card = await approveFor('claude-code-test');
    await connecting;
    assert.equal(card.key_label, 'latchkey mcp', 'the bridge\'s own agent key, not the owner key');
    const provider = (await owner('GET', '/ui/api/providers')).body.find((p: { provider_id: string }) => p.provider_id === card.provider_id);
    assert.equal(provider.mcp_server_url, server.mcpUrl, 'the provider was discovered for this server');

    assert.equal(client.getServerVersion()?.name, 'simple-streamable-http-server');
    assert.ok((await client.listTools()).tools.some((t) => t.name === 'greet'));
    const called = await client.callTool({ name: 'greet', arguments: { name: 'Ada' } });
    assert.match(JSON.stringify(called.content), /Hello, Ada/);

    const token = await tokenOf('claude-code-test', card.provider_id);
    assert.ok(transport.received.length >= 3);
    for (const m of transport.received) assert.ok(!m.includes(token), 'no message to the client carries the access token');
    assert.ok(!transport.stderr.includes(token), 'stderr does not carry the access token');

    const activity = (await owner('GET', `/ui/api/activity?key=${encodeURIComponent('latchkey mcp')}&limit=100`)).body.entries as Array<{ type: string; agent_id: string | null; provider_id: string | null; detail: string | null }>;
    assert.ok(activity.some((e) => e.type === 'token.released' && e.agent_id === 'claude-code-test' && e.provider_id === card.provider_id), 'the log says which client used which server');
    const created = (await owner('GET', '/ui/api/activity?type=provider.created')).body.entries as Array<{ detail: string | null }>;
    assert.ok(created.some((e) => e.detail?.includes('claude-code-test')), 'creating the provider is in the log, naming the client');
    await client.close();
  });

  test('a second bridge start within the grant needs no approval', async () => {
    const { transport, client } = bridge('claude-code-test', ['--wait-for-approval', '0']);
    await client.connect(transport);
    assert.ok((await client.listTools()).tools.some((t) => t.name === 'greet'));
    assert.equal(((await owner('GET', '/ui/api/requests')).body as unknown[]).length, 0, 'nothing pending');
    await client.close();
  });

  test('latchkey mcp list shows the bridged server, the client\'s connection and the last use; mcp config prints a snippet that starts this bridge', async () => {
    // Not spawnSync: the broker runs in this process and must keep answering.
    const spawnCli = (args: string[]) => new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, ...args], { encoding: 'utf8', env: process.env }, (err, stdout, stderr) => resolve({ status: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }));
    });
    const list = await spawnCli(['mcp', 'list', '--home', home, '--json']);
    assert.equal(list.status, 0, list.stderr);
    const servers = JSON.parse(list.stdout) as Array<{ server_url: string; connections: Array<{ client: string; status: string }>; last_used: string | null; last_client: string | null }>;
    const mine = servers.find((x) => x.server_url === server.mcpUrl);
    assert.ok(mine, list.stdout);
    assert.deepEqual(mine.connections.map((c) => [c.client, c.status]), [['claude-code-test', 'ok']]);
    assert.equal(mine.last_client, 'claude-code-test');
    assert.ok(mine.last_used && Date.parse(mine.last_used) > Date.now() - 10 * 60_000);
    const table = await spawnCli(['mcp', 'list', '--home', home]);
    assert.match(table.stdout, /SERVER\s+PROVIDER\s+CLIENT/);

    for (const [client, path] of [['claude', ['mcpServers']], ['cursor', ['mcpServers']], ['vscode', ['servers']]] as const) {
      const out = await spawnCli(['mcp', 'config', server.mcpUrl, '--client', client]);
      assert.equal(out.status, 0, out.stderr);
      const json = JSON.parse(out.stdout.slice(out.stdout.indexOf('{'), out.stdout.lastIndexOf('}') + 1)) as Record<string, Record<string, { command: string; args: string[] }>>;
      const entry = Object.values(json[path[0]]!)[0]!;
      assert.deepEqual([entry.command, ...entry.args], ['latchkey', 'mcp', server.mcpUrl], client);
    }
    const bad = await spawnCli(['mcp', 'config', server.mcpUrl, '--client', 'emacs']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /claude, cursor, vscode/);
  });

  test('until the owner decides: an MCP error naming the /start page; the bridge keeps waiting and relays once approved', async () => {
    const transport = new RecordingTransport([server.mcpUrl, '--home', home, '--wait-for-approval', '0']);
    open.push(transport);
    await transport.start();
    const initialize = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'cursor-test', version: '1' } } });
    await transport.send(initialize(1));
    const refused = await transport.reply(1) as { error?: { code: number; message: string; data?: { start_url?: string } } };
    assert.equal(refused.error?.code, -32010);
    assert.match(refused.error?.message ?? '', /waiting for its owner to approve/);
    assert.match(refused.error?.data?.start_url ?? '', new RegExp(`^${broker.url}/start/`));
    assert.ok(refused.error?.message.includes(refused.error.data!.start_url!), 'the message names the /start URL');

    await approveFor('cursor-test');
    for (let i = 0; i < 100; i++) {
      // The background wait settles shortly after the consent.
      await transport.send(initialize(10 + i));
      const r = await transport.reply(10 + i);
      if ('result' in r) {
        await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
        await transport.send({ jsonrpc: '2.0', id: 500, method: 'tools/list', params: {} });
        const tools = await transport.reply(500) as { result?: { tools: Array<{ name: string }> } };
        assert.ok(tools.result?.tools.some((t) => t.name === 'greet'));
        return;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.fail(`never relayed after approval: ${transport.stderr}`);
  });

  test('Latchkey not running: the MCP error and stderr say so, with the command to start it', async () => {
    const transport = new RecordingTransport([server.mcpUrl, '--home', tempHome()]);
    const client = new McpClient({ name: 'lonely-client', version: '1' });
    await assert.rejects(client.connect(transport), (err: Error) => {
      assert.match(err.message, /Latchkey is not running/);
      assert.match(err.message, /latchkey serve/);
      return true;
    });
    assert.match(transport.stderr, /Latchkey is not running[^\n]*latchkey serve/);
    await transport.close();
  });

  test('a server that goes away yields an MCP error, not a hang', async () => {
    const doomed = await startMcpSdkServer({ strict: true });
    try {
      const transport = new RecordingTransport([doomed.mcpUrl, '--home', home]);
      const client = new McpClient({ name: 'doomed-client', version: '1' });
      open.push(client);
      const connecting = client.connect(transport);
      await approveFor('doomed-client');
      await connecting;
      assert.ok((await client.listTools()).tools.length > 0);
      await doomed.close();
      await assert.rejects(client.callTool({ name: 'greet', arguments: { name: 'x' } }), (err: Error) => {
        assert.match(err.message, /MCP server .* (could not be reached|went away)/);
        return true;
      });
      await client.close();
    } finally {
      await doomed.close();
    }
  });
});

describe('latchkey mcp: an access token that expires while the bridge runs', () => {
  // The demo server issues 1-hour tokens and no refresh tokens (and answers an expired or
  // unknown token with 500 server_error, not 401: its verifier throws a plain Error). All
  // three clocks — broker, bridge, server — move two hours ahead: the bridge sees its token
  // expired and asks the broker, which cannot refresh and asks the owner for a new consent;
  // the bridge says so, and relays again in the same session once it is given.
  const home = tempHome();
  const clock = movableClock();
  let broker: TestBroker;
  let server: McpSdkServer;
  let client: McpClient;

  before(async () => {
    broker = await startTestBroker({ home, clock });
    server = await startMcpSdkServer({ strict: true, timeShift: true });
  });
  after(async () => {
    await client?.close().catch(() => undefined);
    await server.close();
    await broker.cleanup();
    try { osKeychain().delete(bridgeKeyAccount(home)); } catch { /* already gone */ }
  });

  async function owner(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${broker.url}${path}`, { method, headers: { 'x-latchkey-control': readRuntime(home)!.control, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: await res.json() };
  }
  async function approve(): Promise<void> {
    let pending: PendingView | undefined;
    for (let i = 0; i < 400 && !pending; i++) {
      pending = ((await owner('GET', '/ui/api/requests')).body as PendingView[]).find((p) => p.agent_id === 'zed-test');
      if (!pending) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(pending);
    const approved = await owner('POST', `/ui/api/requests/${pending.auth_id}/approve`, { duration: '30d' });
    assert.ok(approved.body.consent_url, 'a new consent at the server is needed');
    await new HttpBrowser().go(approved.body.consent_url);
  }

  test('an expired token → the broker is asked again → the owner consents once more → the same session goes on', async () => {
    const transport = new RecordingTransport([server.mcpUrl, '--home', home], ['--import', TIME_SHIFT]);
    client = new McpClient({ name: 'zed-test', version: '1' });
    const connecting = client.connect(transport);
    await approve();
    await connecting;
    await client.callTool({ name: 'greet', arguments: { name: 'before' } });

    clock.advance(2 * 3600_000);
    await server.advanceClock();
    process.kill(transport.inner.pid!, 'SIGUSR2');
    await new Promise((r) => setTimeout(r, 200));
    await assert.rejects(client.callTool({ name: 'greet', arguments: { name: 'expired' } }), (err: Error & { code?: number }) => {
      assert.equal(err.code, -32010, err.message);
      assert.match(err.message, /\/start\//);
      return true;
    });
    await approve();
    let answer: unknown;
    for (let i = 0; i < 100 && answer === undefined; i++) {
      answer = await client.callTool({ name: 'greet', arguments: { name: 'after' } }).catch(() => new Promise((r) => setTimeout(() => r(undefined), 100)));
    }
    assert.match(JSON.stringify(answer), /Hello, after/);
    assert.ok(!transport.stderr.match(/Bearer [A-Za-z0-9]/), 'no token on stderr');
  });
});
