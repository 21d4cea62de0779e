/**
 * S40 items of the browser flow pages: a cross-site arrival never moves a flow on without one
 * click on a Latchkey page; HEAD (or a preview's GET) never spends a consent link; repeated
 * GET /start/<t> writes nothing, and repeated "Continue" keeps one live attempt per request.
 * Against a real broker and its real SQLite file.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { FLUSH_MS } from '../../main/core/activity.ts';
import { HttpBrowser } from '../helpers/http-browser.ts';
import { TEST_ACTOR } from '../helpers/owner.ts';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BINDING = 'b'.repeat(43);

describe('S40 the /start and /consent pages', () => {
  let b: TestBroker;

  before(async () => {
    // auto-owner: every request is approved by policy and only needs the provider consent,
    // the case where a page that redirected by itself would finish a flow with zero clicks.
    b = await startTestBroker({ approval: 'auto-owner' });
    const created = await b.api('/v2/auth/providers', {
      body: { provider_id: 'far-idp', name: 'Far IdP', client_id: 'c', client_secret: 'client-secret-value', auth_url: 'https://idp.example/auth', token_url: 'https://idp.example/token' },
    });
    assert.equal(created.status, 200, created.text);
  });
  after(async () => { await b.cleanup(); });

  /** Rows per table of the broker's SQLite file (read-only, next to the running broker). */
  async function rowCounts(): Promise<Record<string, number>> {
    await sleep(FLUSH_MS + 100); // the activity log commits in batches
    const db = new Database(join(b.home, 'latchkey.db'), { readonly: true, fileMustExist: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
      return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n]));
    } finally {
      db.close();
    }
  }

  async function approvedRequest(userId: string): Promise<{ authId: string; url: string }> {
    const auth = await b.api('/v2/auth/authenticate', { body: { provider: 'far-idp', scopes: ['read'], user_id: userId } });
    assert.equal(auth.body.status, 'pending');
    const request = b.core.requests.get(auth.body.auth_id);
    assert.ok(request?.approved && request.autoApproved && request.needsConsent, 'approved by policy, consent still needed');
    return { authId: auth.body.auth_id, url: auth.body.url };
  }

  test('S40 a cross-site arrival at /start never reaches the provider without one click on the Latchkey page', async () => {
    const { authId, url } = await approvedRequest('s40-click');
    const flowsBefore = (await rowCounts()).oauth_flows ?? 0;
    const arrivals: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' },
      { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'navigate' },
      { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'navigate' },
      {},
    ];
    for (const headers of arrivals) {
      for (const target of [url, `${url}?r=1`]) {
        const res = await fetch(target, { headers, redirect: 'manual' });
        assert.equal(res.status, 200, `${target} ${JSON.stringify(headers)}`);
        assert.equal(res.headers.get('location'), null, 'never a redirect');
        const text = await res.text();
        assert.doesNotMatch(text, /http-equiv="refresh"|idp\.example/, 'no meta refresh, no provider URL on the page');
        assert.match(text, /<button class="primary" type="submit">Continue to Far IdP<\/button>/);
      }
    }
    // The click is a JSON post from our own origin: another port's page cannot make it.
    const foreign = await fetch(`${url}/continue`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' }, body: JSON.stringify({ binding: BINDING }) });
    assert.equal(foreign.status, 403);
    const form = await fetch(`${url}/continue`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: b.url }, body: `binding=${BINDING}` });
    assert.equal(form.status, 415, 'a plain form post (what a cross-origin page can send) is not read');
    assert.equal((await rowCounts()).oauth_flows, flowsBefore, 'no attempt started before the click');
    assert.equal(b.core.requests.get(authId)?.status, 'pending');

    const click = await new HttpBrowser().continueFlow(url);
    assert.equal(click.res.status, 200);
    assert.equal(new URL(click.body.redirect_url).origin, 'https://idp.example');
    assert.equal((await rowCounts()).oauth_flows, flowsBefore + 1);
  });

  test('S40 HEAD or GET of a consent link never uses it up; only the page\'s POST does, once', async () => {
    const auth = await b.api('/v2/auth/authenticate', { body: { provider: 'far-idp', scopes: ['write'], user_id: 's40-consent' } });
    const link = `${b.url}/consent/${b.core.sessions.mintConsentTicket(auth.body.auth_id)}`;
    for (const method of ['HEAD', 'GET', 'HEAD', 'GET']) {
      const res = await fetch(link, { method, redirect: 'manual' });
      assert.equal(res.status, 200, method);
      assert.equal(res.headers.get('location'), null);
    }
    const post = () => fetch(link, { method: 'POST', headers: { 'content-type': 'application/json', origin: b.url }, body: JSON.stringify({ binding: BINDING }) });
    const first = await post();
    assert.equal(first.status, 200);
    assert.equal(new URL(((await first.json()) as { redirect_url: string }).redirect_url).origin, 'https://idp.example');
    assert.equal((await post()).status, 401, 'used once');
    assert.equal((await fetch(link, { method: 'HEAD' })).status, 404);
  });

  test('S40 repeated GET and HEAD of /start/<t> write nothing; repeated Continue keeps one live attempt', async () => {
    const approved = await approvedRequest('s40-repeat');
    b.core.policy.update({ mode: 'ask' }, TEST_ACTOR);
    const undecided = await b.api('/v2/auth/authenticate', { body: { provider: 'far-idp', scopes: ['read'], user_id: 's40-undecided' } });
    b.core.policy.update({ mode: 'auto-owner' }, TEST_ACTOR);
    const before = await rowCounts();
    const statuses = new Set<number>();
    for (let i = 0; i < 100; i++) {
      for (const target of [approved.url, undecided.body.url as string, `${approved.url}?r=${i}`]) {
        const res = await fetch(target, { method: i % 3 === 0 ? 'HEAD' : 'GET', headers: { 'sec-fetch-site': i % 2 ? 'cross-site' : 'none' }, redirect: 'manual' });
        statuses.add(res.status);
        await res.arrayBuffer();
      }
    }
    assert.deepEqual(await rowCounts(), before, '300 page views changed no table');
    assert.deepEqual([...statuses], [200]);

    const browser = new HttpBrowser();
    const states = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const click = await browser.continueFlow(approved.url);
      assert.equal(click.res.status, 200);
      states.add(new URL(click.body.redirect_url).searchParams.get('state') ?? '');
    }
    assert.equal(states.size, 30, 'each attempt has its own state');
    const db = new Database(join(b.home, 'latchkey.db'), { readonly: true });
    try {
      const live = db.prepare('SELECT count(*) AS n FROM oauth_flows WHERE auth_id = ? AND used_at IS NULL').get(approved.authId) as { n: number };
      assert.equal(live.n, 1, 'a new attempt replaces the unused one before it');
    } finally {
      db.close();
    }
  });
});
