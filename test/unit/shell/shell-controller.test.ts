import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PENDING_REFRESH_MS } from '../../../main/shell/shell-controller.ts';
import { FakeBroker } from './fake-broker.ts';
import type { FakeWindow } from './fake-surface.ts';
import { FakePortInUse, primary, settle, startHarness } from './harness.ts';
import { ownerVia } from '../../helpers/owner.ts';

describe('shell controller: broker state in the tray', () => {
  it('S07 port taken: the tray tooltip, menu, a notification and the terminal name the port', async () => {
    const h = startHarness({ startBroker: () => Promise.reject(new FakePortInUse(24817)) });
    await h.ready();
    const c = primary(h);
    assert.equal(c.state.kind, 'port-taken');
    assert.match(h.surface.tray.tooltip, /Port 24817 is taken/);
    assert.match(h.surface.tray.tooltip, /LATCHKEY_PORT/);
    assert.equal(h.surface.tray.labels()[0], 'Latchkey — Port 24817 is taken — not started');
    assert.equal(h.surface.tray.image, 'tray-light-alert.png');
    const n = h.surface.notifications.at(-1);
    assert.equal(n?.spec.title, 'Port 24817 is taken');
    assert.match(n?.spec.body ?? '', /--port N or LATCHKEY_PORT=N/);
    assert.match(h.reports.join('\n'), /Port 24817 on 127\.0\.0\.1 is already in use/);
    // Opening the window is impossible; a second launch says why instead of failing silently.
    h.surface.app.launchSecondInstance();
    assert.equal(h.surface.windows.length, 0);
    assert.match(h.surface.notifications.at(-1)?.spec.body ?? '', /Port 24817 is taken/);
  });

  it('port taken, then freed: Retry starts the broker', async () => {
    const h = startHarness({ startBroker: (n) => (n === 1 ? Promise.reject(new FakePortInUse(24817)) : Promise.resolve(new FakeBroker())) });
    await h.ready();
    h.surface.tray.click('Retry on port 24817');
    await settle();
    assert.equal(h.createBrokerCalls, 2);
    assert.equal(primary(h).state.kind, 'running');
    assert.equal(h.surface.tray.tooltip, 'Latchkey — Running on port 24817');
  });

  it('any other start failure is shown, not swallowed', async () => {
    const h = startHarness({ startBroker: () => Promise.reject(new Error('database is locked')) });
    await h.ready();
    assert.deepEqual(primary(h).state, { kind: 'failed', port: 24817, message: 'database is locked' });
    assert.match(h.surface.tray.tooltip, /Not running: database is locked/);
    assert.match(h.reports.join('\n'), /database is locked/);
  });

  it('a broker without a usable keychain: tooltip and one notification say so', async () => {
    const h = startHarness({ startBroker: () => Promise.resolve(new FakeBroker({ keychain: { ok: false, backend: 'none', reason: 'no Secret Service on the session bus' } })) });
    await h.ready();
    assert.match(h.surface.tray.tooltip, /keychain unavailable/);
    assert.equal(h.surface.notifications.length, 1);
    assert.match(h.surface.notifications[0]?.spec.body ?? '', /no Secret Service/);
  });

  it('follows the theme on Windows and Linux', async () => {
    const h = startHarness();
    await h.ready();
    assert.equal(h.surface.tray.image, 'tray-light.png');
    h.surface.setDark(true);
    assert.equal(h.surface.tray.image, 'tray-dark.png');
  });
});

