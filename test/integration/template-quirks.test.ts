/**
 * Catalog templates against small local fakes of each quirky provider's token endpoint.
 * Each fake enforces its provider's quirk (and fails the way the provider fails), so a
 * template passes only if the OAuth client really applies the quirk. The real client
 * (oauth4webapi) talks to the fakes over loopback http.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { createOAuthClient } from '../../main/adapters/oauth-client.ts';
import type { Provider } from '../../main/core/model.ts';
import type { OAuthClientConfig } from '../../main/core/ports.ts';
import type { ProviderInput } from '../../main/core/providers.ts';
import { UpstreamError } from '../../main/core/upstream-error.ts';
import { findTemplate } from '../../main/core/templates/catalog.ts';
import { providerInputFromTemplate } from '../../main/core/templates/instantiate.ts';
import { quirksFor } from '../../main/core/templates/quirks.ts';
import type { ProviderQuirks } from '../../main/core/templates/template.ts';

const CLIENT_ID = 'client-1';
const CLIENT_SECRET = 'secret-1';

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64 (oauth4webapi sends `client%2D1`). */
function hasBasicAuth(r: FakeRequest): boolean {
  const m = /^Basic (.+)$/.exec(r.headers.authorization ?? '');
  const [id, secret] = Buffer.from(m?.[1] ?? '', 'base64').toString('utf8').split(':').map((s) => decodeURIComponent(s.replace(/\+/g, ' ')));
  return id === CLIENT_ID && secret === CLIENT_SECRET;
}

interface FakeRequest { path: string; headers: IncomingHttpHeaders; raw: string; params: Record<string, string> }
interface FakeAnswer { status?: number; json?: unknown; form?: Record<string, string> }

const servers: { close(): void }[] = [];
after(() => { for (const s of servers) s.close(); });

