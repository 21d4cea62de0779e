/**
 * The `latchkey` CLI as a user runs it: a real child process serving on a real port,
 * then `env`, `approvals` and `ui` against it, port conflicts (S07) and SIGTERM (S30).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readRuntime } from '../../main/runtime-file.ts';
import { HttpBrowser, consentAtOidc } from '../helpers/http-browser.ts';
import { startOidcServer, type OidcServer } from '../helpers/oidc-server.ts';
import { tempHome } from '../helpers/test-broker.ts';

const CLI = join(process.cwd(), 'main', 'cli', 'latchkey.ts');
const env = { ...process.env, LATCHKEY_NO_OPEN: '1', DISPLAY: '', WAYLAND_DISPLAY: '' };

function latchkey(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { env, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Start `latchkey serve` and resolve once it prints its banner. */
async function serve(args: string[]): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => { output += String(d); });
  child.stderr!.on('data', (d) => { output += String(d); });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => {
      if (output.includes('Press Ctrl-C to stop.')) { clearInterval(t); resolve(); }
      if (child.exitCode !== null) { clearInterval(t); reject(new Error(`serve exited: ${output}`)); }
    }, 20);
  });
  return { child, output: () => output, exited };
}

describe('latchkey CLI', () => {
  const home = tempHome();
  let server: Awaited<ReturnType<typeof serve>>;
  let idp: OidcServer;
  let url = '';
  let key = '';

  before(async () => {
    const t0 = performance.now();
    server = await serve(['--port', '0', '--home', home]);
    url = readRuntime(home)!.url;
    const res = await fetch(`${url}/v2/auth/providers`, { headers: { 'x-api-key': /LANGSMITH_API_KEY=(\S+)/.exec(server.output())![1]! } });
    assert.equal(res.status, 200);
    console.log(`latchkey serve: spawn to first 200 on /v2/auth/providers in ${Math.round(performance.now() - t0)} ms`);
    idp = await startOidcServer({ redirectUris: [`${url}/host-oauth-callback/test-idp`] });
  });

  after(async () => {
    server.child.kill('SIGKILL');
    await idp.close();
    rmSync(home, { recursive: true, force: true });
  });

  test('serve prints the URL, keychain state, a one-time sign-in link and the env block', () => {
    const out = server.output();
    assert.match(out, /Latchkey is running/);
    assert.match(out, new RegExp(`Broker: +${url.replace(/\./g, '\\.')}`));
    assert.match(out, /Keychain: +Secret Service \(D-Bus\) — secrets are sealed/);
    assert.match(out, new RegExp(`${url.replace(/\./g, '\\.')}/#login=[A-Za-z0-9_-]{43}`));
    assert.match(out, new RegExp(`export LANGSMITH_API_URL=${url.replace(/\./g, '\\.')}`));
    assert.match(out, /export LANGSMITH_API_KEY=lk_[A-Za-z0-9_-]{43}/);
  });

  test('env prints the same two export lines, read back from the keychain', () => {
    const r = latchkey(['env', '--home', home]);
    assert.equal(r.code, 0, r.err);
    key = /LANGSMITH_API_KEY=(\S+)/.exec(r.out)![1]!;
    assert.equal(r.out, `export LANGSMITH_API_URL=${url}\nexport LANGSMITH_API_KEY=${key}\n`);
    assert.ok(server.output().includes(key));
  });

  test('approvals list / approve prints a single-use consent link on the last line; deny answers denied', async () => {
    const h = { 'x-api-key': key, 'content-type': 'application/json' };
    await fetch(`${url}/v2/auth/providers`, { method: 'POST', headers: h, body: JSON.stringify({ provider_id: 'test-idp', name: 'Test IdP', client_id: 'latchkey-test', client_secret: 'test-client-secret-value', auth_url: `${idp.issuer}/auth`, token_url: `${idp.issuer}/token` }) });
    const auth = (await (await fetch(`${url}/v2/auth/authenticate`, { method: 'POST', headers: h, body: JSON.stringify({ provider: 'test-idp', scopes: ['openid'], user_id: 'cli' }) })).json()) as { auth_id: string; url: string };
    const list = latchkey(['approvals', 'list', '--home', home]);
    assert.equal(list.code, 0, list.err);
    assert.match(list.out, new RegExp(`${auth.auth_id} +test-idp +key=owner`));
    assert.match(list.out, /needs approval \(provider sign-in needed\)/);

    const waiting = fetch(`${url}/v2/auth/wait/${auth.auth_id}?timeout=30`, { headers: h }).then((r) => r.json() as Promise<{ status: string; token: string }>);
    const approve = latchkey(['approvals', 'approve', auth.auth_id, '--for', '8h', '--home', home]);
    assert.equal(approve.code, 0, approve.err);
    const lines = approve.out.trim().split('\n');
    const consentUrl = lines[lines.length - 1]!;
    assert.match(consentUrl, new RegExp(`^${url.replace(/\./g, '\\.')}/consent/[A-Za-z0-9_-]{43}$`));
    // The agent's own url is still useless without an owner session…
    const stranger = new HttpBrowser();
    assert.match((await stranger.go(auth.url)).text, /Approved: sign in to Test IdP/);
    assert.equal((await stranger.continueFlow(auth.url)).res.status, 401, 'continuing needs the owner');
    // …while the consent link, once, leads to the provider.
    const browser = new HttpBrowser();
    const done = await consentAtOidc(browser, await browser.go(consentUrl), { login: 'cli' });
    assert.match(done.text, /Connected to Test IdP/);
    assert.equal((await waiting).status, 'completed');
    assert.equal((await new HttpBrowser().request(consentUrl)).status, 404, 'consent links are single use');

    const other = (await (await fetch(`${url}/v2/auth/authenticate`, { method: 'POST', headers: h, body: JSON.stringify({ provider: 'test-idp', scopes: ['openid'], user_id: 'denied-user' }) })).json()) as { auth_id: string };
    assert.equal(latchkey(['approvals', 'deny', other.auth_id, '--home', home]).code, 0);
    const denied = (await (await fetch(`${url}/v2/auth/wait/${other.auth_id}?timeout=1`, { headers: h })).json()) as { status: string };
    assert.equal(denied.status, 'denied');
  });

  test('ui prints a fresh one-time sign-in link; S33 ui --logout-all signs every session out', async () => {
    const r = latchkey(['ui', '--home', home]);
    assert.equal(r.code, 0, r.err);
    const link = r.out.trim().split('\n').pop()!;
    assert.match(link, /\/#login=[A-Za-z0-9_-]{43}$/);
    const browser = new HttpBrowser();
    await browser.signIn(link);
    const asOwner = () => fetch(`${url}/ui/api/session`, { headers: { 'x-latchkey-session': browser.sessionToken(url) ?? '' } });
    assert.equal((await asOwner()).status, 200);
    const out = latchkey(['ui', '--logout-all', '--home', home]);
    assert.equal(out.code, 0, out.err);
    assert.match(out.out, /Signed out 1 session\./);
    assert.equal((await asOwner()).status, 401, 'the browser is signed out');
    assert.match(latchkey(['ui', '--logout-all', '--home', home]).out, /No browser or window was signed in/);
  });

  test('keys, grants, activity, providers and connections commands talk to the running broker as the owner', async () => {
    const created = latchkey(['keys', 'create', '--label', 'triage-bot', '--home', home]);
    assert.equal(created.code, 0, created.err);
    const agentKey = created.out.trim().split('\n').pop()!;
    assert.match(agentKey, /^lk_[A-Za-z0-9_-]{43}$/);
    assert.equal((await fetch(`${url}/v2/auth/providers`, { headers: { 'x-api-key': agentKey } })).status, 200);
    assert.match(latchkey(['keys', 'list', '--home', home]).out, /triage-bot +agent/);
    assert.match(latchkey(['grants', 'list', '--home', home]).out, /test-idp +owner/);
    const activity = latchkey(['activity', '--since', '1h', '--home', home]);
    assert.equal(activity.code, 0, activity.err);
    assert.match(activity.out, /request\.approved .*via cli/);
    assert.match(activity.out, /key\.created +key=triage-bot/);
    const json = latchkey(['activity', '--json', '--home', home]).out.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    assert.ok(json.some((e) => e.type === 'token.released'));
    assert.match(latchkey(['connections', 'list', '--home', home]).out, /test-idp +owner .* ok /);
    assert.match(latchkey(['providers', 'list', '--home', home]).out, /test-idp +Test IdP/);
    const templates = JSON.parse(latchkey(['providers', 'templates', '--json']).out) as Array<{ id: string; name: string }>;
    assert.ok(templates.length >= 20 && templates.every((t) => t.id && t.name));
    const added = latchkey(['providers', 'add', '--template', 'microsoft', '--var', 'tenant=organizations', '--client-id', 'abc', '--client-secret', 'shh', '--home', home]);
    assert.equal(added.code, 0, added.err);
    assert.match(added.out, new RegExp(`${url.replace(/\./g, '\\.')}/host-oauth-callback/microsoft`));
    assert.equal(latchkey(['providers', 'remove', 'microsoft', '--home', home]).code, 0);
    const missing = latchkey(['providers', 'export', '--home', home]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /--to <Agent Auth base URL> and --api-key/);
  });

  test('S07 a taken port is an error naming the port and how to choose another; exit code ≠ 0, no fallback', () => {
    const port = readRuntime(home)!.port;
    const r = latchkey(['serve', '--port', String(port), '--home', tempHome()]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use`));
    assert.match(r.err, /--port N or LATCHKEY_PORT=N/);
  });

  test('bad input to the CLI: clear words and exit code 2', () => {
    assert.equal(latchkey(['frobnicate']).code, 2);
    const bad = latchkey(['serve', '--port', 'abc', '--home', home]);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /port/);
    const notRunning = latchkey(['approvals', 'list', '--home', tempHome()]);
    assert.equal(notRunning.code, 1);
    assert.match(notRunning.err, /not running/);
  });

  test('S30 SIGTERM answers open waits, removes runtime.json, closes the port and exits 0', async () => {
    const h = { 'x-api-key': key, 'content-type': 'application/json' };
    // The spawnSync calls above block this process for seconds: a pooled keep-alive socket may
    // have been closed by the broker meanwhile ("other side closed"). One retry gets a fresh one.
    const probe = () => fetch(`${url}/v2/auth/providers`, { headers: h }).then((r) => r.status, (e: Error) => `${e.message} ${String(e.cause)}`);
    let alive = await probe();
    if (alive !== 200) alive = await probe();
    assert.equal(alive, 200, `serve (exit ${server.child.exitCode}) output: ${server.output().slice(-3000)}`);
    const auth = (await (await fetch(`${url}/v2/auth/authenticate`, { method: 'POST', headers: h, body: JSON.stringify({ provider: 'test-idp', scopes: ['openid'], user_id: 'sigterm' }) })).json()) as { auth_id: string };
    const open = fetch(`${url}/v2/auth/wait/${auth.auth_id}?timeout=60`, { headers: h }).then((r) => r.json() as Promise<{ status: string }>);
    // Give the wait time to connect; once accepted it is answered even if SIGTERM lands first.
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGTERM');
    assert.equal((await open).status, 'timeout');
    assert.equal(await server.exited, 0);
    assert.equal(readRuntime(home), undefined);
    await assert.rejects(fetch(`${url}/v2/auth/providers`));
  });
});
