/**
 * The relay (main/cli/mcp/relay.ts) between the SDK's in-memory transport (standing in for
 * stdio) and a scripted server side: the token stays out of what the client receives even
 * from a server that echoes it (S15), URL elicitation only for clients that declared it,
 * and the client's name becomes a clean agent_id.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { BrokerTokens } from '../../../main/cli/mcp/broker-tokens.ts';
import { Relay, agentIdFrom, type ServerSide } from '../../../main/cli/mcp/relay.ts';

const TOKEN = 'at_secret_token_value_1234567890';

/** A server side that answers each request by echoing what it was sent, token included. */
function echoingServer(): ServerSide {
  const side: ServerSide = {
    url: 'http://mcp.test/mcp',
    async send(m) {
      if ('id' in m && 'method' in m) {
        const answer = m.method === 'initialize'
          ? { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'echo', version: '1' }, instructions: `your header was Bearer ${TOKEN}` }
          : { content: [{ type: 'text', text: `Authorization: Bearer ${TOKEN}` }] };
        queueMicrotask(() => side.onmessage?.({ jsonrpc: '2.0', id: m.id, result: answer }));
      }
      side.onerror?.(new Error(`server said: ${TOKEN}`));
    },
    setProtocolVersion() {},
    async close() {},
  };
  return side;
}

async function relayWith(tokens: BrokerTokens, server: ServerSide) {
  const [clientEnd, relayEnd] = InMemoryTransport.createLinkedPair();
  const received: string[] = [];
  const logged: string[] = [];
  clientEnd.onmessage = (m) => received.push(JSON.stringify(m));
  const relay = new Relay({ client: relayEnd, server, tokens, approvalWaitMs: 0, log: (l) => logged.push(l) });
  await relay.start();
  await clientEnd.start();
  const next = async (id: number) => {
    for (let i = 0; i < 100; i++) {
      const hit = received.map((r) => JSON.parse(r) as Record<string, unknown>).find((m) => m.id === id);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no answer to ${id}`);
  };
  return { send: (m: JSONRPCMessage) => clientEnd.send(m), received, logged, next, relay };
}

const init = (id: number, capabilities: Record<string, unknown> = {}, name = 'claude-code'): JSONRPCMessage => ({
  jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities, clientInfo: { name, version: '1' } },
});

describe('relay', () => {
  test('S15 a server that echoes the Authorization header: the token never reaches the MCP client, nor stderr', async () => {
    const tokens = new BrokerTokens({ brokerHint: 'latchkey serve', connect: async () => ({ providerId: 'p', auth: {
      authenticate: async () => ({ status: 'completed' as const, token: TOKEN, authUrl: null, authId: null, expiresAt: null, userId: 'default', metadata: { tokenId: 't', providerAccountLabel: null } }),
      waitForCompletion: async () => ({ status: 'timeout', token: null }),
    } }) });
    const r = await relayWith(tokens, echoingServer());
    await r.send(init(1));
    await r.next(1);
    await r.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'x', arguments: {} } });
    const answer = await r.next(2);
    assert.match(JSON.stringify(answer), /token withheld by Latchkey/);
    for (const m of r.received) assert.ok(!m.includes(TOKEN), `leaked to the client: ${m}`);
    for (const l of r.logged) assert.ok(!l.includes(TOKEN), `leaked to stderr: ${l}`);
    await r.relay.close();
  });

  test('pending: a plain MCP error for initialize; URL elicitation (-32042) afterwards only for clients that declared elicitation.url', async () => {
    let approve = false;
    const tokens = new BrokerTokens({ brokerHint: 'latchkey serve', connect: async () => ({ providerId: 'p', auth: {
      authenticate: async () => (approve
        ? { status: 'completed', token: 'ok', authUrl: null, authId: null, expiresAt: null, userId: 'default', metadata: { tokenId: 't', providerAccountLabel: null } }
        : { status: 'pending', token: null, authUrl: 'http://127.0.0.1:1/start/abc', authId: 'lk-auth-1', expiresAt: null, userId: 'default', metadata: null }),
      waitForCompletion: async () => { await new Promise((res) => setTimeout(res, 20)); return { status: 'not_found', token: null }; },
    } }) });
    const server = echoingServer();
    const r = await relayWith(tokens, server);
    await r.send(init(1, { elicitation: { url: {} } }));
    const first = await r.next(1) as { error: { code: number; data: { start_url: string } } };
    assert.equal(first.error.code, -32010, 'initialize: no elicitation before the session exists');
    assert.equal(first.error.data.start_url, 'http://127.0.0.1:1/start/abc');

    approve = true;
    await new Promise((res) => setTimeout(res, 60)); // the background wait ends (not_found): the next call asks again
    await r.send(init(2, { elicitation: { url: {} } }));
    assert.ok('result' in await r.next(2));
    approve = false;
    await tokens.widen(['more']).catch(() => undefined); // a scope step-up is now pending
    await r.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'x', arguments: {} } });
    const elicit = await r.next(3) as { error: { code: number; data: { elicitations: Array<{ mode: string; url: string }> } } };
    assert.equal(elicit.error.code, -32042);
    assert.deepEqual(elicit.error.data.elicitations.map((e) => [e.mode, e.url]), [['url', 'http://127.0.0.1:1/start/abc']]);
    await r.relay.close();
  });

  test('the client\'s name becomes a clean agent_id (S34 characters dropped, length capped)', () => {
    assert.equal(agentIdFrom('Claude Code'), 'Claude Code');
    assert.equal(agentIdFrom('evil\u202Ename\u0007'), 'evilname');
    assert.equal(agentIdFrom('\u0000'), 'mcp-client');
    assert.equal(agentIdFrom('x'.repeat(300)).length, 128);
  });
});
