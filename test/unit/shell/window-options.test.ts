import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WINDOW_PARTITION, insecureWebPreferences, mainWindowOptions, type WindowOptions } from '../../../main/shell/window-options.ts';
import { primary, startHarness } from './harness.ts';

function assertSecure(options: WindowOptions): void {
  const p = options.webPreferences;
  assert.equal(p.contextIsolation, true);
  assert.equal(p.sandbox, true);
  assert.equal(p.nodeIntegration, false);
  assert.equal(p.nodeIntegrationInWorker, false);
  assert.equal(p.nodeIntegrationInSubFrames, false);
  assert.equal(p.webviewTag, false);
  assert.equal(p.webSecurity, true);
  assert.equal(p.allowRunningInsecureContent, false);
  assert.ok(!String(p.partition).startsWith('persist:'), 'the window session must stay in memory');
  assert.deepEqual(insecureWebPreferences(options), []);
}

describe('window options', () => {
  it('S32 every window options object has contextIsolation, sandbox and no nodeIntegration', async () => {
    // The factory, in every variant…
    for (const prefersDark of [true, false]) {
      for (const devTools of [true, false]) assertSecure(mainWindowOptions({ preloadPath: '/p.js', prefersDark, devTools }));
    }
    // …and every window the shell actually creates: first open, reopen after close, second launch.
    const h = startHarness();
    await h.ready();
    const c = primary(h);
    c.openWindow();
    h.surface.windows[0]?.close();
    c.openWindow();
    h.surface.app.launchSecondInstance();
    h.surface.setDark(true);
    h.surface.windows[1]?.close();
    c.openWindow();
    assert.equal(h.surface.windows.length, 3);
    for (const w of h.surface.windows) assertSecure(w.options);
  });

  it('uses the in-memory partition and the given preload', () => {
    const o = mainWindowOptions({ preloadPath: '/app/dist/preload/preload.js', prefersDark: false, devTools: false });
    assert.equal(o.webPreferences.partition, WINDOW_PARTITION);
    assert.equal(o.webPreferences.preload, '/app/dist/preload/preload.js');
    assert.equal(o.webPreferences.devTools, false);
    assert.equal(o.show, false);
  });

  it('the runtime check names every unsafe preference', () => {
    const safe = mainWindowOptions({ preloadPath: '/p.js', prefersDark: false, devTools: false }).webPreferences;
    const flips: Array<[string, unknown]> = [
      ['contextIsolation', false], ['sandbox', false], ['nodeIntegration', true], ['nodeIntegrationInWorker', true],
      ['nodeIntegrationInSubFrames', true], ['webviewTag', true], ['webSecurity', false], ['allowRunningInsecureContent', true],
    ];
    for (const [key, value] of flips) {
      assert.deepEqual(insecureWebPreferences({ webPreferences: { ...safe, [key]: value } }), [`${key} must be ${String(!value)}`], key);
    }
    assert.deepEqual(insecureWebPreferences({ webPreferences: { ...safe, partition: 'persist:x' } }), ['partition must not persist to disk']);
    assert.equal(insecureWebPreferences({}).length, 8, 'Electron defaults are not enough: every flag must be explicit');
  });
});
