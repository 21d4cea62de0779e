/**
 * Several accounts at one provider, end to end against a real authorization server
 * (oidc-provider): two people sign in at the same provider for the same agent, each becomes
 * an account labelled from the provider's userinfo, and switching the default never moves a
 * grant the owner gave for the other account (issue 14; upstream §4 and §5 #14–#17).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { approveInBrowser } from '../helpers/flows.ts';
import { HttpBrowser, consentAtOidc } from '../helpers/http-browser.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { TEST_ACTOR } from '../helpers/owner.ts';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

const SCOPES = ['openid', 'email', 'api:read'];

describe('two accounts at one provider (oidc-provider)', () => {
  let broker: TestBroker;
  let idp: OidcServer;
  const auth = (extra: Record<string, unknown> = {}) => broker.api('/v2/auth/authenticate', { body: { provider: 'multi', scopes: SCOPES, agent_id: 'mailer', ...extra } });
  const tokens = async () => (await broker.api('/v2/auth/tokens?provider_id=multi')).body as Array<{ id: string; provider_account_label: string | null; is_default: boolean }>;
  const byLabel = async (label: string) => {
    const t = (await tokens()).find((x) => x.provider_account_label === label);
    assert.ok(t, `an account labelled ${label}`);
    return t;
  };
  /** Approve on /start and consent as carol, stopping before the provider's redirect back to Latchkey. */
  const approveStopping = async (startUrl: string) => {
    const browser = new HttpBrowser();
    let last: string | undefined;
    const stopBefore = (u: string): boolean => {
      if (u.includes('/host-oauth-callback/')) { last = u; return true; }
      return false;
    };
    await browser.go(broker.loginUrl());
    const decided = await browser.decide(startUrl);
    assert.equal(decided.res.status, 200, JSON.stringify(decided.body));
    const atProvider = await browser.go(String(decided.body.redirect_url));
    await consentAtOidc(browser, atProvider, { login: 'carol', stopBefore });
    return { browser: { browser, get last() { return last; } } };
  };
  const subOf = async (token: string) => (await idp.userinfo(token)).body.sub as string;

  before(async () => {
    broker = await startTestBroker();
    idp = await startOidcServer({ redirectUris: [`${broker.url}/host-oauth-callback/multi`] });
    await broker.core.discoverProvider({ providerId: 'multi', name: 'Multi IdP', issuer: idp.issuer, clientId: 'latchkey-test', clientSecret: 'test-client-secret-value' }, TEST_ACTOR);
  });
  after(async () => {
    await broker.cleanup();
    await idp.close();
  });

  test('the first sign-in is an account with a UUID id, labelled from userinfo, and the default', async () => {
    const first = await auth();
    assert.equal(first.body.status, 'pending');
    const { done } = await approveInBrowser(broker, first.body.url, { login: 'alice' });
    assert.match(done.text, /Connected to Multi IdP/);
    const again = await auth();
    assert.equal(again.body.status, 'completed');
    assert.equal(await subOf(again.body.token), 'alice');
    const [alice] = await tokens();
    assert.ok(alice);
    assert.match(alice.id, /^[0-9a-f-]{36}$/);
    assert.equal(alice.provider_account_label, 'alice@example.test');
    assert.equal(alice.is_default, true);
    assert.deepEqual(again.body.metadata, { token_id: alice.id, provider_account_label: 'alice@example.test' });
  });

  test('force_new with is_default:false and another login adds a second account; the default stays', async () => {
    const second = await auth({ force_new: true, is_default: false });
    assert.equal(second.body.status, 'pending');
    // Already approved by alice's grant: one click on "Continue" takes the browser to the provider (S40).
    const browser = new HttpBrowser();
    await browser.go(broker.loginUrl());
    const page = await browser.go(second.body.url);
    assert.match(page.text, /Continue to Multi IdP/);
    const step = await browser.continueFlow(second.body.url);
    assert.equal(step.res.status, 200, JSON.stringify(step.body));
    const atProvider = await browser.go(String(step.body.redirect_url));
    const done = await consentAtOidc(browser, atProvider, { login: 'bob' });
    assert.match(done.text, /Connected to Multi IdP/);
    // The request was approved by alice's grant; the sign-in produced bob's account, which
    // nobody approved for this agent yet: the wait releases nothing (S38's release check).
    const waited = await broker.api(`/v2/auth/wait/${second.body.auth_id}?timeout=5`);
    assert.equal(waited.body.status, 'failed');
    assert.equal(waited.body.token, null, 'a grant for alice never releases bob');

    const list = await tokens();
    assert.equal(list.length, 2);
    assert.equal((await byLabel('bob@example.test')).is_default, false);
    assert.equal((await byLabel('alice@example.test')).is_default, true);
    const now = await auth();
    assert.equal(now.body.status, 'completed');
    assert.equal(await subOf(now.body.token), 'alice', 'without token_id the default account is used');
  });

  test('switching the default to bob does not move alice\'s grant: pending until the owner approves bob', async () => {
    const alice = await byLabel('alice@example.test');
    const bob = await byLabel('bob@example.test');
    const patched = await broker.api(`/v2/auth/tokens/${bob.id}/metadata`, { method: 'PATCH', body: { is_default: true } });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.is_default, true);
    assert.equal((await byLabel('alice@example.test')).is_default, false, 'one default per key, provider and user');

    const moved = await auth();
    assert.equal(moved.body.status, 'pending', 'the grant for alice does not silently cover bob');
    const pinned = await auth({ token_id: alice.id });
    assert.equal(pinned.body.status, 'completed', 'alice is still granted when named');
    assert.equal(await subOf(pinned.body.token), 'alice');

    // The owner's page offers the existing accounts instead of a new sign-in.
    const browser = new HttpBrowser();
    await browser.go(broker.loginUrl());
    const page = await browser.go(moved.body.url);
    assert.match(page.text, /Use bob@example\.test \(default\)/);
    assert.match(page.text, /Use alice@example\.test/);
    await approveInBrowser(broker, moved.body.url, { browser });
    const granted = await auth();
    assert.equal(granted.body.status, 'completed');
    assert.equal(await subOf(granted.body.token), 'bob');
  });

  test('a GitHub App "setup URL" redirect with code+state finishes the sign-in and keeps the integer installation_id', async () => {
    const carol = await auth({ force_new: true, user_id: 'carol' });
    const { browser } = await approveStopping(carol.body.url);
    const back = browser.last;
    assert.ok(back, 'stopped before the callback');
    const redirect = new URL(back);
    // The provider's own redirect parameters (code, state, iss) arrive at the setup URL instead.
    const params = new URLSearchParams(redirect.search);
    params.set('setup_action', 'install');
    params.set('installation_id', '4242');
    const setupUrl = `${broker.url}/v2/auth/setup/multi?${params}`;
    const done = await browser.browser.go(setupUrl);
    assert.match(done.text, /Connected to Multi IdP/);
    const account = broker.core.listConnections().find((c) => c.userId === 'carol');
    assert.equal(account?.installationId, 4242);
  });

  test('DELETE one account revokes it at the provider first (RFC 7009), then the other is the default', async () => {
    const alice = await byLabel('alice@example.test');
    const revocations = idp.revocationCalls;
    const del = await broker.api(`/v2/auth/tokens/${alice.id}`, { method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal(idp.revocationCalls, revocations + 1);
    assert.equal((await auth({ token_id: alice.id })).status, 404);
    const list = (await tokens()).filter((t) => t.provider_account_label !== 'carol@example.test');
    assert.deepEqual(list.map((t) => [t.provider_account_label, t.is_default]), [['bob@example.test', true]]);
  });
});
