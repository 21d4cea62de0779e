/**
 * Benchmark 7 — what `latchkey mcp` adds to a tool call (issue 18): the same `tools/call`
 * (`greet`) against the MCP SDK's own example server (`simpleStreamableHttp.js
 * --oauth-strict`, from the npm package), once through the bridge (an SDK `Client` over
 * `StdioClientTransport` spawning `latchkey mcp <url>`) and once directly (an SDK `Client`
 * over `StreamableHTTPClientTransport` with the same access token as a Bearer header).
 * Calls alternate between the two so both see the same machine; median of 50 each after
 * 5 warm-up calls. The broker is not on this path after the first token: the bridge keeps
 * the token in memory, so the difference is the stdio hop and the relay.
 */
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { join } from 'node:path';
import { osKeychain } from '../main/adapters/keychain.ts';
import { bridgeKeyAccount } from '../main/cli/mcp/bridge-key.ts';
import { Client } from '../main/client/client.ts';
import { CONTROL_HEADER } from '../main/http/owner-auth.ts';
import { readRuntime } from '../main/runtime-file.ts';
import { HttpBrowser } from '../test/helpers/http-browser.ts';
import { startMcpSdkServer } from '../test/helpers/mcp-sdk-server.ts';
import { startTestBroker, tempHome } from '../test/helpers/test-broker.ts';
import { type BenchContext, ROOT, type Row, median, percentile, row, sleep } from './helpers.ts';

const CLIENT_NAME = 'bench-mcp-client';

export async function mcpBridge(ctx: BenchContext): Promise<{ rows: Row[]; details: { bridgedMs: number[]; directMs: number[]; sdkVersion: string } }> {
  const runs = ctx.quick ? 10 : 50;
  const warmup = 5;
  const home = tempHome();
  const broker = await startTestBroker({ home });
  const server = await startMcpSdkServer({ strict: true });
  const owner = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${broker.url}${path}`, { method, headers: { [CONTROL_HEADER]: readRuntime(home)!.control, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return res.json();
  };
  const bridged = new McpClient({ name: CLIENT_NAME, version: '1.0.0' });
  let direct: McpClient | undefined;
  try {
    const transport = new StdioClientTransport({ command: process.execPath, args: [join(ROOT, 'main', 'cli', 'latchkey.ts'), 'mcp', server.mcpUrl, '--home', home], env: { ...process.env } as Record<string, string>, stderr: 'ignore' });
    const connecting = bridged.connect(transport);
    // The owner approves the bridge's first request; the demo server consents at once.
    let pending: { auth_id: string; provider_id: string } | undefined;
    while (!pending) {
      pending = ((await owner('GET', '/ui/api/requests')) as Array<{ auth_id: string; provider_id: string; agent_id: string | null }>).find((p) => p.agent_id === CLIENT_NAME);
      if (!pending) await sleep(50);
    }
    const approved = await owner('POST', `/ui/api/requests/${pending.auth_id}/approve`, { duration: '1h' }) as { consent_url: string | null };
    if (approved.consent_url) await new HttpBrowser().go(approved.consent_url);
    await connecting;

    // The same token, for the direct client: asked with the bridge's own key.
    const { key } = JSON.parse(osKeychain().get(bridgeKeyAccount(home)) ?? '{}') as { key: string };
    const auth = await new Client({ apiUrl: broker.url, apiKey: key }).authenticate({ provider: pending.provider_id, scopes: [], agentId: CLIENT_NAME });
    if (auth.status !== 'completed') throw new Error('no token for the direct client');
    direct = new McpClient({ name: 'bench-direct', version: '1.0.0' });
    await direct.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl), { requestInit: { headers: { authorization: `Bearer ${auth.token}` } } }));

    const call = async (c: McpClient): Promise<number> => {
      const t0 = performance.now();
      await c.callTool({ name: 'greet', arguments: { name: 'bench' } });
      return performance.now() - t0;
    };
    const bridgedMs: number[] = [];
    const directMs: number[] = [];
    for (let i = 0; i < warmup + runs; i++) {
      const b = await call(bridged);
      const d = await call(direct);
      if (i >= warmup) { bridgedMs.push(b); directMs.push(d); }
    }
    const mb = median(bridgedMs);
    const md = median(directMs);
    ctx.log(`  tools/call median: bridged ${mb.toFixed(2)} ms, direct ${md.toFixed(2)} ms, added ${(mb - md).toFixed(2)} ms (p95 bridged ${percentile(bridgedMs, 95).toFixed(2)}, direct ${percentile(directMs, 95).toFixed(2)})`);
    const r2 = (v: number) => Math.round(v * 100) / 100;
    return {
      rows: [
        row({ benchmark: 'mcp bridge', metric: `tools/call median of ${runs}`, unit: 'ms', latchkey: r2(mb), baseline: r2(md), ratio: mb / md }),
        row({ benchmark: 'mcp bridge', metric: 'added latency (median difference)', unit: 'ms', latchkey: r2(mb - md), baseline: null }),
        row({ benchmark: 'mcp bridge', metric: `tools/call p95 of ${runs}`, unit: 'ms', latchkey: r2(percentile(bridgedMs, 95)), baseline: r2(percentile(directMs, 95)), ratio: percentile(bridgedMs, 95) / percentile(directMs, 95) }),
      ],
      details: { bridgedMs, directMs, sdkVersion: server.sdkVersion },
    };
  } finally {
    await bridged.close().catch(() => undefined);
    await direct?.close().catch(() => undefined);
    await server.close();
    await broker.cleanup();
    try { osKeychain().delete(bridgeKeyAccount(home)); } catch { /* already gone */ }
  }
}
