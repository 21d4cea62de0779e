/**
 * Electron entry (compiled to dist/main/shell/main.js; `npm start` and the packaged app run
 * it). It only adapts Electron's modules to the ShellSurface and hands them, with the real
 * createBroker, to runShell — every decision lives in the files it imports, which the unit
 * tests drive with a fake surface.
 */
import { BrowserWindow, Menu, Notification, Tray, app, clipboard, ipcMain, nativeImage, nativeTheme, shell, type MenuItemConstructorOptions } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLogger } from '../adapters/logger.ts';
import { createBroker } from '../compose.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { openHomeLog } from '../home-files.ts';
import { portInUse } from './broker-errors.ts';
import type { IpcSender, ShellSurface, TraySurface, WindowSurface } from './electron-surface.ts';
import { runShell } from './lifecycle.ts';
import type { MenuEntry, TrayAction } from './tray-menu-model.ts';
import { insecureWebPreferences, type WindowOptions } from './window-options.ts';
import { loopbackBaseUrl } from '../core/links.ts';

/**
 * The app root (where package.json, assets/ and dist/ live): two levels up from the
 * sources (main/shell), three from the build (dist/main/shell, also inside app.asar).
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = [join(here, '..', '..'), join(here, '..', '..', '..')].find((d) => existsSync(join(d, 'package.json'))) ?? here;
const trayIcon = (file: string) => {
  const image = nativeImage.createFromPath(join(root, 'assets', 'tray', file));
  if (process.platform === 'darwin') image.setTemplateImage(file.includes('Template'));
  return image;
};

function menuTemplate(entries: readonly MenuEntry[], onSelect: (a: TrayAction) => void): MenuItemConstructorOptions[] {
  return entries.map((e): MenuItemConstructorOptions => {
    switch (e.kind) {
      case 'separator': return { type: 'separator' };
      case 'submenu': return { label: e.label, submenu: menuTemplate(e.entries, onSelect) };
      case 'checkbox': return { type: 'checkbox', label: e.label, checked: e.checked, click: () => onSelect(e.action) };
      case 'item': {
        const action = e.action;
        return { label: e.label, enabled: e.enabled, ...(action ? { click: () => onSelect(action) } : {}) };
      }
    }
  });
}

function wrapTray(tray: Tray): TraySurface {
  return {
    setImage: (file) => tray.setImage(trayIcon(file)),
    setToolTip: (text) => tray.setToolTip(text),
    setTitle: (text) => { if (process.platform === 'darwin') tray.setTitle(text); },
    setMenu: (menu, onSelect) => tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(menu, onSelect))),
    destroy: () => tray.destroy(),
  };
}

function wrapWindow(options: WindowOptions): WindowSurface {
  // Belt and braces: the type already demands the S32 preferences; refuse at runtime too.
  const problems = insecureWebPreferences(options);
  if (problems.length > 0) throw new Error(`Refusing to open an insecure window: ${problems.join(', ')}`);
  const win = new BrowserWindow(options);
  const wc = win.webContents;
  return {
    contents: {
      id: wc.id,
      setWindowOpenHandler: (handler) => wc.setWindowOpenHandler(({ url }) => { handler(url); return { action: 'deny' }; }),
      // will-frame-navigate covers the main frame and any subframe.
      onWillNavigate: (listener) => wc.on('will-frame-navigate', (event) => listener(event, event.url)),
      onWillRedirect: (listener) => wc.on('will-redirect', (event) => listener(event, event.url)),
      onWillAttachWebview: (listener) => wc.on('will-attach-webview', (event) => listener(event)),
      setPermissionPolicy: (allow) => {
        wc.session.setPermissionRequestHandler((_wc, permission, callback) => callback(allow(permission)));
        wc.session.setPermissionCheckHandler((_wc, permission) => allow(permission));
        wc.session.setDevicePermissionHandler(() => false);
      },
    },
    loadURL: (url) => win.loadURL(url),
    show: () => win.show(),
    focus: () => win.focus(),
    isMinimized: () => win.isMinimized(),
    restore: () => win.restore(),
    isDestroyed: () => win.isDestroyed(),
    close: () => win.close(),
    onClosed: (listener) => { win.on('closed', listener); },
  };
}

// Windows drops a notification's handlers when the object is garbage-collected.
const liveNotifications = new Set<Notification>();

const surface: ShellSurface = {
  platform: process.platform,
  app: {
    requestSingleInstanceLock: () => app.requestSingleInstanceLock(),
    onSecondInstance: (listener) => { app.on('second-instance', () => listener()); },
    whenReady: () => app.whenReady().then(() => undefined),
    onBeforeQuit: (listener) => { app.on('before-quit', (event) => listener(event)); },
    keepAliveWithoutWindows: () => { app.on('window-all-closed', () => { /* stay in the tray */ }); },
    quit: () => app.quit(),
    exit: (code) => app.exit(code),
    version: app.getVersion(),
    openAtLogin: () => (process.platform === 'darwin' || process.platform === 'win32' ? app.getLoginItemSettings().openAtLogin : null),
    setOpenAtLogin: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
    setBadgeCount: (count) => { app.setBadgeCount(count); },
  },
  createTray: (file) => wrapTray(new Tray(trayIcon(file))),
  createWindow: wrapWindow,
  notificationsSupported: () => Notification.isSupported(),
  showNotification: (spec, handlers) => {
    const n = new Notification({ title: spec.title, body: spec.body, actions: spec.actions.map((text) => ({ type: 'button', text })) });
    liveNotifications.add(n);
    n.on('click', () => handlers.onClick());
    n.on('action', (details) => handlers.onAction(details.actionIndex));
    n.on('close', () => liveNotifications.delete(n));
    n.show();
  },
  openExternal: (url) => shell.openExternal(url),
  copyText: (text) => clipboard.writeText(text),
  prefersDarkTheme: () => nativeTheme.shouldUseDarkColors,
  onThemeChange: (listener) => { nativeTheme.on('updated', listener); },
  handleIpc: (channel, handler) => {
    ipcMain.handle(channel, (event, payload: unknown) => {
      const sender: IpcSender = { contentsId: event.sender.id, frameUrl: event.senderFrame?.url ?? null };
      return handler(sender, payload);
    });
  },
};

