/**
 * End to end with real parts: Chromium (Playwright) as the human, oidc-provider as the
 * provider (PKCE required), the TS client as the agent, real SQLite and the real keychain.
 * Then a restart on the same home: the token comes back at once (master key read back
 * from the keychain).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from '@playwright/test';
import { Client } from '../../main/client/client.ts';
import { SCREENSHOT_DIR, launchChromium } from '../helpers/chromium.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

describe('browser flow: login link → /start → Approve → provider login and consent → callback page finishes with its binding', () => {
  let b: TestBroker;
  let idp: OidcServer;
  let chromium: Browser;

  before(async () => {
    b = await startTestBroker();
    idp = await startOidcServer({ redirectUris: [`${b.url}/host-oauth-callback/test-idp`] });
    const created = await new Client({ apiUrl: b.url, apiKey: b.key }).createOAuthProvider({
      providerId: 'test-idp', name: 'Test IdP', clientId: 'latchkey-test', clientSecret: 'test-client-secret-value',
      authUrl: `${idp.issuer}/auth`, tokenUrl: `${idp.issuer}/token`,
    });
    assert.equal(created.redirectUri, `${b.url}/host-oauth-callback/test-idp`);
    chromium = await launchChromium();
  });

  after(async () => {
    await chromium?.close();
    await b.cleanup();
    await idp.close();
  });

  test('the agent gets a token the provider accepts, and gets it again at once after a restart', async () => {
    const started = Date.now();
    const agent = new Client({ apiUrl: b.url, apiKey: b.key });
    const auth = await agent.authenticate({ provider: 'test-idp', scopes: ['openid', 'profile'], userId: 'alice', agentId: 'triage-bot' });
    assert.equal(auth.status, 'pending');
    const waiting = agent.waitForCompletion(auth.authId!, 60);

    const page = await (await chromium.newContext()).newPage();
    await page.goto(b.loginUrl());
    await page.getByRole('heading', { level: 1, name: 'Pending' }).waitFor();
    await page.goto(auth.authUrl!);
    await page.getByRole('heading', { name: /asks for Test IdP access/ }).waitFor();
    assert.ok(await page.getByText('triage-bot').isVisible());
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'start-page.png'), fullPage: true });
    await page.getByLabel('Allow', { exact: true }).selectOption('1h');
    await page.getByRole('button', { name: /^Approve/ }).click();

    // oidc-provider's development login and consent pages.
    await page.locator('input[name=login]').fill('alice');
    await page.locator('input[name=password]').fill('any-password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.locator('button[type=submit]').click();
    await page.getByRole('heading', { name: 'Connected to Test IdP' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'connected-page.png'), fullPage: true });
    assert.equal(page.url(), `${b.url}/host-oauth-callback/test-idp`, 'the page dropped code and state from the address bar');

    const result = await waiting;
    assert.equal(result.status, 'completed');
    const info = await idp.userinfo(result.token!);
    assert.equal(info.status, 200);
    assert.equal(info.body.sub, 'alice');
    console.log(`e2e browser flow took ${Date.now() - started} ms`);

    b = await b.restart();
    const restartedAt = Date.now();
    const again = await new Client({ apiUrl: b.url, apiKey: b.key }).authenticate({ provider: 'test-idp', scopes: ['openid'], userId: 'alice', agentId: 'triage-bot' });
    assert.equal(again.status, 'completed');
    assert.equal(again.token, result.token);
    assert.equal((await idp.userinfo(again.token!)).status, 200);
    console.log(`authenticate after restart answered in ${Date.now() - restartedAt} ms`);
  });
});
