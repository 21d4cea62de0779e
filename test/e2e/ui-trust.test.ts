/**
 * Issue 16, "the window a developer trusts with credentials", in Debian Chromium against a
 * real broker, oidc-provider and the TS agent client: every page at 1280×800 and 420×800,
 * light and dark, has no sideways scroll and zero axe violations; the approval marks new
 * and risky scopes and says when nobody waits; keyboard-only approve and deny move focus
 * on; Esc on a dialog returns focus; toasts never cover a button nor go stale; the
 * broker-gone state is one banner with actions paused; errors read as words.
 *
 * Screenshots land in test-results/screens/trust-*.png; LATCHKEY_UPDATE_SCREENSHOTS=1 also
 * refreshes docs/screenshots/ (the README gallery).
 */
import { assertNoAxeViolations } from '../helpers/axe.ts';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { Client } from '../../main/client/client.ts';
import { createBroker, type Broker } from '../../main/compose.ts';
import { silentLogger } from '../../main/adapters/logger.ts';
import { FLUSH_MS } from '../../main/core/activity.ts';
import { DENY_CHOICES, GRANT_CHOICES, DECISION_WORDS } from '../../main/core/decision-words.ts';
import { SCREENSHOT_DIR, launchChromium } from '../helpers/chromium.ts';
import { memoryKeychain, movableClock } from '../helpers/fakes.ts';
import { approveInBrowser } from '../helpers/flows.ts';
import { HttpBrowser } from '../helpers/http-browser.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { startTestBroker, tempHome, type TestBroker } from '../helpers/test-broker.ts';

const DOCS_SCREENSHOTS = join(process.cwd(), 'docs', 'screenshots');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 420, height: 800 };

/** Neither the document nor the page's own scroll box scrolls sideways. */
async function assertNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const m = await page.evaluate(() => {
    const main = document.getElementById('main');
    return {
      doc: document.documentElement.scrollWidth, inner: window.innerWidth,
      main: main ? main.scrollWidth : 0, mainBox: main ? main.clientWidth : 0,
    };
  });
  assert.ok(m.doc <= m.inner, `${where}: the page is ${m.doc} px wide in a ${m.inner} px window`);
  assert.ok(m.main <= m.mainBox, `${where}: the content is ${m.main} px wide in a ${m.mainBox} px box`);
}

/** Every visible button and link of the window lies inside the viewport horizontally. */
async function assertControlsOnScreen(page: Page, where: string): Promise<void> {
  const off = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('nav a, main button, main a.btn')]
    .filter((e) => e.offsetParent !== null && !e.closest('.table-wrap:not(:has(table.reflow))'))
    .map((e) => ({ text: (e.getAttribute('aria-label') ?? e.textContent ?? '').trim(), right: e.getBoundingClientRect().right, left: e.getBoundingClientRect().left }))
    .filter((b) => b.right > window.innerWidth + 0.5 || b.left < -0.5));
  assert.deepEqual(off, [], `${where}: controls off-screen`);
}

