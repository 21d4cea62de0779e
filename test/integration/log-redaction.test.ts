/**
 * S15: a whole flow — provider with a client secret, an agent key, authenticate, owner
 * approval, consent at a real authorization server (oidc-provider), wait, refresh with
 * rotation, authenticate again, revoke, delete — with every log line captured at `trace`:
 * once in-process (createBroker's logger) and once as `latchkey serve` writes its log file.
 * Every secret the flow handled is collected where it crossed the wire (the provider sees
 * codes, verifiers and refresh tokens; the tests see keys and tokens) and grepped for.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, test } from 'node:test';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { createLogger } from '../../main/adapters/logger.ts';
import { consentAtOidc, HttpBrowser } from '../helpers/http-browser.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { startServe } from '../helpers/serve-process.ts';
import { providerBody, startTestBroker, tempHome } from '../helpers/test-broker.ts';

const CLIENT_SECRET = 'test-client-secret-value'; // what test/helpers/oidc-server.ts registers

/** Every secret value seen in the flow, by kind. */
type Secrets = Map<string, Set<string>>;

function remember(secrets: Secrets, kind: string, value: unknown): void {
  if (typeof value !== 'string' || value.length < 8) return;
  const set = secrets.get(kind) ?? new Set<string>();
  set.add(value);
  secrets.set(kind, set);
}

/** Collect what the provider's token endpoint receives and answers: codes, verifiers, tokens. */
function watchProvider(idp: OidcServer, secrets: Secrets): void {
  // Emitted after the grant handler has set the answer (oidc-provider lib/actions/token.js).
  idp.provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const params = (ctx.oidc?.params ?? {}) as Record<string, unknown>;
    remember(secrets, 'authorization code', params.code);
    remember(secrets, 'PKCE verifier', params.code_verifier);
    remember(secrets, 'refresh token', params.refresh_token);
    remember(secrets, 'client secret', params.client_secret);
    const body = (typeof ctx.body === 'string' ? JSON.parse(ctx.body) : ctx.body) as Record<string, unknown> | undefined;
    remember(secrets, 'access token', body?.access_token);
    remember(secrets, 'refresh token', body?.refresh_token);
    remember(secrets, 'id token', body?.id_token);
  });
}