describe('shell controller: pending requests', () => {
  it('a new request updates badge, title, icon and menu, and notifies after the coalescing window', async () => {
    const h = startHarness({ platform: 'darwin', notificationWindowMs: 1000 });
    await h.ready();
    const broker = h.brokers[0]!;
    broker.addRequest({ authId: 'a1' });
    assert.equal(h.surface.tray.title, '1');
    assert.equal(h.surface.tray.image, 'trayAlertTemplate.png');
    assert.equal(h.surface.app.badge, 1);
    assert.match(h.surface.tray.tooltip, /1 waiting for approval/);
    assert.ok(h.surface.tray.labels().includes('triage-bot → github (repo)'));
    assert.equal(h.surface.notifications.length, 0);
    h.timers.advance(1000);
    assert.equal(h.surface.notifications.length, 1);
    assert.equal(h.surface.notifications[0]?.spec.body, 'triage-bot wants github (repo)');
  });

  it('a burst of requests becomes one summary notification', async () => {
    const h = startHarness({ notificationWindowMs: 1000 });
    await h.ready();
    for (let i = 0; i < 6; i++) h.brokers[0]!.addRequest({ authId: `a${i}`, agentId: `bot-${i}` });
    h.timers.advance(1000);
    assert.equal(h.surface.notifications.length, 1);
    assert.equal(h.surface.notifications[0]?.spec.title, '6 requests are waiting for you');
  });

  it('a request decided elsewhere before the window ends is not announced', async () => {
    const h = startHarness({ notificationWindowMs: 1000 });
    await h.ready();
    h.brokers[0]!.addRequest({ authId: 'a1' });
    void h.brokers[0]!.core.deny(ownerVia('browser'), 'a1');
    h.timers.advance(1000);
    assert.equal(h.surface.notifications.length, 0);
    assert.equal(h.surface.tray.title, '');
    assert.equal(h.surface.app.badge, 0);
  });

  it('approve from the menu (no consent needed): decided via tray, nothing opened', async () => {
    const h = startHarness();
    await h.ready();
    const broker = h.brokers[0]!;
    broker.addRequest({ authId: 'a1', needsConsent: false });
    h.surface.tray.click('triage-bot → github (repo)', 'Approve', 'For 8 hours');
    await settle();
    assert.deepEqual(broker.decisions, [{ authId: 'a1', decision: 'approve', duration: '8h', via: 'tray' }]);
    assert.deepEqual(h.surface.opened, []);
    assert.equal(h.surface.app.badge, 0);
    assert.ok(!h.surface.tray.labels().includes('triage-bot → github (repo)'));
  });

  it('approve when consent is needed opens the consent link in the system browser', async () => {
    const h = startHarness();
    await h.ready();
    const broker = h.brokers[0]!;
    broker.addRequest({ authId: 'a1', needsConsent: true });
    h.surface.tray.click('triage-bot → github (repo)', 'Approve', 'Once');
    await settle();
    assert.deepEqual(broker.decisions, [{ authId: 'a1', decision: 'approve', duration: 'once', via: 'tray' }]);
    assert.deepEqual(broker.consentTickets, ['a1']);
    assert.deepEqual(h.surface.opened, ['http://127.0.0.1:24817/consent/ticket1']);
    assert.equal(h.surface.windows.length, 0, 'never in an embedded view');
  });

  it('a macOS notification button approves for an hour', async () => {
    const h = startHarness({ platform: 'darwin', notificationWindowMs: 10 });
    await h.ready();
    h.brokers[0]!.addRequest({ authId: 'a1', needsConsent: false });
    h.timers.advance(10);
    h.surface.notifications[0]?.handlers.onAction(0);
    await settle();
    assert.deepEqual(h.brokers[0]!.decisions, [{ authId: 'a1', decision: 'approve', duration: '1h', via: 'tray' }]);
  });

  it('an already-approved request continues to the provider sign-in without a new approval', async () => {
    const h = startHarness();
    await h.ready();
    h.brokers[0]!.addRequest({ authId: 'a1', approved: true });
    h.surface.tray.click('triage-bot → github (repo)', 'Continue to provider sign-in');
    await settle();
    assert.deepEqual(h.brokers[0]!.decisions, []);
    assert.deepEqual(h.surface.opened, ['http://127.0.0.1:24817/consent/ticket1']);
  });

  it('deny from the menu', async () => {
    const h = startHarness();
    await h.ready();
    h.brokers[0]!.addRequest({ authId: 'a1' });
    h.surface.tray.click('triage-bot → github (repo)', 'Deny');
    await settle();
    assert.deepEqual(h.brokers[0]!.decisions, [{ authId: 'a1', decision: 'deny', via: 'tray' }]);
    assert.equal(h.surface.app.badge, 0);
  });

  it('deciding a request that expired meanwhile shows the error instead of throwing', async () => {
    const h = startHarness();
    await h.ready();
    h.brokers[0]!.addRequest({ authId: 'a1' });
    const menuBefore = h.surface.tray.menu;
    h.brokers[0]!.records.get('a1')!.status = 'failed';
    h.surface.tray.menu = menuBefore;
    h.surface.tray.click('triage-bot → github (repo)', 'Deny');
    await settle();
    assert.equal(h.surface.notifications.at(-1)?.spec.title, 'Latchkey could not do that');
    assert.match(h.surface.notifications.at(-1)?.spec.body ?? '', /No pending request 'a1'/);
  });

  it('re-reads pending requests periodically, since expiry sends no event', async () => {
    const h = startHarness();
    await h.ready();
    h.brokers[0]!.addRequest({ authId: 'a1' });
    assert.equal(h.surface.app.badge, 1);
    h.brokers[0]!.records.get('a1')!.status = 'failed'; // expired in the store, silently
    h.timers.advance(PENDING_REFRESH_MS);
    assert.equal(h.surface.app.badge, 0);
  });

  it('needs-reauth and pairing events notify', async () => {
    const h = startHarness();
    await h.ready();
    h.brokers[0]!.events.emit('connection.needs_reauth', { connectionId: 'c', providerId: 'google', userId: 'me', agentId: null, reason: 'invalid_grant' });
    h.brokers[0]!.events.emit('key.pairing_requested', { pairingId: 'p', keyHint: 'lk-ab' });
    assert.deepEqual(h.surface.notifications.map((n) => n.spec.title), ['google needs you to sign in again', 'An unknown API key is asking for access']);
    h.surface.notifications[0]?.handlers.onClick();
    assert.equal(h.surface.windows.length, 1);
  });
});

