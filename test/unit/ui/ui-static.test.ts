/**
 * The router that serves the window: the page (which holds no secret) to anyone, a CSP without
 * inline code, long caching for hashed assets, and a clear page when the UI is not built.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { UI_CSP, defaultDistDir, uiStatic } from '../../../main/http/ui-static.ts';

async function serve(distDir: string): Promise<{ url: string; server: Server }> {
  const app = express();
  app.use(uiStatic({ distDir }));
  app.use((_req, res) => { res.status(404).send('not found'); });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('ui-static', () => {
  let dist: string;
  let url: string;
  let server: Server;
  const INDEX = '<!doctype html><html><head><script type="module" src="/assets/ui/app-abc123.js"></script></head><body><div id="root"></div></body></html>';

  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'latchkey-ui-'));
    mkdirSync(join(dist, 'assets', 'ui'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'ui', 'app-abc123.js'), 'console.log(1)');
    ({ url, server } = await serve(dist));
  });
  after(() => {
    server.close();
    rmSync(dist, { recursive: true, force: true });
  });

  test('/ is the window page under a strict CSP and never cached (no session cookie decides it, S33)', async () => {
    const res = await fetch(`${url}/`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), INDEX);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.equal(csp, UI_CSP);
    assert.match(csp, /script-src 'self';/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  });

  test('hashed assets are cached for a year; unknown or escaping paths are not served', async () => {
    const js = await fetch(`${url}/assets/ui/app-abc123.js`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /max-age=31536000.*immutable/);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.equal((await fetch(`${url}/assets/ui/nope.js`)).status, 404);
    const escape = await fetch(`${url}/assets/ui/..%2findex.html`);
    assert.notEqual(await escape.text(), INDEX);
  });

  test('an unbuilt UI gets a page saying how to build it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'latchkey-ui-empty-'));
    const s = await serve(empty);
    try {
      const res = await fetch(`${s.url}/`);
      assert.equal(res.status, 503);
      assert.match(await res.text(), /npm run build:ui/);
    } finally {
      s.server.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('the real build (npm run build:ui) has no inline script or style the CSP would block', () => {
    const built = readFileSync(join(defaultDistDir(), 'index.html'), 'utf8');
    const scripts = [...built.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length > 0, 'the page loads its bundle');
    for (const [, attrs, body] of scripts) {
      assert.match(attrs ?? '', /src="\/assets\/ui\/[\w.-]+\.js"/);
      assert.equal(body?.trim(), '');
    }
    assert.doesNotMatch(built, /<style\b|\sstyle=|\son\w+=/i);
  });
});
