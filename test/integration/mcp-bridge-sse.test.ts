/**
 * The bridge's server side (main/cli/mcp/server-link.ts) against the SDK's own example of the
 * older HTTP+SSE transport: the first POST (initialize) gets a 4xx, the link falls back to
 * SSEClientTransport as the MCP spec's backwards-compatibility rule says, and the whole
 * exchange — initialize, initialized, tools/list, a tools/call streaming notifications — goes through. The example has
 * no auth, so the link gets a plain fetch here (the token side is covered in mcp-bridge.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { ServerLink } from '../../main/cli/mcp/server-link.ts';
import { startMcpSdkSseServer } from '../helpers/mcp-sdk-server.ts';

let server: Awaited<ReturnType<typeof startMcpSdkSseServer>>;
before(async () => { server = await startMcpSdkSseServer(); });
after(async () => { await server.close(); });

test('HTTP+SSE only: a 4xx to the first POST falls back to the SSE transport, and messages flow both ways', async () => {
  const received: JSONRPCMessage[] = [];
  const link = new ServerLink(server.url, fetch);
  link.onmessage = (m) => received.push(m);
  const reply = async (id: number) => {
    for (let i = 0; i < 200; i++) {
      const hit = received.find((m) => 'id' in m && m.id === id);
      if (hit) return hit as { result?: Record<string, unknown> };
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no reply to ${id}`);
  };
  try {
    await link.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2024-11-05', capabilities: {}, clientInfo: { name: 'sse-test', version: '1' } } });
    assert.equal(link.kind, 'sse');
    assert.ok((await reply(1)).result?.serverInfo);
    await link.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await link.send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
    const tools = (await reply(2)).result?.tools as Array<{ name: string }>;
    assert.ok(tools.length > 0);
    assert.ok(tools.some((t) => t.name === 'start-notification-stream'));
    // A streamed result: notifications on the way, then the answer.
    await link.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'start-notification-stream', arguments: { interval: 20, count: 3 } } });
    assert.match(JSON.stringify((await reply(3)).result), /Completed sending 3 notifications/);
    assert.ok(received.filter((m) => 'method' in m && m.method === 'notifications/message').length >= 3, 'the notifications were relayed as they came');
  } finally {
    await link.close();
  }
});