describe('shell controller: menu actions', () => {
  it('Open Latchkey loads a fresh one-time login link (the owner session) in the window', async () => {
    const h = startHarness();
    await h.ready();
    h.surface.tray.click('Open Latchkey');
    await settle();
    const win = h.surface.windows[0];
    assert.deepEqual(win?.loaded, ['http://127.0.0.1:24817/#login=login1']);
    assert.equal(win?.shown, 1, 'shown only after the page loaded');
    win?.close();
    h.surface.tray.click('Open Latchkey');
    assert.deepEqual(h.surface.windows[1]?.loaded, ['http://127.0.0.1:24817/#login=login2'], 'login links are single-use');
  });

  it('a window whose page fails to load is closed and the failure shown', async () => {
    const h = startHarness();
    await h.ready();
    h.surface.createWindow = ((orig) => (options) => {
      const w = orig(options) as FakeWindow;
      w.loadError = new Error('ERR_CONNECTION_REFUSED');
      return w;
    })(h.surface.createWindow.bind(h.surface));
    h.surface.tray.click('Open Latchkey');
    await settle();
    assert.equal(h.surface.windows[0]?.destroyed, true);
    assert.equal(h.surface.notifications.at(-1)?.spec.title, 'Could not open the Latchkey window');
  });

  it('Copy env block copies the export lines', async () => {
    const h = startHarness();
    await h.ready();
    h.surface.tray.click('Copy env block');
    assert.deepEqual(h.surface.copied, ['export LANGSMITH_API_URL=http://127.0.0.1:24817\nexport LANGSMITH_API_KEY=lk-owner-test']);
  });

  it('Pause closes the broker and the window; Resume starts a new broker', async () => {
    const h = startHarness();
    await h.ready();
    h.brokers[0]!.addRequest({ authId: 'a1' });
    h.surface.tray.click('Open Latchkey');
    h.surface.tray.click('Pause broker');
    await settle();
    assert.equal(h.brokers[0]!.closeCalls, 1);
    assert.equal(h.brokers[0]!.events.listenerCount(), 0);
    assert.equal(h.surface.windows[0]?.destroyed, true);
    assert.equal(primary(h).state.kind, 'paused');
    assert.equal(h.surface.tray.tooltip, 'Latchkey — Paused (port 24817 released)');
    assert.equal(h.surface.app.badge, 0);
    assert.throws(() => h.surface.tray.click('Open Latchkey'), /disabled/);
    h.surface.tray.click('Resume broker');
    await settle();
    assert.equal(h.createBrokerCalls, 2);
    assert.equal(primary(h).state.kind, 'running');
    h.brokers[1]!.addRequest({ authId: 'b1' });
    assert.equal(h.surface.app.badge, 1, 'events of the new broker are followed');
  });

  it('Start at login toggles the login item', async () => {
    const h = startHarness({ platform: 'darwin' });
    await h.ready();
    h.surface.tray.click('Start at login');
    await settle();
    assert.equal(h.surface.app.loginItem, true);
    const entry = h.surface.tray.menu.find((e) => e.kind === 'checkbox');
    assert.equal(entry?.kind === 'checkbox' && entry.checked, true);
  });

  it('Quit quits through the held quit sequence', async () => {
    const h = startHarness();
    await h.ready();
    h.surface.tray.click('Quit Latchkey');
    await settle();
    assert.equal(h.brokers[0]!.closeCalls, 1);
    assert.equal(h.surface.app.quitted, true);
  });
});
