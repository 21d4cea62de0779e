/**
 * Approvals end to end over HTTP with real parts (SQLite, keychain, oidc-provider): who may
 * approve, pairing, denial, TTL, coalescing, live events, and the activity log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '../../main/client/client.ts';
import { HttpBrowser, consentAtOidc } from '../helpers/http-browser.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { signIn, type OwnerSession } from '../helpers/owner-session.ts';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';
import { movableClock } from '../helpers/fakes.ts';

describe('human in the loop', () => {
  const clock = movableClock();
  let b: TestBroker;
  let idp: OidcServer;
  let owner: OwnerSession;

  before(async () => {
    b = await startTestBroker({ clock });
    idp = await startOidcServer({ redirectUris: [`${b.url}/host-oauth-callback/test-idp`] });
    assert.equal((await b.api('/v2/auth/providers', { body: providerBody(idp.issuer) })).status, 200);
    owner = await signIn(b);
  });
  after(async () => {
    await b.cleanup();
    await idp.close();
  });

  test('S18 an API key can never approve or deny — not through /ui/api, not through /start, not its own request', async () => {
    const { key } = (await owner.call('POST', '/ui/api/keys', { label: 'sneaky-bot' })).body as { key: string };
    const agent = new Client({ apiUrl: b.url, apiKey: key });
    const mine = await agent.authenticate({ provider: 'test-idp', scopes: ['openid'], userId: 'u18' });
    for (const headers of [{ 'x-api-key': key }, { authorization: `Bearer ${key}` }, { 'x-api-key': b.key }]) {
      const approve = await fetch(`${b.url}/ui/api/requests/${mine.authId}/approve`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{"duration":"forever"}' });
      assert.equal(approve.status, 401);
      const page = await fetch(`${mine.authUrl}/decision`, {
        method: 'POST', headers: { ...headers, 'content-type': 'application/json', origin: b.url }, body: JSON.stringify({ decision: 'approve', duration: 'forever', binding: 'b'.repeat(43) }),
      });
      assert.equal(page.status, 401);
      const start = await fetch(mine.authUrl!, { headers, redirect: 'manual' });
      assert.equal(start.status, 200);
      assert.match(await start.text(), /Waiting for the Latchkey owner/);
    }
    const forged = await fetch(`${b.url}/ui/api/requests/${mine.authId}/approve`, { method: 'POST', headers: { 'x-latchkey-control': key, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(forged.status, 401, 'an API key is not the control secret');
    assert.equal((await agent.waitForCompletion(mine.authId!, 0)).status, 'timeout', 'still undecided');
  });

  test('pairing: an unknown key is refused with how-to, shows up as a pairing request, and works once the owner adopts it', async () => {
    const existing = 'lsv2_pt_0123456789abcdef0123456789abcdef_0123456789';
    const events: string[] = [];
    const off = b.events.on('key.pairing_requested', (e) => events.push(e.keyHint));
    const refused = await b.api('/v2/auth/providers', { key: existing });
    off();
    assert.equal(refused.status, 401);
    assert.match(refused.body.detail, /approve it/);
    assert.deepEqual(events, ['lsv2_pt_…']);
    const pairings = (await owner.call('GET', '/ui/api/pairings')).body as Array<{ id: string; key_hint: string }>;
    const pairing = pairings.find((p) => p.key_hint === 'lsv2_pt_…')!;
    assert.ok(pairing);
    assert.ok(!JSON.stringify(pairings).includes(existing), 'the key itself is never shown');
    const accepted = await owner.call('POST', `/ui/api/pairings/${pairing.id}/accept`, { label: 'langgraph-dev', role: 'agent' });
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.role, 'agent');
    assert.equal((await b.api('/v2/auth/providers', { key: existing })).status, 200);
    assert.equal((await b.api('/v2/auth/providers', { key: existing, method: 'POST', body: providerBody(idp.issuer, { provider_id: 'nope' }) })).status, 403, 'adopted as an agent: no provider changes');
    // Revoked keys are refused again.
    const keys = (await owner.call('GET', '/ui/api/keys')).body as Array<{ id: string; label: string }>;
    await owner.call('DELETE', `/ui/api/keys/${keys.find((k) => k.label === 'langgraph-dev')!.id}`);
    assert.equal((await b.api('/v2/auth/providers', { key: existing })).status, 401);
  });

  test('100 identical concurrent requests produce one prompt; the SSE stream shows it live', async () => {
    const { key } = (await owner.call('POST', '/ui/api/keys', { label: 'burst-bot' })).body as { key: string };
    const ticket = (await owner.call('POST', '/ui/api/events/tickets', {})).body.ticket as string;
    const stream = await owner.browser.request(`${b.url}/ui/api/events?ticket=${ticket}`, { headers: { accept: 'text/event-stream' } });
    assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = stream.body!.getReader();
    let prompts = 0;
    const off = b.events.on('request.created', () => prompts++);
    const agent = new Client({ apiUrl: b.url, apiKey: key });
    const answers = await Promise.all(Array.from({ length: 100 }, () => agent.authenticate({ provider: 'test-idp', scopes: ['openid', 'profile'], userId: 'burst', agentId: 'burst-agent' })));
    off();
    assert.equal(prompts, 1);
    assert.equal(new Set(answers.map((a) => a.authId)).size, 1);
    console.log(`prompts produced by 100 identical concurrent requests: ${prompts}`);
    let seen = '';
    while (!seen.includes('event: request.created')) seen += new TextDecoder().decode((await reader.read()).value);
    assert.match(seen, new RegExp(`"authId":"${answers[0]!.authId}"`));
    assert.match(seen, /"keyLabel":"burst-bot"/);
    await reader.cancel();
  });

  test('S09 prompt budget per key → 429 with Retry-After', async () => {
    const { key } = (await owner.call('POST', '/ui/api/keys', { label: 'looping-bot' })).body as { key: string };
    let last = { status: 200, headers: new Headers() };
    for (let i = 0; i < 30 && last.status === 200; i++) {
      const res = await b.api('/v2/auth/authenticate', { key, body: { provider: 'test-idp', scopes: [`scope-${i}`] } });
      last = { status: res.status, headers: res.headers };
    }
    assert.equal(last.status, 429);
    assert.ok(Number(last.headers.get('retry-after')) >= 1);
  });

  test('two agents, one approved for 1 h and one denied: tokens, no re-prompt within the hour, prompt after, denied wait; all in the activity log', async () => {
    const { key: keyA } = (await owner.call('POST', '/ui/api/keys', { label: 'triage-bot' })).body as { key: string };
    const { key: keyB } = (await owner.call('POST', '/ui/api/keys', { label: 'rogue-bot' })).body as { key: string };
    const a = new Client({ apiUrl: b.url, apiKey: keyA });
    const bee = new Client({ apiUrl: b.url, apiKey: keyB });
    const reqA = await a.authenticate({ provider: 'test-idp', scopes: ['openid', 'api:read'], userId: 'dana', agentId: 'triage' });
    const reqB = await bee.authenticate({ provider: 'test-idp', scopes: ['openid', 'api:read'], userId: 'dana', agentId: 'rogue' });
    const waitA = a.waitForCompletion(reqA.authId!, 30);
    const waitB = bee.waitForCompletion(reqB.authId!, 30);

    const pending = (await owner.call('GET', '/ui/api/requests')).body as Array<{ auth_id: string; key_label: string }>;
    assert.ok(pending.some((p) => p.auth_id === reqA.authId && p.key_label === 'triage-bot'));
    const approved = await owner.call('POST', `/ui/api/requests/${reqA.authId}/approve`, { duration: '1h' });
    assert.ok(approved.body.consent_url);
    const browser = new HttpBrowser();
    const done = await consentAtOidc(browser, await browser.go(approved.body.consent_url), { login: 'dana' });
    assert.match(done.text, /Connected/);
    assert.equal((await owner.call('POST', `/ui/api/requests/${reqB.authId}/deny`, {})).status, 200);

    const gotA = await waitA;
    assert.equal(gotA.status, 'completed');
    assert.equal((await idp.userinfo(gotA.token!)).status, 200);
    const gotB = await waitB;
    assert.equal(gotB.status, 'denied');

    let prompts = 0;
    const off = b.events.on('request.created', () => prompts++);
    const again = await a.authenticate({ provider: 'test-idp', scopes: ['api:read'], userId: 'dana', agentId: 'triage' });
    assert.equal(again.status, 'completed');
    assert.equal(prompts, 0);
    clock.advance(61 * 60_000);
    const later = await a.authenticate({ provider: 'test-idp', scopes: ['api:read'], userId: 'dana', agentId: 'triage' });
    off();
    assert.equal(later.status, 'pending', 'asked again after the hour');
    assert.equal(prompts, 1);

    const log = (await owner.call('GET', '/ui/api/activity?limit=200')).body as { entries: Array<Record<string, any>> };
    const mine = log.entries.filter((e) => e.key_label === 'triage-bot' || e.key_label === 'rogue-bot').reverse();
    const types = mine.map((e) => `${e.type}${e.key_label ? `:${e.key_label}` : ''}`);
    for (const expected of ['request.created:triage-bot', 'request.created:rogue-bot', 'request.approved:triage-bot', 'token.released:triage-bot', 'request.denied:rogue-bot']) {
      assert.ok(types.includes(expected), `${expected} in ${types.join(', ')}`);
    }
    assert.ok(mine.some((e) => e.type === 'token.refreshed' || e.type === 'request.created'), 'the later prompt is recorded');
    const text = JSON.stringify(log);
    for (const secret of [gotA.token!, keyA, keyB, b.key, 'test-client-secret-value']) assert.ok(!text.includes(secret), 'no secret values in the activity log');
    console.log('activity log excerpt:\n' + mine.map((e) => `  ${e.at} ${e.type} key=${e.key_label} agent=${e.agent_id} user=${e.user_id} ${e.provider_id} [${(e.scopes ?? []).join(' ')}] ${e.decision ?? ''} ${e.channel ? `via ${e.channel}` : ''}`).join('\n'));

    const exported = await owner.browser.request(`${b.url}/ui/api/activity/export?key=triage-bot`, { headers: { 'x-latchkey-session': owner.token } });
    assert.equal(exported.headers.get('content-type')?.split(';')[0], 'application/x-ndjson');
    const lines = (await exported.text()).trim().split('\n').map((l) => JSON.parse(l) as { key_label: string });
    assert.ok(lines.length >= 3 && lines.every((l) => l.key_label === 'triage-bot'));
  });

  test('grants are listed and revocable; a revoked grant means the next request asks again', async () => {
    // The 1 h grant above has expired; the request it left pending is approved until revoked.
    const pending = (await owner.call('GET', '/ui/api/requests')).body as Array<{ auth_id: string; key_label: string; needs_consent: boolean }>;
    const triage = pending.find((p) => p.key_label === 'triage-bot')!;
    assert.equal(triage.needs_consent, false);
    const approved = await owner.call('POST', `/ui/api/requests/${triage.auth_id}/approve`, { duration: 'forever' });
    assert.equal(approved.body.consent_url, null, 'no consent needed: the connection holds the scopes');
    const grants = (await owner.call('GET', '/ui/api/grants')).body as Array<{ id: string; key_label: string; expires_at: string | null }>;
    const forever = grants.find((g) => g.key_label === 'triage-bot')!;
    assert.equal(forever.expires_at, null);
    const keys = (await owner.call('GET', '/ui/api/keys')).body as Array<{ label: string }>;
    assert.ok(keys.some((k) => k.label === 'triage-bot'));
    assert.equal((await owner.call('DELETE', `/ui/api/grants/${forever.id}`)).status, 200);
    assert.ok(!((await owner.call('GET', '/ui/api/grants')).body as Array<{ id: string }>).some((g) => g.id === forever.id));
    assert.equal((await owner.call('DELETE', `/ui/api/grants/${forever.id}`)).status, 404);
  });

  test('settings round-trip and are validated; connections are listed with status and can be revoked', async () => {
    const bot = ((await owner.call('GET', '/ui/api/keys')).body as Array<{ id: string; label: string }>).find((k) => k.label === 'triage-bot')!;
    const saved = await owner.call('PUT', '/ui/api/settings', { approval_mode: 'ask', provider_modes: { 'test-idp': 'ask' }, trust_rules: [{ key_id: bot.id, agent_id: 'triage', provider_id: 'test-idp', scopes: ['api:read'] }], activity_retention_days: 30 });
    assert.equal(saved.status, 200);
    assert.equal(saved.body.trust_rules[0].agent_id, 'triage');
    assert.equal(saved.body.trust_rules[0].key_label, 'triage-bot', 'S35: the owner API says which key a rule covers');
    assert.equal((await owner.call('PUT', '/ui/api/settings', { trust_rules: [{ agent_id: 'triage', provider_id: 'test-idp', scopes: ['api:read'] }] })).status, 422, 'S35: a rule without a key is refused');
    assert.equal((await owner.call('PUT', '/ui/api/settings', { activity_retention_days: 0 })).status, 422);
    const conns = (await owner.call('GET', '/ui/api/connections')).body as Array<{ id: string; status: string; scopes: string[]; key_label: string }>;
    const dana = conns.find((c) => c.key_label === 'triage-bot')!;
    assert.ok(['ok', 'expired'].includes(dana.status));
    assert.deepEqual(dana.scopes, ['api:read', 'openid']);
    const refreshed = await owner.call('POST', `/ui/api/connections/${dana.id}/refresh`, {});
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.status, 'ok');
    assert.ok(refreshed.body.last_refresh_at);
    const reconnect = await owner.call('POST', `/ui/api/connections/${dana.id}/reconnect`, {});
    assert.match(reconnect.body.consent_url, /\/consent\//);
    assert.equal((await owner.call('DELETE', `/ui/api/connections/${dana.id}`)).status, 200);
    assert.ok(!((await owner.call('GET', '/ui/api/connections')).body as Array<{ id: string }>).some((c) => c.id === dana.id));
  });

  test('owner API: unauthenticated 401, unknown route 404, bad bodies 422', async () => {
    assert.equal((await fetch(`${b.url}/ui/api/settings`)).status, 401);
    assert.equal((await owner.call('GET', '/ui/api/nothing')).status, 404);
    assert.equal((await owner.call('POST', '/ui/api/keys', { label: '' })).status, 422);
    assert.equal((await owner.call('POST', '/ui/api/providers', { kind: 'template', template_id: 'no-such', client_id: 'x' })).status, 404);
    const fromTemplate = await owner.call('POST', '/ui/api/providers', { kind: 'template', template_id: 'github', client_id: 'Iv1.abc', client_secret: 'shh-secret' });
    assert.equal(fromTemplate.status, 200, JSON.stringify(fromTemplate.body));
    assert.equal(fromTemplate.body.redirect_uri, `${b.url}/host-oauth-callback/github`);
    assert.equal(fromTemplate.body.template_id, 'github');
    const removed = await owner.call('DELETE', '/ui/api/providers/github');
    assert.deepEqual(removed.body, { provider_id: 'github', connections_removed: 0, grants_removed: 0, requests_removed: 0 });
  });
});
