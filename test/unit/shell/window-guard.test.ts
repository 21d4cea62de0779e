import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { guardWindowContents, windowPermissionAllowed } from '../../../main/shell/window-guard.ts';
import { FakeContents, preventable } from './fake-surface.ts';
import { primary, startHarness } from './harness.ts';

describe('window guard (S32)', () => {
  function guarded() {
    const contents = new FakeContents(1);
    const external: string[] = [];
    guardWindowContents(contents, { brokerOrigin: () => 'http://127.0.0.1:24817', openExternal: (u) => external.push(u) });
    return { contents, external };
  }

  it('cancels every navigation and hands the URL to the allow-listed opener', () => {
    const { contents, external } = guarded();
    assert.equal(contents.navigate('https://evil.example/'), true);
    assert.equal(contents.navigate('http://127.0.0.1:24817/start/abc'), true);
    assert.deepEqual(external, ['https://evil.example/', 'http://127.0.0.1:24817/start/abc']);
  });

  it('lets redirects stay within the broker origin only', () => {
    const { contents } = guarded();
    assert.equal(contents.redirect('http://127.0.0.1:24817/'), false);
    assert.equal(contents.redirect('https://evil.example/'), true);
    assert.equal(contents.redirect('http://localhost:24817/'), true);
    assert.equal(contents.redirect('not a url'), true);
  });

  it('refuses <webview> and every permission but clipboard writes', () => {
    const { contents } = guarded();
    const e = preventable();
    contents.willAttachWebview?.(e);
    assert.equal(e.prevented, true);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'hid', 'unknown']) {
      assert.equal(contents.permission?.(p), false, p);
    }
    assert.equal(windowPermissionAllowed('clipboard-sanitized-write'), true);
  });

  it('in the running shell: window.open and links open only allow-listed URLs, in the system browser', async () => {
    const h = startHarness();
    await h.ready();
    primary(h).openWindow();
    const contents = h.surface.windows[0]?.contents;
    assert.ok(contents?.windowOpen && contents.willNavigate);
    contents.windowOpen('https://evil.example/phish');
    contents.windowOpen('http://127.0.0.1:24817/#login=abc');
    contents.windowOpen('https://github.com/settings/developers');
    assert.equal(contents.navigate('http://127.0.0.1:24817/start/tok'), true);
    assert.equal(contents.navigate('file:///etc/passwd'), true);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(h.surface.opened, ['https://github.com/settings/developers', 'http://127.0.0.1:24817/start/tok']);
    assert.equal(h.surface.windows.length, 1, 'no child window was created');
    assert.equal(h.logs.filter((l) => l.event === 'shell.external_url_refused').length, 3);
    assert.ok(h.logs.every((l) => !JSON.stringify(l.fields ?? {}).includes('login=abc')), 'refused URLs are not logged');
  });
});