function readConfig() {
  // Chromium adds switches of its own; only ours are read, the rest ignored.
  const { values } = parseArgs({ args: process.argv.slice(app.isPackaged ? 1 : 2), strict: false, allowPositionals: true, options: {
    port: { type: 'string' }, home: { type: 'string' }, approval: { type: 'string' }, 'log-level': { type: 'string' },
    'allow-insecure-endpoints': { type: 'boolean' },
  } });
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return loadConfig({ port: text(values.port), home: text(values.home), approval: text(values.approval), logLevel: text(values['log-level']), allowInsecureEndpoints: values['allow-insecure-endpoints'] === true });
}

function main(): void {
  let config;
  try {
    config = readConfig();
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : String(err));
    app.exit(2);
    return;
  }
  // One lock and one Chromium profile per Latchkey home, so a second profile is just another directory.
  app.setPath('userData', join(config.home, 'electron'));
  if (process.platform === 'win32') app.setAppUserModelId('dev.latchkey.app');
  if (process.platform === 'darwin') app.dock?.hide();

  // Synchronous writes: a desktop app's log is small, and nothing is lost when it quits.
  const { file: logFile, destination } = openHomeLog(config.home, { sync: true });
  const logger = createLogger({ level: config.logLevel, destination });
  const { port, home, approval, allowInsecureEndpoints } = config;

  const run = runShell({
    surface,
    port,
    startBroker: () => createBroker({ port, home, approval, allowInsecureEndpoints, logger }),
    portInUse,
    preloadPath: join(root, 'dist', 'preload', 'preload.js'),
    devTools: !app.isPackaged,
    schedule: (fn, ms) => { const t = setTimeout(fn, ms); return () => clearTimeout(t); },
    every: (fn, ms) => { const t = setInterval(fn, ms); t.unref(); return () => clearInterval(t); },
    logger,
    report: (line) => console.error(line),
  });
  if (run.role === 'secondary') return;

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
  void run.started.then(() => {
    const s = run.controller.state;
    if (s.kind === 'running') console.log(`Latchkey is running in the tray on ${loopbackBaseUrl(s.port)} (log: ${logFile}).`);
  });
}

main();
