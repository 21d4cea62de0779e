import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BrokerState, PendingItem } from '../../../main/shell/shell-state.ts';
import { APPROVE_CHOICES, MAX_MENU_REQUESTS, menuLabel, trayMenuModel, type MenuEntry } from '../../../main/shell/tray-menu-model.ts';

const running: BrokerState = { kind: 'running', port: 24817, keychain: { ok: true, backend: 'secret-service' } };
const item = (n: number, overrides: Partial<PendingItem> = {}): PendingItem => ({ authId: `a${n}`, providerId: 'github', who: `bot-${n}`, scopes: ['repo'], needsApproval: true, ...overrides });

const labels = (entries: readonly MenuEntry[]): string[] => entries.map((e) => (e.kind === 'separator' ? '—' : e.label));
const find = (entries: readonly MenuEntry[], label: string): MenuEntry => {
  const e = entries.find((x) => x.kind !== 'separator' && x.label === label);
  assert.ok(e, `no '${label}' in ${JSON.stringify(labels(entries))}`);
  return e;
};

describe('tray menu model', () => {
  it('running with nothing pending: status, open, copy, pause, login item, quit', () => {
    const menu = trayMenuModel({ state: running, pending: [], openAtLogin: false });
    assert.deepEqual(labels(menu), ['Latchkey — Running on port 24817', '—', 'Open Latchkey', 'Copy env block', 'Pause broker', 'Start at login', '—', 'Quit Latchkey']);
    assert.deepEqual(find(menu, 'Open Latchkey'), { kind: 'item', label: 'Open Latchkey', enabled: true, action: { type: 'open-window' } });
    assert.deepEqual(find(menu, 'Start at login'), { kind: 'checkbox', label: 'Start at login', checked: false, action: { type: 'set-open-at-login', enabled: true } });
  });

  it('lists each pending request with Approve (one item per duration) and Deny', () => {
    const menu = trayMenuModel({ state: running, pending: [item(1), item(2, { who: 'docs-agent', providerId: 'google', scopes: ['drive.readonly', 'calendar'] })], openAtLogin: false });
    assert.ok(labels(menu).includes('Waiting for you (2)'));
    const second = find(menu, 'docs-agent → google (drive.readonly calendar)');
    assert.equal(second.kind, 'submenu');
    if (second.kind !== 'submenu') return;
    assert.deepEqual(labels(second.entries), ['Approve', 'Deny']);
    const approve = find(second.entries, 'Approve');
    assert.equal(approve.kind, 'submenu');
    if (approve.kind !== 'submenu') return;
    assert.deepEqual(approve.entries.map((e) => (e.kind === 'item' ? e.action : null)), APPROVE_CHOICES.map((c) => ({ type: 'approve', authId: 'a2', duration: c.duration })));
    assert.deepEqual(APPROVE_CHOICES.map((c) => c.duration), ['once', '1h', '8h', '30d', 'forever']);
    assert.deepEqual(find(second.entries, 'Deny'), { kind: 'item', label: 'Deny', enabled: true, action: { type: 'deny', authId: 'a2' } });
  });

  it('offers the provider sign-in, not a second approval, for an already-approved request', () => {
    const menu = trayMenuModel({ state: running, pending: [item(1, { needsApproval: false })], openAtLogin: null });
    const entry = find(menu, 'bot-1 → github (repo)');
    assert.ok(entry.kind === 'submenu');
    assert.deepEqual(labels(entry.entries), ['Continue to provider sign-in', 'Deny']);
  });

  it(`shows at most ${MAX_MENU_REQUESTS} requests and points to the window for the rest`, () => {
    const pending = Array.from({ length: MAX_MENU_REQUESTS + 3 }, (_, i) => item(i));
    const menu = trayMenuModel({ state: running, pending, openAtLogin: false });
    assert.equal(menu.filter((e) => e.kind === 'submenu').length, MAX_MENU_REQUESTS);
    assert.deepEqual(find(menu, '3 more… (open Latchkey)'), { kind: 'item', label: '3 more… (open Latchkey)', enabled: true, action: { type: 'open-window' } });
  });

  it('paused: Resume instead of Pause; open and copy disabled; no requests shown', () => {
    const menu = trayMenuModel({ state: { kind: 'paused', port: 24817 }, pending: [item(1)], openAtLogin: true });
    assert.ok(!labels(menu).includes('Pause broker'));
    assert.deepEqual(find(menu, 'Resume broker'), { kind: 'item', label: 'Resume broker', enabled: true, action: { type: 'resume' } });
    assert.equal((find(menu, 'Open Latchkey') as { enabled: boolean }).enabled, false);
    assert.equal((find(menu, 'Copy env block') as { enabled: boolean }).enabled, false);
    assert.ok(!labels(menu).some((l) => l.startsWith('Waiting')));
    assert.deepEqual(find(menu, 'Start at login'), { kind: 'checkbox', label: 'Start at login', checked: true, action: { type: 'set-open-at-login', enabled: false } });
  });

  it('port taken: the status names the port and Retry is offered', () => {
    const menu = trayMenuModel({ state: { kind: 'port-taken', port: 31337, message: 'm' }, pending: [], openAtLogin: false });
    assert.equal(labels(menu)[0], 'Latchkey — Port 31337 is taken — not started');
    assert.deepEqual(find(menu, 'Retry on port 31337'), { kind: 'item', label: 'Retry on port 31337', enabled: true, action: { type: 'resume' } });
  });

  it('has no login item where the OS offers none', () => {
    assert.ok(!labels(trayMenuModel({ state: running, pending: [], openAtLogin: null })).includes('Start at login'));
  });

  it('escapes & (Windows mnemonics) and shortens agent-supplied labels', () => {
    assert.equal(menuLabel('R&D bot'), 'R&&D bot');
    const long = menuLabel('a'.repeat(200));
    assert.equal(long.length, 64);
    assert.ok(long.endsWith('…'));
    const menu = trayMenuModel({ state: running, pending: [item(1, { who: 'A&B' })], openAtLogin: null });
    assert.ok(labels(menu).includes('A&&B → github (repo)'));
  });
});
