/**
 * The bridge's token handling (main/cli/mcp/broker-tokens.ts, authorized-fetch.ts) against
 * a scripted broker and a scripted MCP server: single-flight after 401, a new consent when
 * the broker hands back the refused token, incremental consent on 403 insufficient_scope,
 * the pending → approved path, a broker that is not running, and expiry ahead of use.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { LatchkeyUnreachableError, type AuthResult, type WaitResult } from '../../../main/client/client.ts';
import { authorizedFetch, insufficientScope } from '../../../main/cli/mcp/authorized-fetch.ts';
import { ApprovalPending, BridgeFailure } from '../../../main/cli/mcp/bridge-errors.ts';
import { BrokerTokens, type AgentAuth } from '../../../main/cli/mcp/broker-tokens.ts';

type Ask = { provider: string; scopes: readonly string[]; agentId?: string | null; forceNew?: boolean };

/** A broker that answers `authenticate` from a script and records every question. */
function scriptedBroker(answers: Array<AuthResult | Error>, waits: WaitResult[] = []) {
  const asked: Ask[] = [];
  const auth: AgentAuth = {
    async authenticate(p) {
      asked.push(p);
      await new Promise((r) => setTimeout(r, 5));
      const next = answers.shift();
      if (!next) throw new Error('no more scripted answers');
      if (next instanceof Error) throw next;
      return next;
    },
    async waitForCompletion() {
      await new Promise((r) => setTimeout(r, 10));
      return waits.shift() ?? { status: 'timeout', token: null };
    },
  };
  const made: BrokerTokens[] = [];
  after(() => { for (const t of made) t.stop(); });
  const tokens = (now?: () => number) => {
    const t = new BrokerTokens({ connect: async () => ({ auth, providerId: 'mcp-test' }), brokerHint: 'latchkey serve', ...(now ? { now } : {}) });
    made.push(t);
    return t;
  };
  return { asked, tokens };
}

const completed = (token: string, expiresAt: string | null = null): AuthResult => ({ status: 'completed', token, authUrl: null, authId: null, expiresAt, userId: 'default', metadata: { tokenId: 't', providerAccountLabel: null } });
const pending = (id: string): AuthResult => ({ status: 'pending', token: null, authUrl: `http://127.0.0.1:1/start/${id}`, authId: id, expiresAt: null, userId: 'default', metadata: null });

/** An MCP server that accepts only `good` tokens; answers what `refuse` says for the others. */
function scriptedServer(good: Set<string>, refuse: (token: string) => Response) {
  const seen: string[] = [];
  const fetchImpl = async (_url: string | URL, init?: RequestInit): Promise<Response> => {
    const token = new Headers(init?.headers).get('authorization')?.replace(/^Bearer /, '') ?? '';
    seen.push(token);
    return good.has(token) ? new Response('{}', { status: 200 }) : refuse(token);
  };
  return { seen, fetchImpl };
}

