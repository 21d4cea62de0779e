/**
 * An agent-only broker never loads Express (issue 17: a third of the start-up time and ~10 MB
 * of an idle broker): the whole Agent Auth table is dispatched on node:http, and compose.ts
 * loads the window, flow pages and owner API on the first other request. Express is CommonJS,
 * so whether it was loaded shows in this process's require cache.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { providerBody, startTestBroker, type TestBroker } from '../helpers/test-broker.ts';

const require = createRequire(import.meta.url);
const expressLoaded = (): boolean => require.resolve('express') in require.cache;

describe('the owner API is loaded on demand', () => {
  let b: TestBroker;
  before(async () => {
    b = await startTestBroker();
  });
  after(() => b.cleanup());

  test('agents get answers without Express; the first other request loads it and is answered', async () => {
    assert.equal(expressLoaded(), false, 'starting the broker does not load Express');
    assert.equal((await b.api('/v2/auth/providers', { body: providerBody('http://127.0.0.1:9') })).status, 200);
    assert.equal((await b.api('/v2/auth/providers')).status, 200);
    const pending = await b.api('/v2/auth/authenticate', { body: { provider: 'test-idp', scopes: ['read'] } });
    assert.equal(pending.body.status, 'pending');
    assert.equal((await b.api(`/v2/auth/wait/${pending.body.auth_id}?timeout=0`)).status, 200);
    assert.equal(expressLoaded(), false, 'Agent Auth calls do not load Express');

    // Two at once while it loads: both are answered by the one app.
    const [page, session] = await Promise.all([fetch(`${b.url}/`), fetch(`${b.url}/ui/api/session`)]);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    assert.equal(session.status, 401, 'the owner API answers (no session here)');
    assert.equal(expressLoaded(), true);
  });
});