/** The whole flow over HTTP only, so it runs the same against the in-process broker and the CLI. */
async function wholeFlow(target: { url: string; ownerKey: string; control: string }, idp: OidcServer, secrets: Secrets): Promise<HttpBrowser> {
  const call = async (path: string, init: { method?: string; body?: unknown; key?: string; owner?: boolean } = {}) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(init.owner ? { 'x-latchkey-control': target.control } : { 'x-api-key': init.key ?? target.ownerKey }) };
    const res = await fetch(`${target.url}${path}`, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
    const body = (await res.json()) as any;
    assert.ok(res.status < 300, `${path} → ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  remember(secrets, 'client secret', CLIENT_SECRET);
  remember(secrets, 'owner API key', target.ownerKey);
  remember(secrets, 'control secret', target.control);
  await call('/v2/auth/providers', { body: providerBody(idp.issuer, { revocation_url: `${idp.issuer}/token/revocation` }) });
  const agentKey = (await call('/ui/api/keys', { owner: true, body: { label: 'redaction-agent', role: 'agent' } })).key as string;
  remember(secrets, 'agent API key', agentKey);
  // A wrong key on the way: it is logged as an attempt, never as its value.
  const wrongKey = `lk_${'W'.repeat(43)}`;
  remember(secrets, 'unknown API key', wrongKey);
  assert.equal((await fetch(`${target.url}/v2/auth/providers`, { headers: { 'x-api-key': wrongKey } })).status, 401);

  const scopes = ['openid', 'api:read'];
  const pending = await call('/v2/auth/authenticate', { key: agentKey, body: { provider: 'test-idp', scopes, user_id: 'redact' } });
  assert.equal(pending.status, 'pending');
  const browser = new HttpBrowser();
  const login = (await call('/ui/api/login-links', { owner: true, body: {} })).url as string;
  remember(secrets, 'login link token', new URL(login).hash.slice('#login='.length));
  await browser.go(login);
  remember(secrets, 'session token', browser.sessionToken(target.url));
  const isCallback = (u: string) => u.includes('/host-oauth-callback/');
  const decided = await browser.approve(pending.url, { duration: 'forever', stopBefore: isCallback });
  remember(secrets, 'browser binding', browser.binding(target.url));
  const atCallback = await consentAtOidc(browser, decided, { login: 'redact', stopBefore: isCallback });
  assert.ok(atCallback.stopped, atCallback.url);
  const callback = new URL(atCallback.url);
  remember(secrets, 'authorization code', callback.searchParams.get('code'));
  remember(secrets, 'state', callback.searchParams.get('state'));
  assert.match((await browser.go(atCallback.url)).text, /Connected to Test IdP/);
  // A replayed redirect is refused and logged — without its code or state.
  assert.equal((await browser.finishCallback(atCallback.url)).res.status, 400);

  const waited = await call(`/v2/auth/wait/${pending.auth_id}?timeout=10`, { key: agentKey });
  assert.equal(waited.status, 'completed');
  const connections = await call('/ui/api/connections', { owner: true });
  const refreshed = await call(`/ui/api/connections/${connections[0].id}/refresh`, { owner: true, body: {} });
  assert.equal(refreshed.status, 'ok');
  assert.ok(refreshed.last_refresh_at, 'refreshed at the provider');
  const again = await call('/v2/auth/authenticate', { key: agentKey, body: { provider: 'test-idp', scopes, user_id: 'redact' } });
  assert.equal(again.status, 'completed');
  assert.notEqual(again.token, waited.token, 'the refresh rotated the tokens');
  const revocations = idp.revocationCalls;
  await call('/v2/auth/tokens?provider_id=test-idp', { key: agentKey, method: 'DELETE' });
  assert.ok(idp.revocationCalls > revocations, 'revoked at the provider (RFC 7009)');
  await call('/ui/api/providers/test-idp', { owner: true, method: 'DELETE' });
  return browser;
}

/** No secret value anywhere in `log`; none in any URL the browser visited but those that belong there. */
function assertNothingLeaked(where: string, log: string, secrets: Secrets, browser: HttpBrowser): void {
  for (const kind of ['access token', 'refresh token', 'authorization code', 'PKCE verifier', 'client secret', 'agent API key', 'owner API key']) {
    assert.ok((secrets.get(kind)?.size ?? 0) > 0, `the flow saw no ${kind}`);
  }
  assert.ok((secrets.get('access token')?.size ?? 0) >= 2 && (secrets.get('refresh token')?.size ?? 0) >= 2, 'a rotation happened');
  assert.ok(log.length > 1_000, `${where}: the flow was logged (${log.length} bytes)`);
  for (const event of ['request.created', 'flow.started', 'callback.rejected', 'connection.saved', 'token.refreshed', 'tokens.revoked', 'provider.deleted']) assert.ok(log.includes(event), `${where}: no ${event} in the log`);
  for (const [kind, values] of secrets) {
    for (const value of values) {
      assert.ok(!log.includes(value), `${where}: ${kind} found in the log`);
      // Code and state travel in the provider's redirect, the one-time login token in its link: by design.
      if (!['authorization code', 'state', 'login link token'].includes(kind)) {
        for (const url of browser.visited) assert.ok(!url.includes(value), `${where}: ${kind} found in a URL the browser visited`);
      }
    }
  }
  const count = [...secrets.values()].reduce((n, s) => n + s.size, 0);
  console.log(`S15 ${where}: ${log.length} bytes of trace logs, ${count} secret values (${[...secrets.keys()].join(', ')}) — none found`);
}

describe('S15 secrets never reach the logs', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  after(async () => { for (const c of cleanups.reverse()) await c(); });

  test('S15 createBroker at trace level: a whole flow logs no token, code, verifier, client secret or API key', async () => {
    const chunks: string[] = [];
    const destination = new Writable({ write(chunk, _enc, cb) { chunks.push(String(chunk)); cb(); } });
    const b = await startTestBroker({ logger: createLogger({ level: 'trace', destination }) });
    cleanups.push(() => b.cleanup());
    const idp = await startOidcServer({ redirectUris: [`${b.url}/host-oauth-callback/test-idp`], rotateRefreshToken: true });
    cleanups.push(() => idp.close());
    const secrets: Secrets = new Map();
    watchProvider(idp, secrets);
    const browser = await wholeFlow({ url: b.url, ownerKey: b.key, control: b.core.sessions.controlSecret }, idp, secrets);
    await new Promise((r) => setTimeout(r, 50));
    assertNothingLeaked('createBroker', chunks.join(''), secrets, browser);
  });

  test('S15 latchkey serve at trace level: its log file holds none of them either', async () => {
    const home = tempHome();
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const server = await startServe(home, { env: { LATCHKEY_LOG_LEVEL: 'trace' } });
    cleanups.push(() => { if (server.child.exitCode === null) server.child.kill('SIGKILL'); });
    const idp = await startOidcServer({ redirectUris: [`${server.url}/host-oauth-callback/test-idp`], rotateRefreshToken: true });
    cleanups.push(() => idp.close());
    const secrets: Secrets = new Map();
    watchProvider(idp, secrets);
    const browser = await wholeFlow(server, idp, secrets);
    assert.equal(await server.stop(), 0);
    assertNothingLeaked('latchkey.log', readFileSync(join(home, 'latchkey.log'), 'utf8'), secrets, browser);
  });
});