/** No toast's box intersects any button's box (other than the toast's own Dismiss). */
async function assertToastsCoverNothing(page: Page, where: string): Promise<number> {
  const overlap = await page.evaluate(() => {
    const toasts = [...document.querySelectorAll<HTMLElement>('.toast')].map((t) => t.getBoundingClientRect());
    const hits: string[] = [];
    for (const b of document.querySelectorAll<HTMLElement>('button, a.btn, select, input')) {
      if (b.closest('.toast') || b.offsetParent === null) continue;
      const r = b.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      // What is visible of the control: clipped by the page's scroll box.
      const main = document.getElementById('main')?.getBoundingClientRect();
      const top = Math.max(r.top, main && b.closest('#main') ? main.top : -Infinity);
      const bottom = Math.min(r.bottom, main && b.closest('#main') ? main.bottom : Infinity);
      if (bottom <= top) continue;
      for (const t of toasts) {
        if (r.left < t.right && r.right > t.left && top < t.bottom && bottom > t.top) hits.push((b.getAttribute('aria-label') ?? b.textContent ?? b.tagName).trim());
      }
    }
    return { hits, toasts: toasts.length };
  });
  assert.deepEqual(overlap.hits, [], `${where}: a toast covers these controls`);
  return overlap.toasts;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const PAGES: ReadonlyArray<{ hash: string; heading: string; shot: string }> = [
  { hash: '#/pending', heading: 'Pending', shot: 'pending' },
  { hash: '#/providers', heading: 'Providers', shot: 'providers' },
  { hash: '#/connections', heading: 'Connections', shot: 'connections' },
  { hash: '#/grants', heading: 'Grants', shot: 'grants' },
  { hash: '#/activity', heading: 'Activity', shot: 'activity' },
  { hash: '#/settings', heading: 'Settings', shot: 'settings' },
];

describe('issue 16: the window at every width and theme, every state, every keystroke', () => {
  const clock = movableClock();
  let b: TestBroker;
  let idp: OidcServer;
  let chromium: Browser;
  let context: BrowserContext;
  let page: Page;
  const agent = (): Client => new Client({ apiUrl: b.url, apiKey: b.key });
  const pageProblems: string[] = [];
  const openWaits: Promise<unknown>[] = [];

  /** The owner API as the signed-in browser calls it (session cookie, CSRF token, same origin). */
  const ownerApi = async (method: string, path: string, body?: unknown): Promise<any> => {
    // The window's own credential (S33): the session token its script keeps in localStorage.
    const token = await page.evaluate(() => localStorage.getItem('latchkey.session'));
    const res = await context.request.fetch(`${b.url}/ui/api${path}`, {
      method, headers: { 'x-latchkey-session': token ?? '', origin: b.url, 'content-type': 'application/json' }, ...(body === undefined ? {} : { data: body }),
    });
    assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`);
    return res.json();
  };

  const show = async (hash: string, heading: string): Promise<void> => {
    await page.evaluate((h) => { window.location.hash = h; }, hash);
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };

  const shoot = async (name: string): Promise<void> => {
    const dismiss = page.getByRole('button', { name: 'Dismiss' });
    while ((await dismiss.count()) > 0) await dismiss.first().click();
    await page.evaluate(() => document.getElementById('main')?.scrollTo(0, 0));
    const path = join(SCREENSHOT_DIR, `trust-${name}.png`);
    await page.screenshot({ path });
    if (process.env.LATCHKEY_UPDATE_SCREENSHOTS === '1') {
      mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
      assert.ok(statSync(path).size <= 200 * 1024, `${name} screenshot is over 200 KB`);
      copyFileSync(path, join(DOCS_SCREENSHOTS, `${name}.png`));
    }
  };

  before(async () => {
    b = await startTestBroker({ clock });
    idp = await startOidcServer({ redirectUris: [`${b.url}/host-oauth-callback/test-idp`] });
    chromium = await launchChromium();
    context = await chromium.newContext({ viewport: WIDE, colorScheme: 'light' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: b.url });
    page = await context.newPage();
    page.on('pageerror', (e) => pageProblems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error' && !/401|Failed to load resource|ERR_INTERNET_DISCONNECTED|net::ERR/.test(m.text())) pageProblems.push(`console: ${m.text()}`); });
    await page.goto(b.loginUrl());
    await page.goto(`${b.url}/#/pending`);
    await page.getByRole('heading', { level: 1, name: 'Pending' }).waitFor();

    // A template provider (GitHub: scopes with descriptions, risky `repo`) and the test IdP.
    await ownerApi('POST', '/providers', { kind: 'template', template_id: 'github', client_id: 'Iv1.demo-client', client_secret: 'demo-secret-value' });
    await ownerApi('POST', '/providers', {
      kind: 'generic', provider_id: 'test-idp', name: 'Test IdP', client_id: 'latchkey-test', client_secret: 'test-client-secret-value',
      auth_url: `${idp.issuer}/auth`, token_url: `${idp.issuer}/token`,
    });
    // triage-bot already holds openid+profile at the Test IdP (approved in a browser, consented at the IdP).
    const first = await agent().authenticate({ provider: 'test-idp', scopes: ['openid', 'profile'], userId: 'alice', agentId: 'triage-bot' });
    await approveInBrowser(b, first.authUrl!);
    assert.equal(b.core.listConnections().length, 1);
  });

  after(async () => {
    await context?.close();
    await chromium?.close();
    await b?.cleanup().catch(() => {});
    await idp?.close();
    await Promise.allSettled(openWaits);
  });

  test('the approval marks what is new against what the agent holds, weighs risky scopes, and never shows a bare dash', async () => {
    const more = await agent().authenticate({ provider: 'test-idp', scopes: ['openid', 'profile', 'email'], userId: 'alice', agentId: 'triage-bot' });
    openWaits.push(agent().waitForCompletion(more.authId!, 120).catch(() => {}));
    const gh = await agent().authenticate({ provider: 'github', scopes: ['read:user', 'repo', 'custom:thing'], userId: 'alice', agentId: 'release-bot' });
    openWaits.push(agent().waitForCompletion(gh.authId!, 120).catch(() => {}));

    const idpCard = page.getByRole('article', { name: 'triage-bot wants Test IdP' });
    await idpCard.waitFor();
    const rows = idpCard.getByRole('listitem');
    await until(async () => (await rows.count()) === 3, 'three scope rows');
    const newOnes = await idpCard.locator('li.new code.scope').allTextContents();
    assert.deepEqual(newOnes, ['email'], 'only email is new: openid and profile are held');
    assert.match((await idpCard.textContent()) ?? '', /Already holds openid, profile\. New in this request: email\./);

    const ghCard = page.getByRole('article', { name: 'release-bot wants GitHub' });
    const repo = ghCard.locator('li', { has: page.locator('code.scope', { hasText: /^repo$/ }) });
    assert.equal(await repo.getAttribute('class'), 'risky', 'repo (repo-wide) is risky');
    assert.ok(await repo.getByText('Risky').isVisible());
    assert.match((await repo.textContent()) ?? '', /private repositories|Full control/i, "the template's description is shown");
    const custom = ghCard.locator('li', { has: page.locator('code.scope', { hasText: 'custom:thing' }) });
    assert.match((await custom.textContent()) ?? '', new RegExp(DECISION_WORDS.noDescription));
    assert.doesNotMatch((await ghCard.textContent()) ?? '', /—/);
    assert.match((await ghCard.textContent()) ?? '', /Nothing held at GitHub yet/);
    await ghCard.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'trust-pending-risky.png') });
    if (process.env.LATCHKEY_UPDATE_SCREENSHOTS === '1') copyFileSync(join(SCREENSHOT_DIR, 'trust-pending-risky.png'), join(DOCS_SCREENSHOTS, 'pending-risky.png'));
  });

  test('every page at 1280 and 420 px, light and dark: no sideways scroll, controls on screen, axe clean', async () => {
    // Data on every page: a grant and a connection (from before), activity, keys.
    await sleep(FLUSH_MS + 150);
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      for (const size of [WIDE, NARROW]) {
        await page.setViewportSize(size);
        const suffix = `${theme === 'dark' ? '-dark' : ''}${size === NARROW ? '-narrow' : ''}`;
        for (const p of PAGES) {
          const where = `${p.heading} at ${size.width} px, ${theme}`;
          await show(p.hash, p.heading);
          if (p.shot === 'connections') await page.getByRole('button', { name: /^Revoke Test IdP/ }).waitFor();
          if (p.shot === 'activity') await page.locator('table.activity tbody tr').first().waitFor();
          if (p.shot === 'settings') await page.getByRole('row', { name: /owner/ }).first().waitFor();
          if (p.shot === 'pending') await page.getByRole('article').first().waitFor();
          await assertNoSidewaysScroll(page, where);
          await assertControlsOnScreen(page, where);
          assert.ok(await page.locator('.sidebar-foot .status-line').isVisible(), `${where}: keychain status visible`);
          if (size === NARROW) {
            const band = await page.locator('nav.sidebar').boundingBox();
            assert.ok(band && band.height <= 130, `${where}: the header band is ${band?.height} px tall`);
          }
          await assertNoAxeViolations(page, where);
          await shoot(`${p.shot}${suffix}`);
        }
        await show('#/providers', 'Providers');
        await page.getByRole('button', { name: 'Add provider' }).click();
        await page.getByRole('button', { name: /^GitHub/ }).click();
        await assertNoSidewaysScroll(page, `Add provider at ${size.width} px, ${theme}`);
        await assertNoAxeViolations(page, `Add provider at ${size.width} px, ${theme}`);
        await shoot(`providers-add${suffix}`);
        await page.getByRole('button', { name: 'Cancel' }).click();
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(WIDE);
  });

  test('Esc on a dialog returns focus to the button that opened it; the dialog is axe clean at both widths', async () => {
    for (const size of [WIDE, NARROW]) {
      await page.setViewportSize(size);
      await show('#/grants', 'Grants');
      const opener = page.getByRole('button', { name: /^Revoke grant for triage-bot/ });
      await opener.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Revoke this grant?' });
      await dialog.waitFor();
      await assertNoAxeViolations(page, `revoke dialog at ${size.width} px`);
      await assertNoSidewaysScroll(page, `revoke dialog at ${size.width} px`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), await opener.getAttribute('aria-label'), 'focus is back on the opener');
    }
    await page.setViewportSize(WIDE);
  });

  test('keyboard only: approve and deny, focus moves to the next card and then the empty state; the toast covers no button', async () => {
    // Approvals that need no consent: revoke the grant, so openid alone (held) asks again.
    const grants = await ownerApi('GET', '/grants') as Array<{ id: string }>;
    for (const g of grants) await ownerApi('DELETE', `/grants/${g.id}`);
    const held = await agent().authenticate({ provider: 'test-idp', scopes: ['openid'], userId: 'alice', agentId: 'triage-bot' });
    openWaits.push(agent().waitForCompletion(held.authId!, 120).catch(() => {}));
    await show('#/pending', 'Pending');
    await page.setViewportSize(NARROW);
    const cards = page.locator('article[data-auth-id]');
    await until(async () => (await cards.count()) === 3, 'three pending cards');
    const ids = await cards.evaluateAll((as) => as.map((a) => (a as HTMLElement).dataset.authId));

    /** Tab (forwards) until the focused element matches, as a keyboard user would. */
    const tabTo = async (matches: (el: { tag: string; text: string; label: string | null; card: string | null }) => boolean, what: string): Promise<void> => {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        const el = await page.evaluate(() => {
          const a = document.activeElement as HTMLElement | null;
          return { tag: a?.tagName ?? '', text: (a?.textContent ?? '').trim(), label: a?.id ? document.querySelector(`label[for="${a.id}"]`)?.textContent ?? null : null, card: a?.closest('article')?.getAttribute('data-auth-id') ?? null };
        });
        if (matches(el)) return;
      }
      assert.fail(`Tab never reached ${what}`);
    };
    const focusedCard = (): Promise<string | null> => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.authId ?? null);

    // The openid-only card (last) needs no consent: approve it by keyboard.
    const last = ids[2]!;
    await page.locator('#main').focus();
    await tabTo((e) => e.card === last && e.tag === 'SELECT' && e.label === DECISION_WORDS.allowLabel, 'the Allow choice of the last card');
    await page.keyboard.press('ArrowDown'); // 1 h → 8 h
    await tabTo((e) => e.card === last && e.tag === 'BUTTON' && e.text === DECISION_WORDS.approve, 'Approve');
    await page.keyboard.press('Enter');
    await page.locator(`article[data-auth-id="${last}"]`).waitFor({ state: 'detached' });
    await until(async () => (await focusedCard()) === ids[1], 'focus on the card that took its place');
    const grant = (await ownerApi('GET', '/grants') as Array<{ scopes: string[]; expires_at: string | null }>).find((g) => g.scopes.join(' ') === 'openid');
    assert.ok(grant && grant.expires_at && Date.parse(grant.expires_at) - clock.now() > 7 * 3600_000, 'the keyboard chose 8 hours');

    // The approval's toast sits in its own row: scrolled to the bottom card's Deny, nothing is covered.
    await page.locator('.toast').first().waitFor();
    await page.evaluate(() => { const m = document.getElementById('main'); m?.scrollTo(0, m.scrollHeight); });
    assert.ok((await assertToastsCoverNothing(page, 'toast after approve at 420 px')) > 0, 'a toast is showing');
    await page.setViewportSize(WIDE);
    await assertToastsCoverNothing(page, 'toast after approve at 1280 px');

    // Deny the first card (GitHub… or the IdP one) by keyboard, remembered for an hour.
    const first = ids[0]!;
    await page.locator('#main').focus();
    await tabTo((e) => e.card === first && e.tag === 'SELECT' && e.label === DECISION_WORDS.rememberLabel, 'the Remember choice');
    await page.keyboard.press('ArrowDown'); // just this request → deny for 1 hour
    await tabTo((e) => e.card === first && e.tag === 'BUTTON' && e.text === DECISION_WORDS.deny, 'Deny');
    await page.keyboard.press('Enter');
    await page.locator(`article[data-auth-id="${first}"]`).waitFor({ state: 'detached' });
    await until(async () => (await focusedCard()) === ids[1], 'focus on the remaining card');

    // And the last one: focus lands on the empty state.
    await tabTo((e) => e.card === ids[1] && e.tag === 'BUTTON' && e.text === DECISION_WORDS.deny, 'Deny of the remaining card');
    await page.keyboard.press('Enter');
    await page.getByText('Nothing waits for you').waitFor();
    await until(async () => page.evaluate(() => document.activeElement?.classList.contains('empty') === true), 'focus on the empty state');
    await assertNoAxeViolations(page, 'Pending after deciding everything');
  });

  test('after consent completes, the "finish on the consent page" toast is replaced, not left stale', async () => {
    const ask = await agent().authenticate({ provider: 'test-idp', scopes: ['openid', 'profile'], userId: 'bob', agentId: 'triage-bot' });
    openWaits.push(agent().waitForCompletion(ask.authId!, 120).catch(() => {}));
    const card = page.getByRole('article', { name: 'triage-bot wants Test IdP' });
    await card.waitFor();
    const [consent] = await Promise.all([context.waitForEvent('page'), card.getByRole('button', { name: DECISION_WORDS.approveWithConsent }).click()]);
    await page.locator('.toast', { hasText: 'consent page' }).waitFor();
    await consent.locator('input[name=login]').fill('bob');
    await consent.locator('input[name=password]').fill('any-password');
    await consent.getByRole('button', { name: 'Sign-in' }).click();
    await consent.locator('button[type=submit]').click();
    await consent.getByRole('heading', { name: 'Connected to Test IdP' }).waitFor();
    await consent.close();
    await page.locator('.toast', { hasText: 'Connected: triage-bot has its Test IdP token.' }).waitFor();
    assert.equal(await page.locator('.toast', { hasText: 'consent page' }).count(), 0, 'the stale toast is gone');
  });

  test('an agent that went away: the request is marked, still decidable, and says when it expires', async () => {
    const gone = await agent().authenticate({ provider: 'github', scopes: ['read:user'], userId: 'carol', agentId: 'one-shot' });
    const waiting = await agent().authenticate({ provider: 'github', scopes: ['read:user'], userId: 'carol', agentId: 'patient' });
    openWaits.push(agent().waitForCompletion(waiting.authId!, 120).catch(() => {}));
    const goneCard = page.getByRole('article', { name: 'one-shot wants GitHub' });
    const waitingCard = page.getByRole('article', { name: 'patient wants GitHub' });
    await goneCard.waitFor();
    assert.equal(await goneCard.getByText('Nobody is waiting for this any more').count(), 0, 'fresh requests are not marked');
    clock.advance(15_000); // past AGENT_GONE_AFTER_MS without another call from one-shot
    await goneCard.getByText('Nobody is waiting for this any more').waitFor({ timeout: 15_000 });
    assert.match((await goneCard.textContent()) ?? '', /expires in 14 min/);
    assert.equal(await waitingCard.getByText('Nobody is waiting for this any more').count(), 0, 'an agent holding a wait open is not marked');
    assert.ok(await goneCard.getByRole('button', { name: DECISION_WORDS.approveWithConsent }).isEnabled(), 'still decidable');
    const view = (await ownerApi('GET', '/requests') as Array<{ auth_id: string; agent_gone: boolean; waiting: number }>);
    assert.equal(view.find((r) => r.auth_id === gone.authId)?.agent_gone, true);
    assert.equal(view.find((r) => r.auth_id === waiting.authId)?.waiting, 1);
    await shoot('pending-agent-gone');
    await assertNoAxeViolations(page, 'Pending with an agent gone');
    await goneCard.getByRole('button', { name: DECISION_WORDS.deny }).click();
    await waitingCard.getByRole('button', { name: DECISION_WORDS.deny }).click();
    await page.getByText('Nothing waits for you').waitFor();
  });

  test('the /start page offers the same choices in the same words, deny-and-remember included', async () => {
    const ask = await agent().authenticate({ provider: 'github', scopes: ['gist'], userId: 'dave', agentId: 'start-bot' });
    const browser = new HttpBrowser();
    await browser.go(b.loginUrl());
    const start = await browser.go(ask.authUrl!);
    for (const c of [...GRANT_CHOICES, ...DENY_CHOICES]) assert.ok(start.text.includes(`>${c.label}</option>`), `the /start page offers "${c.label}"`);
    for (const word of [DECISION_WORDS.allowLabel, DECISION_WORDS.rememberLabel, DECISION_WORDS.approveWithConsent, DECISION_WORDS.deny, DECISION_WORDS.consentNeeded]) {
      assert.ok(start.text.includes(word), `the /start page says "${word}"`);
    }
    const denied = await browser.decide(ask.authUrl!, { decision: 'deny', remember: '1h' });
    assert.equal(denied.res.status, 200, `the /start decision answered ${denied.res.status}`);
    const again = await agent().authenticate({ provider: 'github', scopes: ['gist'], userId: 'dave', agentId: 'start-bot' });
    const answer = await agent().waitForCompletion(again.authId!, 1);
    // Without "remember" the same call would be a new pending request; remembered, it is answered at once.
    assert.equal(answer.status, 'denied', 'the denial from /start is remembered for an hour');
  });

  test('settings: the owner key is masked with Reveal and Copy; the last owner key offers no Revoke; activity rows carry dates and connection.created', async () => {
    await show('#/settings', 'Settings');
    const block = page.getByLabel('Environment block', { exact: true });
    assert.doesNotMatch((await block.textContent()) ?? '', new RegExp(b.key), 'the key is masked');
    assert.match((await block.textContent()) ?? '', /LANGSMITH_API_KEY=.{8}•+/);
    await page.getByRole('button', { name: 'Reveal key' }).click();
    assert.match((await block.textContent()) ?? '', new RegExp(b.key));
    await page.getByRole('button', { name: 'Hide key' }).click();
    await page.getByRole('button', { name: 'Copy Environment block' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), b.envBlock(), 'Copy copies the real block');

    const ownerRow = page.getByRole('row', { name: /owner \(everything/ });
    assert.equal(await ownerRow.getByRole('button', { name: /Revoke/ }).count(), 0, 'the last owner key is not offered for revoking');
    assert.match((await ownerRow.textContent()) ?? '', /last owner key/);

    await sleep(FLUSH_MS + 150);
    await show('#/activity', 'Activity');
    const rows = page.locator('table.activity tbody tr');
    await rows.first().waitFor();
    assert.ok((await page.locator('table.activity tr[data-type="connection.created"]').count()) >= 1, 'connection.created is in the log');
    const when = await page.locator('table.activity tbody tr td:first-child').allTextContents();
    assert.ok(when.every((w) => /^(Today|Yesterday|\d{1,2} [A-Z][a-z]{2})/.test(w)), `every row names its day: ${when.slice(0, 3).join(' | ')}`);
  });

  test('errors in words: the sign-in page, the URL rule, the redirect preview, discovery', async () => {
    // Without a session the window itself shows the sign-in screen (S33: no server-side session check).
    const anonymous = await context.browser()!.newPage();
    try {
      await anonymous.goto(`${b.url}/`);
      await anonymous.getByRole('heading', { level: 1, name: 'Sign in again' }).waitFor();
      const text = (await anonymous.locator('main').textContent()) ?? '';
      assert.doesNotMatch(text, /`/, 'no literal backticks on the sign-in screen');
      assert.equal((await anonymous.locator('pre.command').textContent())?.trim(), 'npx latchkey ui');
    } finally {
      await anonymous.close();
    }

    await show('#/providers', 'Providers');
    await page.getByRole('button', { name: 'Add provider' }).click();
    await page.getByLabel('Generic OAuth 2.0').check();
    await page.getByLabel('Provider id').fill('bad id/..');
    assert.ok(await page.getByText('Fix the provider id').isVisible(), 'no redirect URI with an invalid id');
    assert.equal(await page.getByLabel('Redirect URI', { exact: true }).count(), 0);
    await page.getByLabel('Provider id').fill('acme');
    assert.equal(await page.getByLabel('Redirect URI', { exact: true }).textContent(), `${b.url}/host-oauth-callback/acme`);
    await page.getByLabel('Display name').fill('Acme');
    await page.getByLabel('Client id').fill('c');
    await page.getByLabel('Authorization URL').fill('http://127.0.0.1:9/auth');
    await page.getByLabel('Token URL', { exact: true }).fill('http://idp.example/token');
    await page.getByRole('button', { name: 'Add provider' }).click();
    await page.getByText(/plain http:\/\/ is accepted only for a loopback address/).waitFor();
    assert.equal(await page.getByLabel('Authorization URL').getAttribute('aria-invalid'), null, 'loopback http is accepted, and not called wrong');
    await assertNoAxeViolations(page, 'provider form with an error');

    await page.getByLabel('OIDC issuer').check();
    await page.getByLabel('Provider id').fill('nowhere');
    await page.getByLabel('Display name').fill('Nowhere');
    await page.getByLabel('Client id').fill('c');
    await page.getByLabel('Issuer URL').fill(`${idp.issuer}/not-an-issuer`);
    await page.getByRole('button', { name: 'Add provider' }).click();
    const error = page.getByRole('alert').filter({ hasText: 'Discovery at' });
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    assert.match(text, /not-an-issuer\/\.well-known\/openid-configuration \(HTTP 404\)/, text);
    assert.doesNotMatch(text, /oauth4webapi|OperationProcessingError|unexpected provider response|JSON/, text);
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  test('broker gone: one banner, actions paused, no keychain claim; back again when it answers', async () => {
    await show('#/connections', 'Connections');
    await page.getByRole('button', { name: /^Revoke Test IdP/ }).first().waitFor();
    // The broker stops answering the window (every owner API call refused at the socket).
    await page.route('**/ui/api/**', (route) => route.abort('connectionrefused'));
    await page.evaluate(() => { window.location.hash = '#/grants'; });
    await page.getByRole('heading', { level: 1, name: 'Grants' }).waitFor();
    const banner = page.getByRole('alert').filter({ hasText: 'Latchkey is not answering' });
    await banner.waitFor();
    // Pages re-reading (navigation, retries) must not add a second notice.
    await page.evaluate(() => { window.location.hash = '#/connections'; });
    await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();
    await sleep(3500);
    assert.equal(await page.getByText(/is not answering/).count(), 1, 'exactly one banner');
    const status = (await page.locator('.sidebar-foot .status-line').textContent()) ?? '';
    assert.doesNotMatch(status, /Keychain OK/);
    assert.match(status, /not answering/);
    const enabled = await page.evaluate(() => [...document.querySelectorAll<HTMLButtonElement>('main button')].filter((x) => !x.disabled).map((x) => x.textContent));
    assert.deepEqual(enabled, [], 'every action in the page is disabled');
    await assertNoAxeViolations(page, 'broker gone');
    await page.setViewportSize(NARROW);
    await assertNoSidewaysScroll(page, 'broker gone at 420 px');
    await shoot('broker-gone-narrow');
    await page.setViewportSize(WIDE);
    await shoot('broker-gone');

    await page.unroute('**/ui/api/**');
    await banner.waitFor({ state: 'detached', timeout: 15_000 });
    await until(async () => ((await page.locator('.sidebar-foot .status-line').textContent()) ?? '').includes('Keychain OK'), 'the keychain status back');
    await until(async () => page.evaluate(() => [...document.querySelectorAll<HTMLButtonElement>('main button')].some((x) => !x.disabled)), 'actions enabled again');

    // Really gone: the broker stops. Still one banner, and no claim about the keychain.
    await b.close();
    await page.getByRole('alert').filter({ hasText: 'Latchkey is not answering' }).waitFor({ timeout: 15_000 });
    await sleep(500);
    assert.equal(await page.getByText(/is not answering/).count(), 1, 'exactly one banner with the broker stopped');
    assert.doesNotMatch((await page.locator('.sidebar-foot .status-line').textContent()) ?? '', /Keychain OK/);
    assert.deepEqual(pageProblems, [], 'no page errors or CSP violations');
  });
});

describe('issue 16: a keychain that fails reads as words, with the raw text behind a disclosure', () => {
  const RAW = 'Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead';
  let broker: Broker;
  let home: string;
  let chromium: Browser;

  before(async () => {
    home = tempHome();
    broker = await createBroker({ port: 0, home, logger: silentLogger, keychain: () => memoryKeychain({ broken: RAW }) });
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await broker?.close();
  });

  test('Settings explains the D-Bus failure and its fix; the sidebar says the keychain is unavailable', async () => {
    for (const [theme, size] of [['light', WIDE], ['dark', NARROW]] as const) {
      const context = await chromium.newContext({ viewport: size, colorScheme: theme });
      const page = await context.newPage();
      await page.goto(broker.loginUrl());
      await page.goto(`${broker.url}/#/settings`);
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      const box = page.getByRole('alert').filter({ hasText: 'cannot store tokens' });
      await box.waitFor();
      assert.match((await box.textContent()) ?? '', /no desktop session bus \(D-Bus\)/);
      assert.match((await box.textContent()) ?? '', /dbus-run-session/);
      assert.ok(!(await box.getByText(RAW).isVisible()), 'the raw text is not in the way');
      await box.getByText('Technical details').click();
      assert.ok(await box.getByText(RAW).isVisible(), 'the raw text is behind the disclosure');
      assert.match((await page.locator('.sidebar-foot .status-line').textContent()) ?? '', /Keychain unavailable/);
      await assertNoSidewaysScroll(page, `keychain failure at ${size.width} px`);
      await assertNoAxeViolations(page, `keychain failure, ${theme}`);
      await page.getByRole('heading', { name: 'Keychain' }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOT_DIR, `trust-keychain-${theme}.png`) });
      if (process.env.LATCHKEY_UPDATE_SCREENSHOTS === '1') copyFileSync(join(SCREENSHOT_DIR, `trust-keychain-${theme}.png`), join(DOCS_SCREENSHOTS, `settings-keychain${theme === 'dark' ? '-dark-narrow' : ''}.png`));
      await context.close();
    }
  });
});
