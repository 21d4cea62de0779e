/**
 * S33: the owner session cannot be borrowed by another port on 127.0.0.1. Real Chromium
 * signs the owner in, opens a pending request's /start page, and then visits a page served
 * by a "neighbour" on another loopback port (an agent's dev server). That page loads an
 * image, a script and a fetch from its own server, and the browser is also navigated there
 * directly. The neighbour records everything it receives (request lines, every header,
 * cookies). Then a process with full control of its headers replays every captured value
 * in every owner-credential slot: none of it reads /ui/api/session, approves the pending
 * request (owner API or /start decision), opens the event stream or mints a key.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { Client } from '../../main/client/client.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { TEST_ACTOR } from '../helpers/owner.ts';
import { startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

interface Captured { method: string; url: string; headers: Record<string, string> }

/** The neighbour: serves a page that pulls an image, a script and a fetch from itself; logs all it receives. */
async function startNeighbour(): Promise<{ server: Server; origin: string; captured: Captured[] }> {
  const captured: Captured[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers[(req.rawHeaders[i] ?? '').toLowerCase()] = req.rawHeaders[i + 1] ?? '';
    captured.push({ method: req.method ?? '', url: req.url ?? '', headers });
    if (req.url === '/s.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end('fetch("/f", { credentials: "include" }).then(() => { document.title = "fetched"; });');
    if (req.url?.startsWith('/pixel')) return void res.writeHead(200, { 'content-type': 'image/gif' }).end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
    if (req.url === '/f') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>dev server</title><h1>My dev server</h1><img src="/pixel.gif" alt=""><script src="/s.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, captured };
}

/** Every value a server could try as a credential: whole header values, cookie values, and token-like pieces of URLs and headers. */
function candidateSecrets(captured: Captured[]): { cookieHeaders: string[]; tokens: string[] } {
  const cookieHeaders = new Set<string>();
  const tokens = new Set<string>();
  for (const c of captured) {
    if (c.headers.cookie) cookieHeaders.add(c.headers.cookie);
    for (const text of [c.url, ...Object.values(c.headers)]) {
      tokens.add(text);
      for (const piece of text.split(/[^A-Za-z0-9_\-.~]+/)) if (piece.length >= 16) tokens.add(piece);
      for (const kv of text.split(/[;&?#/]/)) {
        const v = kv.slice(kv.indexOf('=') + 1).trim();
        if (v.length >= 16) tokens.add(v);
      }
    }
  }
  return { cookieHeaders: [...cookieHeaders], tokens: [...tokens] };
}

describe('S33 the owner session cannot be borrowed by another port on 127.0.0.1', () => {
  let b: TestBroker;
  let chromium: Browser;
  let context: BrowserContext;
  let owner: Page;
  let neighbour: Awaited<ReturnType<typeof startNeighbour>>;

  before(async () => {
    b = await startTestBroker();
    await new Client({ apiUrl: b.url, apiKey: b.key }).createOAuthProvider({
      providerId: 'neighbourly', name: 'Neighbourly', clientId: 'c', clientSecret: 'client-secret-value', authUrl: 'https://idp.example/auth', tokenUrl: 'https://idp.example/token',
    });
    neighbour = await startNeighbour();
    chromium = await launchChromium();
    context = await chromium.newContext();
    owner = await context.newPage();
  });

  after(async () => {
    await context?.close();
    await chromium?.close();
    neighbour?.server.close();
    await b?.cleanup();
  });

  test('S33 nothing a neighbour port receives approves, reads /ui/api/session, opens events or mints a key', async () => {
    const agent = new Client({ apiUrl: b.url, apiKey: b.key });
    const auth = await agent.authenticate({ provider: 'neighbourly', scopes: ['read'], userId: 'alice', agentId: 'bot' });
    assert.equal(auth.status, 'pending');
    const authId = auth.authId ?? '';

    // The owner signs in and looks at the request's page: the browser now holds whatever the design gives it.
    await owner.goto(b.loginUrl());
    await owner.getByRole('navigation', { name: 'Latchkey' }).waitFor();
    await owner.goto(auth.authUrl ?? '');
    await owner.getByRole('heading', { name: /asks for Neighbourly access/ }).waitFor();
    await owner.getByRole('button', { name: /^Approve/ }).waitFor();

    // The neighbour's page, opened in another tab of the same browser, pulls resources from its server…
    const tab = await context.newPage();
    await tab.goto(`${neighbour.origin}/`);
    await tab.waitForFunction(() => document.title === 'fetched');
    // …and the browser is navigated there again from the Latchkey tab itself.
    await owner.goto(`${neighbour.origin}/from-latchkey`);
    await owner.getByRole('heading', { name: 'My dev server' }).waitFor();
    const seen = neighbour.captured.map((c) => c.url);
    for (const path of ['/', '/pixel.gif', '/s.js', '/f', '/from-latchkey']) assert.ok(seen.includes(path), `the neighbour received ${path} (${seen.join(', ')})`);

    const { cookieHeaders, tokens } = candidateSecrets(neighbour.captured);
    const keysBefore = b.core.keys.list().length;
    const origin = b.url;
    const slots = (t: string): Record<string, string>[] => [
      { authorization: `Bearer ${t}` }, { 'x-latchkey-session': t }, { 'x-latchkey-control': t }, { 'x-csrf-token': t }, { cookie: `lk_session=${t}` }, { 'x-api-key': t },
    ];
    const attempts: Record<string, string>[] = [{}];
    for (const cookie of cookieHeaders) attempts.push({ cookie });
    for (const t of tokens) for (const s of slots(t)) { attempts.push(s); for (const cookie of cookieHeaders) attempts.push({ cookie, ...s }); }

    const failures: string[] = [];
    const send = async (method: string, path: string, headers: Record<string, string>, body?: string, type = 'application/json') => {
      const res = await fetch(`${b.url}${path}`, {
        method, redirect: 'manual',
        headers: { ...headers, ...(body === undefined ? {} : { 'content-type': type, origin, 'sec-fetch-site': 'same-origin' }) },
        ...(body === undefined ? {} : { body }),
      });
      return { status: res.status, text: await res.text() };
    };
    for (const headers of attempts) {
      const label = JSON.stringify(headers).slice(0, 160);
      const session = await send('GET', '/ui/api/session', headers);
      let csrf = '';
      if (session.status === 200) {
        failures.push(`read /ui/api/session with ${label}`);
        csrf = (JSON.parse(session.text) as { csrf_token?: string }).csrf_token ?? '';
      }
      const withCsrf = csrf ? { ...headers, 'x-csrf-token': csrf } : headers;
      const events = await fetch(`${b.url}/ui/api/events`, { headers });
      if (events.status === 200) failures.push(`opened /ui/api/events with ${label}`);
      await events.body?.cancel();
      const minted = await send('POST', '/ui/api/keys', withCsrf, JSON.stringify({ label: 'stolen', role: 'owner' }));
      if (minted.status < 300) failures.push(`minted a key with ${label}`);
      const approved = await send('POST', `/ui/api/requests/${authId}/approve`, withCsrf, JSON.stringify({ duration: '1h' }));
      if (approved.status < 300) failures.push(`approved via the owner API with ${label}`);
      const startPage = await send('GET', new URL(auth.authUrl ?? '').pathname, headers);
      const formCsrf = /name="_csrf" value="([^"]+)"/.exec(startPage.text)?.[1] ?? csrf;
      const decided = await send('POST', `${new URL(auth.authUrl ?? '').pathname}/decision`, { ...withCsrf, ...(formCsrf ? { 'x-csrf-token': formCsrf } : {}) },
        new URLSearchParams({ _csrf: formCsrf, decision: 'approve', duration: '1h' }).toString(), 'application/x-www-form-urlencoded');
      if (decided.status < 400) failures.push(`approved via /start with ${label}`);
      if (b.core.requests.get(authId)?.approved) break;
    }
    assert.deepEqual(failures, [], 'a neighbour port acted as the owner');
    assert.equal(b.core.requests.get(authId)?.approved, false, 'the request is still waiting for the owner');
    assert.equal(b.core.requests.get(authId)?.status, 'pending');
    assert.equal(b.core.keys.list().length, keysBefore, 'no key was minted');

    // The owner's own page still decides: one click on Approve in the Latchkey tab.
    await owner.goto(auth.authUrl ?? '');
    await owner.getByRole('button', { name: /^Approve/ }).click();
    await owner.waitForURL((u) => u.origin !== b.url, { waitUntil: 'commit' }).catch(() => undefined);
    assert.equal(b.core.requests.get(authId)?.approved, true, 'the owner approved from the Latchkey page');
  });

  test('S40 in Chromium: an approved request\'s /start page waits for the click, then the page itself goes to the provider', async () => {
    b.core.policy.update({ mode: 'auto-owner' }, TEST_ACTOR);
    const auth = await new Client({ apiUrl: b.url, apiKey: b.key }).authenticate({ provider: 'neighbourly', scopes: ['write'], userId: 'carol', agentId: 'bot' });
    b.core.policy.update({ mode: 'ask' }, TEST_ACTOR);
    const tab = await context.newPage();
    const providerHits: string[] = [];
    await tab.route('https://idp.example/**', (route) => { providerHits.push(route.request().url()); return route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>Provider</h1>' }); });
    await tab.goto(auth.authUrl ?? '');
    await tab.getByRole('heading', { name: 'Approved: sign in to Neighbourly' }).waitFor();
    await tab.waitForTimeout(500);
    assert.deepEqual(providerHits, [], 'opening the page did not move on');
    await tab.getByRole('button', { name: 'Continue to Neighbourly' }).click();
    await tab.getByRole('heading', { name: 'Provider' }).waitFor();
    assert.equal(providerHits.length, 1);
    const q = new URL(providerHits[0] ?? '').searchParams;
    assert.equal(q.get('redirect_uri'), `${b.url}/host-oauth-callback/neighbourly`);
    assert.equal(q.get('code_challenge_method'), 'S256');
    await tab.close();
  });
});
