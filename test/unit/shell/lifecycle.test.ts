import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QUIT_DEADLINE_MS } from '../../../main/shell/lifecycle.ts';
import { FakeBroker } from './fake-broker.ts';
import { primary, settle, startHarness } from './harness.ts';

describe('single instance', () => {
  it('S08 a second instance exits before createBroker is called', async () => {
    const h = startHarness({ lock: false });
    assert.equal(h.run.role, 'secondary');
    assert.deepEqual(h.surface.calls, ['lock', 'quit']);
    assert.equal(h.surface.app.quitted, true);
    // Even if Electron became ready afterwards, nothing would start.
    await h.ready();
    assert.equal(h.createBrokerCalls, 0);
    assert.equal(h.surface.trays.length, 0);
    assert.deepEqual(h.reports, ['Latchkey is already running; showing its window.']);
  });

  it('the first instance takes the lock before ready, then draws the tray, then starts the broker', async () => {
    const h = startHarness();
    assert.deepEqual(h.surface.calls, ['lock'], 'nothing but the lock before ready');
    assert.equal(h.createBrokerCalls, 0);
    await h.ready();
    assert.deepEqual(h.surface.calls, ['lock', 'createTray', 'createBroker']);
    assert.equal(h.surface.app.keptAlive, true, 'closing the window must not quit a tray app');
  });

  it('a second launch focuses the existing window instead of opening another', async () => {
    const h = startHarness();
    await h.ready();
    h.surface.app.launchSecondInstance();
    await settle();
    assert.equal(h.surface.windows.length, 1);
    const win = h.surface.windows[0];
    assert.deepEqual(win?.loaded, ['http://127.0.0.1:24817/#login=login1']);
    win!.minimized = true;
    const focusedBefore = win!.focused;
    h.surface.app.launchSecondInstance();
    assert.equal(h.surface.windows.length, 1);
    assert.equal(win!.minimized, false, 'restored');
    assert.equal(win!.focused, focusedBefore + 1);
    assert.equal(h.brokers[0]?.loginLinks, 1, 'no new login link for an open window');
  });
});

describe('quit sequence', () => {
  it('holds the quit until the broker has closed, then quits for real', async () => {
    let release!: () => void;
    const broker = new FakeBroker();
    broker.closeGate = new Promise<void>((r) => { release = r; });
    const h = startHarness({ startBroker: () => Promise.resolve(broker) });
    await h.ready();
    primary(h).openWindow();
    await settle();

    h.surface.app.quit();
    assert.equal(h.surface.app.quitted, false, 'the first quit is held');
    await settle();
    assert.equal(broker.closeCalls, 1, 'closing the broker answers open waits (S30)');
    assert.equal(h.surface.windows[0]?.destroyed, true);
    assert.equal(broker.events.listenerCount(), 0, 'event listeners detached');
    h.surface.app.quit(); // impatient user: still held, no second close
    await settle();
    assert.equal(broker.closeCalls, 1);
    assert.equal(h.surface.app.quitted, false);

    release();
    await settle();
    assert.equal(h.surface.app.quitted, true);
    assert.equal(h.surface.tray.destroyed, true);
    assert.deepEqual(h.surface.app.exitCodes, []);
    assert.equal(h.timers.pending, 0, 'deadline and refresh timers cancelled');
  });

  it(`exits with code 1 when closing takes longer than ${QUIT_DEADLINE_MS / 1000} s`, async () => {
    const broker = new FakeBroker();
    broker.closeGate = new Promise<void>(() => {});
    const h = startHarness({ startBroker: () => Promise.resolve(broker) });
    await h.ready();
    h.surface.app.quit();
    h.timers.advance(QUIT_DEADLINE_MS - 1);
    assert.deepEqual(h.surface.app.exitCodes, []);
    h.timers.advance(1);
    assert.deepEqual(h.surface.app.exitCodes, [1]);
    assert.match(h.reports.at(-1) ?? '', /longer than 5 s/);
  });

  it('a quit during startup waits for the broker and closes it too', async () => {
    let resolveStart!: (b: FakeBroker) => void;
    const h = startHarness({ startBroker: () => new Promise((r) => { resolveStart = r; }) });
    h.surface.app.becomeReady();
    await settle();
    assert.equal(h.createBrokerCalls, 1);
    h.surface.app.quit();
    assert.equal(h.surface.app.quitted, false);
    const broker = new FakeBroker();
    resolveStart(broker);
    await settle();
    await settle();
    assert.equal(broker.closeCalls, 1);
    assert.equal(h.surface.app.quitted, true);
  });

  it('a quit while paused does not close the old broker twice', async () => {
    const h = startHarness();
    await h.ready();
    await primary(h).pause();
    h.surface.app.quit();
    await settle();
    assert.equal(h.brokers[0]?.closeCalls, 1);
    assert.equal(h.surface.app.quitted, true);
  });

  it('a failing close still ends the process, with code 1', async () => {
    const broker = new FakeBroker();
    broker.closeGate = Promise.reject(new Error('disk gone'));
    broker.closeGate.catch(() => {});
    const h = startHarness({ startBroker: () => Promise.resolve(broker) });
    await h.ready();
    h.surface.app.quit();
    await settle();
    assert.deepEqual(h.surface.app.exitCodes, [1]);
    assert.ok(h.logs.some((l) => l.event === 'shell.shutdown_failed' && l.fields?.error === 'disk gone'));
  });
});
