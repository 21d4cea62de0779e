import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOOLTIP_MAX, badgeText, trayIconFile, trayTitle, trayTooltip } from '../../../main/shell/badge.ts';
import type { BrokerState } from '../../../main/shell/shell-state.ts';

const running: BrokerState = { kind: 'running', port: 24817, keychain: { ok: true, backend: 'secret-service' } };

describe('badge text', () => {
  it('is empty when nothing waits, the count up to 9, then 9+', () => {
    assert.deepEqual([0, -1, 1, 9, 10, 250].map(badgeText), ['', '', '1', '9', '9+', '9+']);
  });

  it('becomes the menu-bar title on macOS only', () => {
    assert.equal(trayTitle('darwin', 3), '3');
    assert.equal(trayTitle('darwin', 0), '');
    assert.equal(trayTitle('linux', 3), '');
    assert.equal(trayTitle('win32', 12), '');
  });
});

describe('tray tooltip', () => {
  it('names the port while running, with the pending count', () => {
    assert.equal(trayTooltip(running, 0), 'Latchkey — Running on port 24817');
    assert.equal(trayTooltip(running, 2), 'Latchkey — Running on port 24817 · 2 waiting for approval');
  });

  it('says when the keychain is unavailable, and when paused', () => {
    assert.match(trayTooltip({ kind: 'running', port: 24817, keychain: { ok: false, backend: 'basic_text', reason: 'no Secret Service' } }, 0), /keychain unavailable/);
    assert.equal(trayTooltip({ kind: 'paused', port: 24817 }, 0), 'Latchkey — Paused (port 24817 released)');
  });

  it('S07 port taken: names the port and how to choose another', () => {
    const text = trayTooltip({ kind: 'port-taken', port: 31337, message: 'Port 31337 on 127.0.0.1 is already in use' }, 0);
    assert.match(text, /Port 31337 is taken/);
    assert.match(text, /LATCHKEY_PORT/);
  });

  it('fits the Windows tooltip limit', () => {
    const text = trayTooltip({ kind: 'failed', port: 1, message: 'x'.repeat(500) }, 0);
    assert.equal(text.length, TOOLTIP_MAX);
    assert.ok(text.endsWith('…'));
  });
});

describe('tray icon', () => {
  it('is a template image on macOS, with an alert twin while something waits', () => {
    assert.equal(trayIconFile('darwin', true, running, 0), 'trayTemplate.png');
    assert.equal(trayIconFile('darwin', false, running, 1), 'trayAlertTemplate.png');
  });

  it('contrasts with the theme elsewhere', () => {
    assert.equal(trayIconFile('linux', false, running, 0), 'tray-light.png');
    assert.equal(trayIconFile('win32', true, running, 0), 'tray-dark.png');
    assert.equal(trayIconFile('win32', true, running, 4), 'tray-dark-alert.png');
  });

  it('shows the alert when the broker is not serving or cannot seal secrets', () => {
    assert.equal(trayIconFile('linux', false, { kind: 'port-taken', port: 1, message: '' }, 0), 'tray-light-alert.png');
    assert.equal(trayIconFile('linux', false, { kind: 'running', port: 1, keychain: { ok: false, backend: 'none', reason: 'r' } }, 0), 'tray-light-alert.png');
    assert.equal(trayIconFile('linux', false, { kind: 'paused', port: 1 }, 0), 'tray-light.png');
  });

  it('names only files that exist in assets/tray', async () => {
    const { existsSync } = await import('node:fs');
    const dir = new URL('../../../assets/tray/', import.meta.url);
    const states: BrokerState[] = [running, { kind: 'paused', port: 1 }, { kind: 'failed', port: 1, message: '' }];
    for (const platform of ['darwin', 'linux', 'win32'] as const) {
      for (const dark of [true, false]) {
        for (const s of states) {
          for (const n of [0, 1]) {
            const file = trayIconFile(platform, dark, s, n);
            assert.ok(existsSync(new URL(file, dir)), file);
            assert.ok(existsSync(new URL(file.replace('.png', '@2x.png'), dir)), `${file} @2x`);
          }
        }
      }
    }
  });
});
