/**
 * Just enough of Electron's main-process API for main.ts to boot under Node. Every call a
 * test cares about is appended as a JSON line to $FAKE_ELECTRON_LOG; $FAKE_ELECTRON_LOCK=0
 * makes this process the second instance.
 */
import { EventEmitter } from 'node:events';
import { appendFileSync } from 'node:fs';

function log(event: string, data: Record<string, unknown> = {}): void {
  appendFileSync(process.env.FAKE_ELECTRON_LOG ?? '/dev/null', `${JSON.stringify({ event, ...data })}\n`);
}

interface Preventable { defaultPrevented: boolean; preventDefault(): void }
const preventable = (): Preventable => ({ defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } });

class FakeApp extends EventEmitter {
  isPackaged = false;
  dock = undefined;
  requestSingleInstanceLock(): boolean {
    log('lock');
    return process.env.FAKE_ELECTRON_LOCK !== '0';
  }
  whenReady(): Promise<void> { return new Promise((r) => setImmediate(r)); }
  quit(): void {
    log('quit');
    const e = preventable();
    this.emit('before-quit', e);
    if (!e.defaultPrevented) this.exit(0);
  }
  exit(code: number): void {
    log('exit', { code });
    process.exit(code);
  }
  getVersion(): string { return '0.0.0-fake'; }
  getLoginItemSettings(): { openAtLogin: boolean } { return { openAtLogin: false }; }
  setLoginItemSettings(): void {}
  setBadgeCount(count: number): boolean { log('badge', { count }); return true; }
  setPath(name: string, path: string): void { log('setPath', { name, path }); }
  setAppUserModelId(): void {}
}

export const app = new FakeApp();

interface FakeImage { path: string; setTemplateImage(on: boolean): void }
export const nativeImage = { createFromPath: (path: string): FakeImage => ({ path, setTemplateImage: () => {} }) };

interface MenuItem { label?: string; type?: string; submenu?: MenuItem[] }
export const Menu = { buildFromTemplate: (items: MenuItem[]) => ({ labels: items.map((i) => i.label ?? '—') }) };

export class Tray {
  constructor(image: FakeImage) { log('tray', { image: image.path }); }
  setImage(image: FakeImage): void { log('tray.image', { image: image.path }); }
  setToolTip(text: string): void { log('tray.tooltip', { text }); }
  setTitle(): void {}
  setContextMenu(menu: { labels: string[] }): void { log('tray.menu', { labels: menu.labels }); }
  destroy(): void { log('tray.destroy'); }
}

export class Notification extends EventEmitter {
  static isSupported(): boolean { return true; }
  readonly options: { title: string; body: string };
  constructor(options: { title: string; body: string }) { super(); this.options = options; }
  show(): void { log('notification', { title: this.options.title, body: this.options.body }); }
}

export class BrowserWindow extends EventEmitter {
  constructor(options: unknown) { super(); log('window', { options }); }
}

export const ipcMain = { handle: (channel: string) => log('ipc.handle', { channel }) };
export const nativeTheme = Object.assign(new EventEmitter(), { shouldUseDarkColors: false });
export const shell = { openExternal: (url: string) => { log('openExternal', { url }); return Promise.resolve(); } };
export const clipboard = { writeText: () => {} };
