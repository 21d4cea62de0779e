import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UntrustedSender, isTrustedSender } from '../../../main/shell/bridge-handlers.ts';
import { primary, startHarness } from './harness.ts';

async function openShell() {
  const h = startHarness();
  await h.ready();
  primary(h).openWindow();
  const win = h.surface.windows[0];
  assert.ok(win);
  return { h, trusted: { contentsId: win.contents.id, frameUrl: 'http://127.0.0.1:24817/' } };
}

describe('preload bridge, main side', () => {
  it('answers app-info to the Latchkey window', async () => {
    const { h, trusted } = await openShell();
    assert.deepEqual(await h.surface.invoke('latchkey:app-info', trusted, null), { version: '9.9.9-test', platform: 'linux' });
  });

  it('refuses messages from any other WebContents, frame origin or a missing frame', async () => {
    const { h, trusted } = await openShell();
    const senders = [
      { ...trusted, contentsId: trusted.contentsId + 1 },
      { ...trusted, frameUrl: 'https://evil.example/' },
      { ...trusted, frameUrl: 'http://localhost:24817/' },
      { ...trusted, frameUrl: null },
      { ...trusted, frameUrl: 'not a url' },
    ];
    for (const s of senders) {
      await assert.rejects(h.surface.invoke('latchkey:app-info', s, null), UntrustedSender, JSON.stringify(s));
      await assert.rejects(h.surface.invoke('latchkey:open-external', s, 'https://github.com/'), UntrustedSender);
    }
    assert.deepEqual(h.surface.opened, []);
  });

  it('refuses everyone once the window is closed', async () => {
    const { h, trusted } = await openShell();
    h.surface.windows[0]?.close();
    await assert.rejects(h.surface.invoke('latchkey:app-info', trusted, null), UntrustedSender);
  });

  it('parses payloads from unknown', async () => {
    const { h, trusted } = await openShell();
    await assert.rejects(h.surface.invoke('latchkey:app-info', trusted, { evil: true }), TypeError);
    for (const bad of [42, null, { url: 'https://github.com/' }, ['https://github.com/']]) {
      assert.deepEqual(await h.surface.invoke('latchkey:open-external', trusted, bad), { opened: false, reason: 'not a URL' });
    }
    assert.deepEqual(h.surface.opened, []);
  });

  it('open-external goes through the allow-list', async () => {
    const { h, trusted } = await openShell();
    assert.deepEqual(await h.surface.invoke('latchkey:open-external', trusted, 'https://github.com/login/oauth/authorize'), { opened: true });
    const refused = await h.surface.invoke('latchkey:open-external', trusted, 'file:///etc/passwd');
    assert.deepEqual(refused, { opened: false, reason: 'file: is not a configured provider' });
    assert.deepEqual(h.surface.opened, ['https://github.com/login/oauth/authorize']);
  });

  it('isTrustedSender needs both a window and a broker', () => {
    const s = { contentsId: 1, frameUrl: 'http://127.0.0.1:1/' };
    assert.equal(isTrustedSender(s, { trustedContentsId: () => 1, brokerOrigin: () => 'http://127.0.0.1:1' }), true);
    assert.equal(isTrustedSender(s, { trustedContentsId: () => null, brokerOrigin: () => 'http://127.0.0.1:1' }), false);
    assert.equal(isTrustedSender(s, { trustedContentsId: () => 1, brokerOrigin: () => null }), false);
  });
});
