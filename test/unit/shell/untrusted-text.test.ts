/** S34 (shell half): agent-chosen text in native notifications and the tray menu is shown escaped, never obeyed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createNotifier, pairingView } from '../../../main/shell/notifications.ts';
import type { PendingItem } from '../../../main/shell/shell-state.ts';
import { requestLabel, trayMenuModel } from '../../../main/shell/tray-menu-model.ts';
import { FakeSurface } from './fake-surface.ts';
import { ManualTimers } from './harness.ts';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const evil: PendingItem = { authId: 'a1', providerId: 'git\u001b[8mhub', who: 'bot\u202egro:nimda', scopes: ['admin:org\u001b[2K\u001b[1Gread:docs', 'x\u009b2J'], needsApproval: true };

describe('S34 untrusted text in notifications and the tray', () => {
  it('S34 a request notification shows ANSI escapes and bidi overrides escaped (title, body, buttons)', () => {
    assert.match(evil.who + evil.scopes.join(''), RAW, 'seen raw before');
    const surface = new FakeSurface('darwin');
    const timers = new ManualTimers();
    const n = createNotifier({ surface, schedule: timers.schedule, dispatch: () => {}, windowMs: 100 });
    n.requestCreated(evil);
    timers.advance(1_000);
    n.show(pairingView({ pairingId: 'p', keyHint: 'lk_\u001b]0;x\u0007' }));
    assert.equal(surface.notifications.length, 2);
    for (const { spec } of surface.notifications) {
      assert.doesNotMatch(`${spec.title}${spec.body}${spec.actions.join('')}`, RAW);
    }
    assert.match(surface.notifications[0]!.spec.body, /bot\\u202egro:nimda wants git\\u001b\[8mhub \(admin:org\\u001b\[2K/);
  });

  it('S34 tray menu labels for requests are escaped', () => {
    assert.doesNotMatch(requestLabel(evil), RAW);
    const menu = trayMenuModel({ state: { kind: 'running', port: 1, keychain: { ok: true, backend: 'x' } }, pending: [evil], openAtLogin: null });
    const labels = JSON.stringify(menu);
    assert.doesNotMatch(JSON.parse(JSON.stringify(menu.map((e) => ('label' in e ? e.label : '')))).join(''), RAW);
    assert.match(labels, /bot\\\\u202egro/);
  });
});