/** A provider token endpoint on 127.0.0.1:0; `params` are the form or JSON body, whichever was sent. */
async function startFake(handle: (r: FakeRequest) => FakeAnswer): Promise<{ url: string; seen: FakeRequest[] }> {
  const seen: FakeRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let params: Record<string, string>;
      try { params = (req.headers['content-type'] ?? '').startsWith('application/json') ? JSON.parse(raw) : Object.fromEntries(new URLSearchParams(raw)); } catch { params = {}; }
      const r: FakeRequest = { path: req.url ?? '/', headers: req.headers, raw, params };
      seen.push(r);
      const answer = handle(r);
      const [type, body] = answer.form ? ['application/x-www-form-urlencoded; charset=utf-8', new URLSearchParams(answer.form).toString()] : ['application/json', JSON.stringify(answer.json ?? {})];
      res.writeHead(answer.status ?? 200, { 'content-type': type }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** A Provider record as ProviderService.create would build it, pointed at the fake. */
function providerFrom(input: ProviderInput): Provider {
  return {
    id: `id-${input.providerId}`, providerId: input.providerId, name: input.name, clientId: input.clientId,
    hasClientSecret: Boolean(input.clientSecret), authUrl: input.authUrl, tokenUrl: input.tokenUrl,
    usesPkce: input.usesPkce ?? true, codeChallengeMethod: input.codeChallengeMethod ?? null,
    tokenEndpointAuthMethod: input.tokenEndpointAuthMethod ?? 'client_secret_post', providerType: null,
    authorizationParams: input.authorizationParams ?? {}, allowedRedirectUris: [], mcpServerUrl: null, isDynamicClient: false,
    revocationUrl: input.revocationUrl ?? null, issuer: null, issParameterSupported: false,
    templateId: input.templateId ?? null, userinfoUrl: null, createdAt: 0, updatedAt: 0,
  };
}

/** The client config for a catalog template whose endpoints are moved to the fake (same paths). */
function configFor(templateId: string, fakeUrl: string, quirks?: ProviderQuirks): OAuthClientConfig {
  const template = findTemplate(templateId);
  assert.ok(template, templateId);
  const input = providerInputFromTemplate(template, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  const onFake = (url: string) => `${fakeUrl}${new URL(url).pathname}`;
  const provider = providerFrom({ ...input, authUrl: onFake(input.authUrl), tokenUrl: onFake(input.tokenUrl), revocationUrl: input.revocationUrl ? onFake(input.revocationUrl) : null });
  return { provider, clientSecret: CLIENT_SECRET, quirks: quirks ?? quirksFor(provider) };
}

const oauth = createOAuthClient();

function exchange(cfg: OAuthClientConfig, code: string) {
  return oauth.exchangeCode(cfg, {
    callbackParams: new URLSearchParams({ code, state: 'st' }), expectedState: 'st',
    redirectUri: `http://127.0.0.1:9/host-oauth-callback/${cfg.provider.providerId}`, codeVerifier: cfg.provider.usesPkce ? 'v'.repeat(43) : null,
  });
}

async function rejectsWith(p: Promise<unknown>, kind: UpstreamError['kind'], message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof UpstreamError, String(err));
    assert.equal(err.kind, kind, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('GitHub: Accept header, comma scopes, errors as HTTP 200', async () => {
  const fake = await startFake((r) => {
    if (r.params.client_secret !== CLIENT_SECRET) return { json: { error: 'incorrect_client_credentials' } };
    if (r.params.code === 'bad' || r.params.refresh_token === 'bad') {
      return { json: { error: r.params.code ? 'bad_verification_code' : 'bad_refresh_token', error_description: 'The code passed is incorrect or expired.' } };
    }
    // GitHub App user tokens: 8 h access + refresh. Without Accept: application/json, a form.
    const tokens = { access_token: 'ghu_1', expires_in: '28800', refresh_token: 'ghr_1', refresh_token_expires_in: '15897600', scope: 'repo,read:user', token_type: 'bearer' };
    return (r.headers.accept ?? '').includes('application/json') ? { json: { ...tokens, expires_in: 28800 } } : { form: tokens };
  });
  const cfg = configFor('github', fake.url);

  test('exchanges a code; scopes come back space-separated', async () => {
    const res = await exchange(cfg, 'good');
    assert.equal(res.access_token, 'ghu_1');
    assert.equal(res.refresh_token, 'ghr_1');
    assert.equal(res.expires_in, 28800);
    assert.equal(res.scope, 'repo read:user');
    assert.equal(fake.seen.at(-1)?.headers.accept, 'application/json');
  });

  test('a form-encoded answer (Accept stripped on the way) is still read', async () => {
    const stripping = createOAuthClient({
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.delete('accept');
        return fetch(input, { ...init, headers });
      },
    });
    const res = await stripping.exchangeCode(cfg, { callbackParams: new URLSearchParams({ code: 'good', state: 's' }), expectedState: 's', redirectUri: 'http://127.0.0.1:9/cb', codeVerifier: null });
    assert.equal(fake.seen.at(-1)?.headers.accept, '*/*');
    assert.equal(res.access_token, 'ghu_1');
    assert.equal(res.expires_in, 28800);
    assert.equal(res.scope, 'repo read:user');
  });

  test('HTTP 200 bad_verification_code / bad_refresh_token are invalid_grant', async () => {
    await rejectsWith(exchange(cfg, 'bad'), 'invalid_grant', /bad_verification_code/);
    await rejectsWith(oauth.refresh(cfg, 'bad', []), 'invalid_grant', /bad_refresh_token/);
    await rejectsWith(exchange({ ...cfg, clientSecret: 'wrong' }, 'good'), 'oauth_error', /invalid_client/);
  });
});

describe('Slack: user_scope token under authed_user, errors as ok:false', async () => {
  const fake = await startFake((r) => {
    if (r.path === '/api/auth.revoke') return { json: r.params.token === 'xoxp-1' ? { ok: true, revoked: true } : { ok: false, error: 'invalid_auth' } };
    if (r.params.client_id !== CLIENT_ID || r.params.client_secret !== CLIENT_SECRET) return { json: { ok: false, error: 'bad_client_secret' } };
    if (r.params.grant_type === 'refresh_token') {
      // Token rotation: the refreshed user token comes back at the top level.
      return r.params.refresh_token === 'xoxe-1'
        ? { json: { ok: true, access_token: 'xoxp-2', token_type: 'user', refresh_token: 'xoxe-2', expires_in: 43200, scope: 'users:read,chat:write' } }
        : { json: { ok: false, error: 'invalid_refresh_token' } };
    }
    if (r.params.code !== 'good') return { json: { ok: false, error: 'invalid_code' } };
    return {
      json: {
        ok: true, app_id: 'A1', team: { id: 'T1', name: 'Acme' }, enterprise: null, is_enterprise_install: false,
        authed_user: { id: 'U1', scope: 'users:read,chat:write', access_token: 'xoxp-1', token_type: 'user', refresh_token: 'xoxe-1', expires_in: 43200 },
      },
    };
  });
  const cfg = configFor('slack', fake.url);

  test('exchanges a code for the user token', async () => {
    const res = await exchange(cfg, 'good');
    assert.equal(res.access_token, 'xoxp-1');
    assert.equal(res.refresh_token, 'xoxe-1');
    assert.equal(res.scope, 'users:read chat:write');
    assert.equal(res.token_type, 'bearer');
    assert.equal(res.expires_in, 43200);
    assert.deepEqual(res.team, { id: 'T1', name: 'Acme' });
    assert.equal(res.id, 'U1');
    assert.equal(res.authed_user, undefined);
    assert.equal(fake.seen.at(-1)?.params.code_verifier, undefined, 'no PKCE for Slack');
  });

  test('refreshes a rotating token answered at the top level', async () => {
    const res = await oauth.refresh(cfg, 'xoxe-1', []);
    assert.equal(res.access_token, 'xoxp-2');
    assert.equal(res.refresh_token, 'xoxe-2');
    assert.equal(res.scope, 'users:read chat:write');
  });

  test('ok:false invalid_refresh_token is an invalid_grant UpstreamError (connection needs re-auth)', async () => {
    await rejectsWith(oauth.refresh(cfg, 'xoxe-dead', []), 'invalid_grant', /invalid_refresh_token/);
    await rejectsWith(exchange(cfg, 'bad'), 'invalid_grant', /invalid_code/);
    await rejectsWith(exchange({ ...cfg, clientSecret: 'wrong' }, 'good'), 'oauth_error', /invalid_client: bad_client_secret/);
  });

  test('revocation: ok:false is a failure, ok:true a success', async () => {
    await oauth.revoke(cfg, 'xoxp-1', 'access_token');
    await rejectsWith(oauth.revoke(cfg, 'xoxp-unknown', 'access_token'), 'oauth_error', /invalid_auth/);
  });
});

describe('Notion: HTTP Basic and a JSON body', async () => {
  const fake = await startFake((r) => {
    if (!hasBasicAuth(r)) return { status: 401, json: { error: 'invalid_client', error_description: 'Basic auth required' } };
    if (r.headers['content-type'] !== 'application/json') return { status: 400, json: { error: 'invalid_request', error_description: 'body must be JSON' } };
    if (r.params.code !== 'good') return { status: 400, json: { error: 'invalid_grant', error_description: 'Invalid code.' } };
    return { json: { access_token: 'ntn_1', token_type: 'bearer', bot_id: 'b1', workspace_id: 'w1', workspace_name: 'Acme', owner: { type: 'user' } } };
  });
  const cfg = configFor('notion', fake.url);

  test('exchanges a code', async () => {
    const res = await exchange(cfg, 'good');
    assert.equal(res.access_token, 'ntn_1');
    assert.equal(res.refresh_token, undefined);
    assert.equal(res.workspace_id, 'w1');
    const sent = fake.seen.at(-1);
    assert.deepEqual(JSON.parse(sent?.raw ?? ''), { grant_type: 'authorization_code', code: 'good', redirect_uri: 'http://127.0.0.1:9/host-oauth-callback/notion' });
  });

  test('the fake refuses a plain form request, so the quirk is what makes it work', async () => {
    await rejectsWith(exchange({ ...cfg, quirks: {} }, 'good'), 'oauth_error', /body must be JSON/);
    await rejectsWith(exchange(cfg, 'bad'), 'invalid_grant');
  });
});

describe('Figma: refresh at its own endpoint', async () => {
  const fake = await startFake((r) => {
    if (!hasBasicAuth(r)) return { status: 401, json: { error: true, status: 401, message: 'Invalid client' } };
    if (r.path === '/v1/oauth/token' && r.params.grant_type === 'authorization_code') {
      return { json: { user_id_string: '42', access_token: 'figu_1', token_type: 'bearer', refresh_token: 'figr_1', expires_in: 7776000 } };
    }
    if (r.path === '/v1/oauth/refresh' && r.params.grant_type === 'refresh_token' && r.params.refresh_token === 'figr_1') {
      return { json: { access_token: 'figu_2', expires_in: 7776000 } };
    }
    return { status: 400, json: { error: true, status: 400, message: 'Invalid request' } };
  });
  const template = findTemplate('figma');
  assert.ok(template?.quirks.refreshUrl);
  const cfg = configFor('figma', fake.url, { ...template.quirks, refreshUrl: `${fake.url}${new URL(template.quirks.refreshUrl).pathname}` });

  test('exchanges at the token URL and refreshes at the refresh URL', async () => {
    const first = await exchange(cfg, 'good');
    assert.equal(first.access_token, 'figu_1');
    assert.equal(first.refresh_token, 'figr_1');
    const next = await oauth.refresh(cfg, 'figr_1', []);
    assert.equal(fake.seen.at(-1)?.path, '/v1/oauth/refresh');
    assert.equal(next.access_token, 'figu_2');
    assert.equal(next.token_type, 'bearer');
    assert.equal(next.expires_in, 7776000);
  });

  test('without the refresh URL the token endpoint refuses the refresh', async () => {
    await rejectsWith(oauth.refresh({ ...cfg, quirks: {} }, 'figr_1', []), 'protocol');
  });
});

describe('HubSpot: errors in a "status" field', async () => {
  const fake = await startFake((r) => {
    if (r.params.refresh_token === 'good') return { json: { token_type: 'bearer', access_token: 'hs_2', refresh_token: 'good', expires_in: 1800 } };
    return { status: 400, json: { status: 'BAD_REFRESH_TOKEN', message: 'missing or unknown refresh token', correlationId: 'c1' } };
  });
  const cfg = configFor('hubspot', fake.url);

  test('refreshes, and BAD_REFRESH_TOKEN is invalid_grant', async () => {
    assert.equal((await oauth.refresh(cfg, 'good', [])).access_token, 'hs_2');
    await rejectsWith(oauth.refresh(cfg, 'dead', []), 'invalid_grant', /BAD_REFRESH_TOKEN: missing or unknown refresh token/);
    await rejectsWith(oauth.refresh({ ...cfg, quirks: {} }, 'dead', []), 'protocol');
  });
});

describe('Reddit: a User-Agent of its own, HTTP Basic, errors as HTTP 200', async () => {
  const fake = await startFake((r) => {
    if (!(r.headers['user-agent'] ?? '').startsWith('latchkey/')) return { status: 429, json: { message: 'Too Many Requests', error: 429 } };
    if (!hasBasicAuth(r)) return { status: 401, json: { message: 'Unauthorized', error: 401 } };
    if (r.params.code !== 'good') return { json: { error: 'invalid_grant' } };
    return { json: { access_token: 'rd_1', token_type: 'bearer', expires_in: 86400, refresh_token: 'rdr_1', scope: 'identity read' } };
  });
  const cfg = configFor('reddit', fake.url);

  test('exchanges a code', async () => {
    const res = await exchange(cfg, 'good');
    assert.equal(res.access_token, 'rd_1');
    assert.equal(res.refresh_token, 'rdr_1');
    assert.equal(res.scope, 'identity read');
  });

  test('HTTP 200 {error: invalid_grant} is invalid_grant; a generic User-Agent is throttled', async () => {
    await rejectsWith(exchange(cfg, 'bad'), 'invalid_grant');
    await rejectsWith(exchange({ ...cfg, quirks: {} }, 'good'), 'transient');
  });
});

describe('Salesforce: no expires_in', async () => {
  const fake = await startFake((r) => {
    const base = { access_token: 'sf_1', token_type: 'Bearer', instance_url: 'https://acme.my.salesforce.com', id: 'https://login.salesforce.com/id/00D/005', issued_at: '1700000000000', signature: 'sig', scope: 'api refresh_token' };
    return { json: r.params.grant_type === 'refresh_token' ? base : { ...base, refresh_token: 'sfr_1' } };
  });
  const cfg = configFor('salesforce', fake.url);

  test('assumes the shortest session timeout so refresh happens in time', async () => {
    const first = await exchange(cfg, 'good');
    assert.equal(first.refresh_token, 'sfr_1');
    assert.equal(first.scope, 'api refresh_token');
    assert.equal(first.expires_in, 900);
    assert.equal(first.instance_url, 'https://acme.my.salesforce.com');
    const next = await oauth.refresh(cfg, 'sfr_1', []);
    assert.equal(next.refresh_token, undefined);
    assert.equal(next.expires_in, 900);
  });
});

describe('Linear: granted scope as a JSON array', async () => {
  const fake = await startFake(() => ({ json: { access_token: 'lin_1', token_type: 'Bearer', expires_in: 86399, refresh_token: 'linr_1', scope: ['read', 'write'] } }));
  const cfg = configFor('linear', fake.url);

  test('exchanges a code', async () => {
    const res = await exchange(cfg, 'good');
    assert.equal(res.access_token, 'lin_1');
    assert.equal(res.refresh_token, 'linr_1');
    assert.equal(res.scope, 'read write');
  });
});

describe('a template without token quirks (Google) works unchanged', async () => {
  const fake = await startFake((r) => {
    if (r.path === '/revoke') return { json: {} };
    if (r.params.client_secret !== CLIENT_SECRET) return { status: 401, json: { error: 'invalid_client' } };
    if (r.params.grant_type === 'refresh_token') {
      return r.params.refresh_token === '1//r1' ? { json: { access_token: 'ya29.b', token_type: 'Bearer', expires_in: 3599, scope: 'openid email' } } : { status: 400, json: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
    }
    if (r.params.code_verifier === undefined) return { status: 400, json: { error: 'invalid_grant', error_description: 'Missing code verifier.' } };
    return { json: { access_token: 'ya29.a', token_type: 'Bearer', expires_in: 3599, refresh_token: '1//r1', scope: 'openid email' } };
  });
  const cfg = configFor('google', fake.url);

  test('code, refresh, invalid_grant and revocation', async () => {
    assert.deepEqual(cfg.quirks, {});
    const first = await exchange(cfg, 'good');
    assert.deepEqual({ ...first }, { access_token: 'ya29.a', token_type: 'bearer', expires_in: 3599, refresh_token: '1//r1', scope: 'openid email' });
    const next = await oauth.refresh(cfg, '1//r1', []);
    assert.equal(next.access_token, 'ya29.b');
    await rejectsWith(oauth.refresh(cfg, '1//dead', []), 'invalid_grant', /expired or revoked/);
    await oauth.revoke(cfg, '1//r1', 'refresh_token');
    assert.equal(fake.seen.at(-1)?.path, '/revoke');
    assert.equal(fake.seen.at(-1)?.params.token, '1//r1');
  });
});
