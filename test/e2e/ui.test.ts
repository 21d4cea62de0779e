/**
 * The Latchkey window end to end, with real parts: Debian Chromium (Playwright) as the
 * owner, oidc-provider as the provider, the TS client as the agent, a real broker on
 * port 0. Signs in with the one-time link, adds providers (a template and a generic one),
 * watches an agent's request arrive live, approves it for 1 h, consents at the provider,
 * sees and revokes the connection, and reads the activity log. Every page is screenshot
 * (test-results/screens/ui-*.png; the README gallery comes from ui-trust.test.ts) and
 * checked with axe-core: no serious or critical violations.
 */
import { assertNoAxeViolations } from '../helpers/axe.ts';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { Client } from '../../main/client/client.ts';
import { FLUSH_MS } from '../../main/core/activity.ts';
import { SCREENSHOT_DIR, launchChromium } from '../helpers/chromium.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A 1280×800 shot of the page from its top, without the passing toasts. */
async function shoot(page: Page, name: string): Promise<void> {
  const dismiss = page.getByRole('button', { name: 'Dismiss' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.evaluate(() => document.getElementById('main')?.scrollTo(0, 0));
  const path = join(SCREENSHOT_DIR, `ui-${name}.png`);
  await page.screenshot({ path });
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('the Latchkey window in Chromium against a real broker', () => {
  let b: TestBroker;
  let idp: OidcServer;
  let chromium: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageProblems: string[] = [];
  const started = Date.now();

  const go = async (hash: string, heading: string): Promise<void> => {
    await page.getByRole('navigation', { name: 'Latchkey' }).getByRole('link', { name: new RegExp(`^${heading}`) }).click();
    await page.waitForURL(`**/${hash}`);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };

  before(async () => {
    b = await startTestBroker();
    idp = await startOidcServer({ redirectUris: [`${b.url}/host-oauth-callback/test-idp`] });
    chromium = await launchChromium();
    context = await chromium.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageProblems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' && !/401|Failed to load resource/.test(m.text())) pageProblems.push(`console: ${m.text()}`); });
  });

  after(async () => {
    await context?.close();
    await chromium?.close();
    await b?.cleanup();
    await idp?.close();
    console.log(`window e2e took ${Date.now() - started} ms`);
  });

  test('the one-time link signs the browser in; the window opens on an empty Pending page', async () => {
    await page.goto(`${b.url}/`);
    await page.getByRole('heading', { level: 1, name: 'Sign in again' }).waitFor();

    await page.goto(b.loginUrl());
    await page.getByRole('heading', { level: 1, name: 'Pending' }).waitFor();
    assert.equal(new URL(page.url()).hash, '#/pending', 'the sign-in token is gone from the address bar');
    assert.deepEqual(await context.cookies(), [], 'signing in set no cookie (S33)');
    await page.goto(`${b.url}/#/pending`);
    await page.getByRole('heading', { level: 1, name: 'Pending' }).waitFor();
    await page.getByText('Nothing waits for you').waitFor();
    assert.equal(await page.title(), 'Latchkey');
    const res = await context.request.get(`${b.url}/`);
    assert.match(res.headers()['content-security-policy'] ?? '', /^default-src 'none'; script-src 'self';/);
    await shoot(page, 'pending-empty');
    await assertNoAxeViolations(page, 'Pending (empty)', { impacts: ['serious', 'critical'] });
  });

  test('adding a provider from a template shows the exact redirect URI to register', async () => {
    await go('#/providers', 'Providers');
    await page.getByText('No providers yet').waitFor();
    await page.getByRole('button', { name: 'Add provider' }).click();
    await page.getByLabel('Search templates').fill('hub');
    await page.getByRole('button', { name: /^GitHub/ }).click();
    await page.getByLabel('Client id').fill('Iv1.demo-client');
    await page.getByLabel('Client secret').fill('demo-secret-value');
    const expected = `${b.url}/host-oauth-callback/github`;
    assert.equal(await page.getByLabel('Redirect URI', { exact: true }).textContent(), expected);
    await shoot(page, 'providers-add-template');
    await assertNoAxeViolations(page, 'Add provider from a template', { impacts: ['serious', 'critical'] });
    await page.getByRole('button', { name: 'Add provider' }).click();

    await page.getByText('GitHub is ready.').waitFor();
    assert.equal(await page.getByRole('status').filter({ hasText: 'GitHub is ready.' }).getByLabel('Redirect URI', { exact: true }).textContent(), expected);
    const card = page.getByRole('article', { name: /GitHub/ });
    assert.equal(await card.getByLabel('Redirect URI of GitHub', { exact: true }).textContent(), expected);
    const stored = b.core.providers.get('github');
    assert.equal(stored.clientId, 'Iv1.demo-client');
    assert.equal(stored.templateId, 'github');
  });

  test('a generic provider pointing at the test IdP is added by hand', async () => {
    await page.getByRole('button', { name: 'Add provider' }).click();
    await page.getByLabel('Generic OAuth 2.0').check();
    await page.getByLabel('Provider id').fill('test-idp');
    await page.getByLabel('Display name').fill('Test IdP');
    await page.getByLabel('Client id').fill('latchkey-test');
    await page.getByLabel('Client secret').fill('test-client-secret-value');
    await page.getByLabel('Authorization URL').fill(`${idp.issuer}/auth`);
    await page.getByLabel('Token URL', { exact: true }).fill(`${idp.issuer}/token`);
    await page.getByRole('button', { name: 'Add provider' }).click();
    await page.getByText('Test IdP is ready.').waitFor();
    await page.getByRole('article', { name: /Test IdP/ }).waitFor();
    await shoot(page, 'providers');
    await assertNoAxeViolations(page, 'Providers', { impacts: ['serious', 'critical'] });
  });

  test('an agent request appears live, is approved for 1 h, and consent at the provider completes it', async () => {
    await go('#/pending', 'Pending');
    const agent = new Client({ apiUrl: b.url, apiKey: b.key });
    const auth = await agent.authenticate({ provider: 'test-idp', scopes: ['openid', 'profile'], userId: 'alice', agentId: 'triage-bot' });
    assert.equal(auth.status, 'pending');
    const waiting = agent.waitForCompletion(auth.authId!, 60);

    // No reload: the row arrives over the event stream, and the tab title counts it.
    const card = page.getByRole('article', { name: 'triage-bot wants Test IdP' });
    await card.waitFor();
    await until(async () => (await page.title()) === '(1) Latchkey', 'the badge in the tab title');
    assert.ok(await card.getByText('Provider consent needed').isVisible());
    assert.ok(await card.getByText('alice').isVisible());
    assert.ok(await card.getByText('openid').isVisible());
    assert.ok(await page.getByRole('navigation').getByLabel('1 waiting').isVisible());
    await shoot(page, 'pending');
    await assertNoAxeViolations(page, 'Pending (one request)', { impacts: ['serious', 'critical'] });
    await page.emulateMedia({ colorScheme: 'dark' });
    await shoot(page, 'pending-dark');
    await assertNoAxeViolations(page, 'Pending (dark theme)', { impacts: ['serious', 'critical'] });
    await page.emulateMedia({ colorScheme: 'light' });

    await card.getByLabel('Allow', { exact: true }).selectOption('1h');
    const [consent] = await Promise.all([context.waitForEvent('page'), card.getByRole('button', { name: 'Approve and open consent' }).click()]);
    await consent.locator('input[name=login]').fill('alice');
    await consent.locator('input[name=password]').fill('any-password');
    await consent.getByRole('button', { name: 'Sign-in' }).click();
    await consent.locator('button[type=submit]').click();
    await consent.getByRole('heading', { name: 'Connected to Test IdP' }).waitFor();
    await consent.close();

    const result = await waiting;
    assert.equal(result.status, 'completed');
    assert.equal((await idp.userinfo(result.token!)).status, 200);
    await card.waitFor({ state: 'detached' });
    await page.getByText('Nothing waits for you').waitFor();
    await until(async () => (await page.title()) === 'Latchkey', 'the badge to clear');
  });

  test('the connection shows its scopes and status; the grant runs for an hour', async () => {
    await go('#/connections', 'Connections');
    const row = page.getByRole('row', { name: /Test IdP.*alice/ });
    await row.waitFor();
    const text = await row.textContent();
    assert.match(text ?? '', /openid/);
    assert.match(text ?? '', /profile/);
    assert.match(text ?? '', /triage-bot via owner/);
    assert.match(text ?? '', /OK/);
    await shoot(page, 'connections');
    await assertNoAxeViolations(page, 'Connections', { impacts: ['serious', 'critical'] });

    await go('#/grants', 'Grants');
    const grant = page.getByRole('row', { name: /triage-bot via owner.*alice.*test-idp/ });
    await grant.waitFor();
    assert.match((await grant.textContent()) ?? '', /in (59|60) min|in 1 h/);
    await shoot(page, 'grants');
    await assertNoAxeViolations(page, 'Grants', { impacts: ['serious', 'critical'] });
  });

  test('revoking the connection (after a confirmation) removes it everywhere', async () => {
    await go('#/connections', 'Connections');
    await page.getByRole('button', { name: 'Revoke Test IdP for alice' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke Test IdP for alice?' });
    await dialog.waitFor();
    await assertNoAxeViolations(page, 'Revoke confirmation', { impacts: ['serious', 'critical'] });
    await dialog.getByRole('button', { name: 'Revoke connection' }).click();
    await page.getByText('No connections yet').waitFor();
    assert.equal(b.core.listConnections().length, 0);
    const again = await new Client({ apiUrl: b.url, apiKey: b.key }).authenticate({ provider: 'test-idp', scopes: ['openid'], userId: 'alice', agentId: 'triage-bot' });
    assert.equal(again.status, 'pending', 'without a connection the agent must go through consent again');
  });

  test('accounts per provider: label and default shown; the owner makes another the default, renames it and binds it to an agent', async () => {
    const ownerKey = b.core.keys.list().find((k) => k.role === 'owner' && k.revokedAt === null);
    assert.ok(ownerKey);
    const ns = { providerId: 'test-idp', keyId: ownerKey.id, userId: 'alice', agentId: null };
    const set = (t: string) => ({ accessToken: t, tokenType: 'Bearer', refreshToken: null, expiresAt: null, idToken: null, extra: {} });
    b.core.connections.save(ns, set('work-token'), ['openid'], { label: 'work' });
    const home = b.core.connections.save(ns, set('home-token'), ['openid'], { label: 'home', makeDefault: false });
    await go('#/grants', 'Grants');
    await go('#/connections', 'Connections');
    await page.getByRole('heading', { level: 2, name: /Test IdP \(2 accounts\)/ }).waitFor();
    const workRow = page.getByRole('row', { name: /Test IdP work/ });
    assert.match((await workRow.textContent()) ?? '', /Default/);

    await page.getByRole('button', { name: 'Make default: Test IdP for alice (home)' }).click();
    await until(async () => /Default/.test((await page.getByRole('row', { name: /Test IdP home/ }).textContent()) ?? ''), 'home to become the default');
    assert.doesNotMatch((await workRow.textContent()) ?? '', /Default/);
    assert.equal(b.core.connections.byId(home.id)?.isDefault, true);

    await page.getByRole('button', { name: 'Rename Test IdP for alice (home)' }).click();
    await page.getByLabel('New name for home').fill('personal');
    await page.getByRole('button', { name: 'Save name' }).click();
    await page.getByRole('row', { name: /Test IdP personal/ }).waitFor();

    await page.getByRole('button', { name: 'Bind to agent: Test IdP for alice (personal)' }).click();
    await page.getByLabel(/Agent id that gets personal/).fill('helper-bot');
    await page.getByRole('button', { name: 'Bind agent' }).click();
    await page.getByRole('button', { name: 'Unbind helper-bot from Test IdP for alice (personal)' }).waitFor();
    assert.deepEqual(b.core.accounts.bindingsOf(home.id).map((x) => x.agentId), ['helper-bot']);
    await assertNoAxeViolations(page, 'Connections with accounts', { impacts: ['serious', 'critical'] });
    await shoot(page, 'connections-accounts');
  });

  test('the activity page shows the sequence, filters it, and exports the same filter as JSON Lines', async () => {
    await sleep(FLUSH_MS + 150); // the log commits in batches
    await go('#/activity', 'Activity');
    const rows = page.locator('table.activity tbody tr');
    await rows.first().waitFor();
    const types = (await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.type ?? ''))).reverse();
    const story = ['provider.created', 'request.created', 'request.approved', 'token.released', 'connection.revoked'];
    let at = -1;
    for (const step of story) {
      const next = types.indexOf(step, at + 1);
      assert.ok(next > at, `activity shows ${step} after the earlier steps (got ${types.join(', ')})`);
      at = next;
    }
    await shoot(page, 'activity');
    await assertNoAxeViolations(page, 'Activity', { impacts: ['serious', 'critical'] });

    await page.getByLabel('Provider', { exact: true }).selectOption('test-idp');
    await until(async () => (await rows.evaluateAll((trs) => trs.every((tr) => tr.textContent?.includes('test-idp')))) && (await rows.count()) > 0, 'the provider filter');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON Lines' }).click()]);
    assert.equal(download.suggestedFilename(), 'latchkey-activity.jsonl');
    const file = await download.path();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { provider_id: string; type: string });
    assert.ok(lines.length >= story.length - 1);
    assert.ok(lines.every((l) => l.provider_id === 'test-idp'));
  });

  test('settings: the env block, a new key shown once, and the keychain status', async () => {
    await go('#/settings', 'Settings');
    // The block carries the owner key: masked until Reveal (ui-trust.test.ts covers Copy).
    assert.notEqual(await page.getByLabel('Environment block', { exact: true }).textContent(), b.envBlock());
    await page.getByRole('button', { name: 'Reveal key' }).click();
    assert.equal(await page.getByLabel('Environment block', { exact: true }).textContent(), b.envBlock());
    await page.getByText('Keychain', { exact: true }).first().waitFor();
    await page.getByLabel('New key label').fill('ci-runner');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByLabel('New API key', { exact: true });
    await shown.waitFor();
    const key = (await shown.textContent()) ?? '';
    assert.ok(key.length >= 32);
    assert.equal((await b.api('/v2/auth/tokens/exists?provider_id=test-idp', { key })).status, 200, 'the new key is accepted by the broker');
    await page.getByRole('row', { name: /ci-runner/ }).waitFor();

    // An unknown key is refused and shows up live as a pairing request; accepting adopts it.
    const stranger = 'lsv2_pt_0123456789abcdef0123456789abcdef_stranger';
    assert.equal((await b.api('/v2/auth/tokens/exists?provider_id=test-idp', { key: stranger })).status, 401);
    const pairing = page.getByRole('article', { name: /^Unknown key/ });
    await pairing.waitFor();
    await pairing.getByLabel('Label').fill('old-agent');
    await pairing.getByRole('button', { name: 'Accept' }).click();
    await pairing.waitFor({ state: 'detached' });
    assert.equal((await b.api('/v2/auth/tokens/exists?provider_id=test-idp', { key: stranger })).status, 200);
    await shoot(page, 'settings');
    await assertNoAxeViolations(page, 'Settings', { impacts: ['serious', 'critical'] });
  });

  test('editing a provider sends only what changed; deleting one says what goes with it', async () => {
    await go('#/providers', 'Providers');
    const github = page.getByRole('article', { name: /GitHub/ });
    await github.getByRole('button', { name: 'Edit' }).click();
    await github.getByLabel('Client id').fill('Iv1.changed');
    await github.getByRole('button', { name: 'Save changes' }).click();
    await github.getByText('Iv1.changed').waitFor();
    assert.equal(b.core.providers.get('github').clientId, 'Iv1.changed');
    assert.equal(b.core.providers.get('github').hasClientSecret, true, 'a blank secret field keeps the stored secret');

    await page.getByRole('article', { name: /GitHub/ }).getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete GitHub?' });
    assert.match((await dialog.textContent()) ?? '', /It has no connections\..*agents asking for 'github'/);
    await dialog.getByRole('button', { name: 'Delete GitHub' }).click();
    await page.getByRole('article', { name: /GitHub/ }).waitFor({ state: 'detached' });
    assert.equal(b.core.providers.find('github'), undefined);
  });

  test('S33 Settings lists the signed-in sessions; one is signed out there, the window\'s own with its button', async () => {
    const other = await context.browser()!.newContext();
    const otherPage = await other.newPage();
    await otherPage.goto(b.loginUrl());
    await otherPage.getByRole('heading', { level: 1, name: 'Pending' }).waitFor();
    await go('#/settings', 'Settings');
    const sessions = page.getByRole('region', { name: 'Signed-in sessions' });
    await sessions.getByRole('article').nth(1).waitFor();
    assert.equal(await sessions.getByRole('article').count(), 2);
    await sessions.getByRole('article', { name: /this one/ }).waitFor();
    await sessions.getByRole('article', { name: /^Session Chromium on Linux$/ }).getByRole('button', { name: 'Sign out' }).click();
    await until(async () => b.core.sessions.list().length === 1, 'the other session to end');
    await otherPage.getByRole('navigation', { name: 'Latchkey' }).getByRole('link', { name: 'Grants' }).click();
    await otherPage.getByRole('heading', { level: 1, name: 'Sign in again' }).waitFor();
    await other.close();
    await shoot(page, 'settings-sessions');
    await assertNoAxeViolations(page, 'Settings with sessions', { impacts: ['serious', 'critical'] });

    // The window's own button; then a fresh link signs it in again.
    await page.getByRole('navigation', { name: 'Latchkey' }).getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in again' }).waitFor();
    assert.equal(b.core.sessions.list().length, 0);
    assert.equal(await page.evaluate(() => localStorage.getItem('latchkey.session')), null, 'the token is forgotten');
    await page.goto(b.loginUrl());
    await page.getByRole('heading', { level: 1, name: 'Pending' }).waitFor();
  });

  test('a session that ends while the window is open turns into "sign in again"', async () => {
    b.core.sessions.endAll();
    await page.getByRole('navigation', { name: 'Latchkey' }).getByRole('link', { name: 'Grants' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in again' }).waitFor();
    assert.ok(await page.getByText('npx latchkey ui', { exact: true }).isVisible());
    await shoot(page, 'signed-out');
    await assertNoAxeViolations(page, 'Sign in again', { impacts: ['serious', 'critical'] });
    assert.deepEqual(pageProblems, [], 'no page errors or CSP violations');
  });
});