describe('bridge tokens', () => {
  test('a burst of 401s asks the broker once, and every request is retried once with the fresh token', async () => {
    const broker = scriptedBroker([completed('t1'), completed('t2')]);
    const tokens = broker.tokens();
    const server = scriptedServer(new Set(['t2']), () => new Response('', { status: 401 }));
    const f = authorizedFetch(tokens, server.fetchImpl);
    await tokens.token();
    const answers = await Promise.all(Array.from({ length: 5 }, () => f('http://mcp.test/mcp', { method: 'POST', body: '{}' })));
    assert.deepEqual(answers.map((r) => r.status), [200, 200, 200, 200, 200]);
    assert.equal(broker.asked.length, 2, 'one question at start, one for the whole burst');
    assert.equal(server.seen.filter((t) => t === 't1').length, 5);
    assert.equal(server.seen.filter((t) => t === 't2').length, 5);
  });

  test('the broker hands back the very token the server refused: a new consent is asked for (force_new)', async () => {
    const broker = scriptedBroker([completed('t1'), completed('t1'), pending('again')]);
    const tokens = broker.tokens();
    const server = scriptedServer(new Set(), () => new Response('', { status: 401 }));
    await tokens.token();
    await assert.rejects(authorizedFetch(tokens, server.fetchImpl)('http://mcp.test/mcp', { method: 'POST' }), (err: Error) => {
      assert.ok(err instanceof ApprovalPending);
      assert.equal(err.startUrl, 'http://127.0.0.1:1/start/again');
      assert.ok(err.message.includes(err.startUrl));
      return true;
    });
    assert.deepEqual(broker.asked.map((a) => a.forceNew === true), [false, false, true]);
  });

  test('403 insufficient_scope: the union of scopes is asked for, and the request retried with the new token', async () => {
    const broker = scriptedBroker([completed('narrow'), completed('wide')]);
    const tokens = broker.tokens();
    const challenge = 'Bearer error="insufficient_scope", scope="mcp:write mcp:tools", resource_metadata="http://mcp.test/.well-known/oauth-protected-resource"';
    const server = scriptedServer(new Set(['wide']), () => new Response('', { status: 403, headers: { 'www-authenticate': challenge } }));
    await tokens.token();
    const res = await authorizedFetch(tokens, server.fetchImpl)('http://mcp.test/mcp', { method: 'POST' });
    assert.equal(res.status, 200);
    assert.deepEqual(broker.asked[1]?.scopes, ['mcp:write', 'mcp:tools']);
    assert.deepEqual(server.seen, ['narrow', 'wide']);
  });

  test('a 403 that is not insufficient_scope is passed on untouched', () => {
    assert.equal(insufficientScope(new Response('', { status: 403, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } })), null);
    assert.equal(insufficientScope(new Response('', { status: 403 })), null);
    assert.deepEqual(insufficientScope(new Response('', { status: 403, headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="a b"' } })), ['a', 'b']);
  });

  test('pending: ApprovalPending with the /start link at once; the background wait picks up the approval', async () => {
    const broker = scriptedBroker([pending('p1')], [{ status: 'timeout', token: null }, { status: 'completed', token: 'approved', expiresAt: null }]);
    const tokens = broker.tokens();
    tokens.setAgent('claude-code');
    await assert.rejects(tokens.token(), ApprovalPending);
    assert.equal(broker.asked[0]?.agentId, 'claude-code', 'agent_id is the MCP client\'s name');
    await tokens.untilReady(2_000);
    assert.equal(await tokens.token(), 'approved');
    assert.equal(broker.asked.length, 1, 'waited, did not ask again');
  });

  test('denied: the next request hears it, the one after asks again', async () => {
    const broker = scriptedBroker([pending('p1'), pending('p2')], [{ status: 'denied', token: null, detail: 'no' }]);
    const tokens = broker.tokens();
    await assert.rejects(tokens.token(), ApprovalPending);
    await tokens.untilReady(2_000);
    await assert.rejects(tokens.token(), (err: Error) => err instanceof BridgeFailure && /denied/.test(err.message));
    await assert.rejects(tokens.token(), ApprovalPending);
    assert.equal(broker.asked.length, 2);
    tokens.stop();
  });

  test('the broker is not running: a BridgeFailure naming the command to start it', async () => {
    const broker = scriptedBroker([new LatchkeyUnreachableError('http://127.0.0.1:1/v2/auth/authenticate', 'refused', 'connection refused')]);
    await assert.rejects(broker.tokens().token(), (err: Error) => {
      assert.ok(err instanceof BridgeFailure);
      assert.equal(err.code, 'broker_unavailable');
      assert.match(err.message, /Latchkey is not running.*`latchkey serve`/);
      return true;
    });
  });

  test('a token about to expire is asked for again before use', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const broker = scriptedBroker([completed('t1', '2026-12-01T11:00:00Z'), completed('t2', '2026-12-01T12:00:00Z')]);
    const tokens = broker.tokens(() => now);
    assert.equal(await tokens.token(), 't1');
    now = Date.parse('2026-12-01T10:59:45Z');
    assert.equal(await tokens.token(), 't2');
    assert.equal(broker.asked.length, 2);
  });
});
