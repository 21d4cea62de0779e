import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectedView, createNotifier, pairingView, reauthView, requestNoticeView } from '../../../main/shell/notifications.ts';
import type { PendingItem } from '../../../main/shell/shell-state.ts';
import type { TrayAction } from '../../../main/shell/tray-menu-model.ts';
import { FakeSurface } from './fake-surface.ts';
import { ManualTimers } from './harness.ts';

const req: PendingItem = { authId: 'a1', providerId: 'github', who: 'triage-bot', scopes: ['repo'], needsApproval: true };

describe('notification views', () => {
  it('macOS: a request gets Approve (1 h) and Deny buttons', () => {
    const v = requestNoticeView({ kind: 'request', request: req }, 'darwin');
    assert.equal(v.title, 'Approval needed');
    assert.equal(v.body, 'triage-bot wants github (repo)');
    assert.deepEqual(v.buttons, [
      { label: 'Approve for 1 hour', action: { type: 'approve', authId: 'a1', duration: '1h' } },
      { label: 'Deny', action: { type: 'deny', authId: 'a1' } },
    ]);
    assert.deepEqual(v.click, { type: 'open-window' });
  });

  it('Windows and Linux: no buttons, a click opens the window', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const v = requestNoticeView({ kind: 'request', request: req }, platform);
      assert.deepEqual(v.buttons, []);
      assert.deepEqual(v.click, { type: 'open-window' });
    }
  });

  it('an already-approved request asks for the provider sign-in instead', () => {
    const v = requestNoticeView({ kind: 'request', request: { ...req, needsApproval: false } }, 'darwin');
    assert.equal(v.title, 'github sign-in needed');
    assert.deepEqual(v.buttons, [{ label: 'Continue', action: { type: 'continue-consent', authId: 'a1' } }]);
  });

  it('a summary counts the requests and names a few agents', () => {
    const requests = ['a', 'b', 'c', 'd', 'e'].map((w, i) => ({ ...req, authId: `x${i}`, who: w }));
    const v = requestNoticeView({ kind: 'summary', requests }, 'darwin');
    assert.equal(v.title, '5 requests are waiting for you');
    assert.equal(v.body, 'From a, b, c and 2 more. Open Latchkey to decide.');
    assert.deepEqual(v.buttons, []);
  });

  it('re-auth, pairing and connected notices say what happened', () => {
    assert.equal(reauthView({ connectionId: 'c', providerId: 'google', userId: 'me', agentId: null, reason: 'invalid_grant' }).title, 'google needs you to sign in again');
    assert.match(pairingView({ pairingId: 'p', keyHint: 'lk-ab12' }).body, /lk-ab12/);
    assert.equal(connectedView({ connectionId: 'c', providerId: 'github', userId: 'me', agentId: 'bot' }).title, 'github connected');
  });
});

describe('notifier', () => {
  function setup(platform: NodeJS.Platform) {
    const surface = new FakeSurface(platform);
    const timers = new ManualTimers();
    const dispatched: TrayAction[] = [];
    const n = createNotifier({ surface, schedule: timers.schedule, dispatch: (a) => dispatched.push(a), windowMs: 100 });
    return { surface, timers, dispatched, n };
  }

  it('a notification button dispatches its action; a click opens the window', () => {
    const { surface, timers, dispatched, n } = setup('darwin');
    n.requestCreated(req);
    timers.advance(100);
    assert.equal(surface.notifications.length, 1);
    const [shown] = surface.notifications;
    assert.deepEqual(shown?.spec.actions, ['Approve for 1 hour', 'Deny']);
    shown?.handlers.onAction(1);
    shown?.handlers.onAction(7); // an index the OS should not send: ignored
    shown?.handlers.onClick();
    assert.deepEqual(dispatched, [{ type: 'deny', authId: 'a1' }, { type: 'open-window' }]);
  });

  it('shows nothing where the OS has no notifications', () => {
    const { surface, timers, n } = setup('linux');
    surface.notificationsOn = false;
    n.requestCreated(req);
    timers.advance(100);
    n.show(pairingView({ pairingId: 'p', keyHint: 'k' }));
    assert.equal(surface.notifications.length, 0);
  });

  it('a notice without a click target does nothing when clicked', () => {
    const { surface, dispatched, n } = setup('linux');
    n.show(connectedView({ connectionId: 'c', providerId: 'github', userId: 'me', agentId: null }));
    surface.notifications[0]?.handlers.onClick();
    assert.deepEqual(dispatched, []);
  });
});
