/**
 * An in-memory ShellSurface: records what the shell asked Electron to do and lets a test
 * play the OS (fire quit, a second launch, a navigation, an IPC message, a notification
 * button). `calls` keeps the order of interesting calls for sequence assertions.
 */
import type { IpcChannel } from '../../../preload/bridge-types.ts';
import type {
  AppSurface, IpcHandler, IpcSender, NotificationHandlers, NotificationSpec, Preventable, ShellSurface, TraySurface,
  WebContentsSurface, WindowSurface,
} from '../../../main/shell/electron-surface.ts';
import type { MenuEntry, MenuModel, TrayAction } from '../../../main/shell/tray-menu-model.ts';
import type { WindowOptions } from '../../../main/shell/window-options.ts';

export function preventable(): Preventable & { prevented: boolean } {
  const e = { prevented: false, preventDefault() { e.prevented = true; } };
  return e;
}

export class FakeApp implements AppSurface {
  lock = true;
  version = '9.9.9-test';
  loginItem: boolean | null = false;
  badge = 0;
  quitCalls = 0;
  exitCodes: number[] = [];
  /** True once a quit went through (before-quit not prevented). */
  quitted = false;
  keptAlive = false;
  readonly #secondInstance: Array<() => void> = [];
  readonly #beforeQuit: Array<(e: Preventable) => void> = [];
  #ready!: () => void;
  readonly #readyPromise = new Promise<void>((r) => { this.#ready = r; });
  readonly calls: string[];

  constructor(calls: string[]) {
    this.calls = calls;
  }

  requestSingleInstanceLock(): boolean { this.calls.push('lock'); return this.lock; }
  onSecondInstance(listener: () => void): void { this.#secondInstance.push(listener); }
  whenReady(): Promise<void> { return this.#readyPromise; }
  onBeforeQuit(listener: (event: Preventable) => void): void { this.#beforeQuit.push(listener); }
  keepAliveWithoutWindows(): void { this.keptAlive = true; }
  /** Like Electron: quit emits before-quit, and a listener may prevent it. */
  quit(): void {
    this.quitCalls++;
    this.calls.push('quit');
    const e = preventable();
    for (const l of this.#beforeQuit) l(e);
    if (!e.prevented) this.quitted = true;
  }
  exit(code: number): void { this.calls.push(`exit:${code}`); this.exitCodes.push(code); }
  openAtLogin(): boolean | null { return this.loginItem; }
  setOpenAtLogin(enabled: boolean): void { this.loginItem = enabled; }
  setBadgeCount(count: number): void { this.badge = count; }

  becomeReady(): void { this.#ready(); }
  launchSecondInstance(): void { for (const l of this.#secondInstance) l(); }
}

export class FakeTray implements TraySurface {
  image: string;
  tooltip = '';
  title = '';
  menu: MenuModel = [];
  onSelect: (action: TrayAction) => void = () => {};
  destroyed = false;

  constructor(image: string) {
    this.image = image;
  }

  setImage(iconFile: string): void { this.image = iconFile; }
  setToolTip(text: string): void { this.tooltip = text; }
  setTitle(text: string): void { this.title = text; }
  setMenu(menu: MenuModel, onSelect: (action: TrayAction) => void): void { this.menu = menu; this.onSelect = onSelect; }
  destroy(): void { this.destroyed = true; }

  /** Finds a menu entry by the labels on the way to it and "clicks" it. */
  click(...path: string[]): void {
    let entries: readonly MenuEntry[] = this.menu;
    let found: MenuEntry | undefined;
    for (const label of path) {
      found = entries.find((e) => e.kind !== 'separator' && e.label === label);
      if (!found) throw new Error(`no menu entry '${label}' in ${JSON.stringify(entries.map((e) => (e.kind === 'separator' ? '—' : e.label)))}`);
      entries = found.kind === 'submenu' ? found.entries : [];
    }
    if (!found || (found.kind !== 'item' && found.kind !== 'checkbox') || !found.action) throw new Error(`'${path.join(' › ')}' is not clickable`);
    if (found.kind === 'item' && !found.enabled) throw new Error(`'${path.join(' › ')}' is disabled`);
    this.onSelect(found.action);
  }

  labels(): string[] {
    return this.menu.map((e) => (e.kind === 'separator' ? '—' : e.label));
  }
}

export class FakeContents implements WebContentsSurface {
  readonly id: number;
  windowOpen: ((url: string) => void) | null = null;
  willNavigate: ((e: Preventable, url: string) => void) | null = null;
  willRedirect: ((e: Preventable, url: string) => void) | null = null;
  willAttachWebview: ((e: Preventable) => void) | null = null;
  permission: ((p: string) => boolean) | null = null;

  constructor(id: number) {
    this.id = id;
  }

  setWindowOpenHandler(handler: (url: string) => void): void { this.windowOpen = handler; }
  onWillNavigate(listener: (e: Preventable, url: string) => void): void { this.willNavigate = listener; }
  onWillRedirect(listener: (e: Preventable, url: string) => void): void { this.willRedirect = listener; }
  onWillAttachWebview(listener: (e: Preventable) => void): void { this.willAttachWebview = listener; }
  setPermissionPolicy(allow: (permission: string) => boolean): void { this.permission = allow; }

  /** Returns whether the navigation was cancelled. */
  navigate(url: string): boolean {
    const e = preventable();
    this.willNavigate?.(e, url);
    return e.prevented;
  }

  redirect(url: string): boolean {
    const e = preventable();
    this.willRedirect?.(e, url);
    return e.prevented;
  }
}

export class FakeWindow implements WindowSurface {
  readonly options: WindowOptions;
  readonly contents: FakeContents;
  loaded: string[] = [];
  shown = 0;
  focused = 0;
  minimized = false;
  destroyed = false;
  loadError: Error | null = null;
  readonly #closed: Array<() => void> = [];

  constructor(options: WindowOptions, id: number) {
    this.options = options;
    this.contents = new FakeContents(id);
  }

  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return this.loadError ? Promise.reject(this.loadError) : Promise.resolve();
  }
  show(): void { this.shown++; }
  focus(): void { this.focused++; }
  isMinimized(): boolean { return this.minimized; }
  restore(): void { this.minimized = false; }
  isDestroyed(): boolean { return this.destroyed; }
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const l of this.#closed) l();
  }
  onClosed(listener: () => void): void { this.#closed.push(listener); }
}

export interface ShownNotification {
  spec: NotificationSpec;
  handlers: NotificationHandlers;
}

export class FakeSurface implements ShellSurface {
  readonly platform: NodeJS.Platform;
  readonly calls: string[] = [];
  readonly app: FakeApp;
  readonly trays: FakeTray[] = [];
  readonly windows: FakeWindow[] = [];
  readonly notifications: ShownNotification[] = [];
  readonly opened: string[] = [];
  readonly copied: string[] = [];
  readonly ipc = new Map<string, IpcHandler<IpcChannel>>();
  notificationsOn = true;
  dark = false;
  readonly #themeListeners: Array<() => void> = [];
  #nextContentsId = 100;

  constructor(platform: NodeJS.Platform = 'linux') {
    this.platform = platform;
    this.app = new FakeApp(this.calls);
  }

  get tray(): FakeTray {
    const t = this.trays.at(-1);
    if (!t) throw new Error('no tray was created');
    return t;
  }

  createTray(iconFile: string): TraySurface {
    this.calls.push('createTray');
    const t = new FakeTray(iconFile);
    this.trays.push(t);
    return t;
  }

  createWindow(options: WindowOptions): WindowSurface {
    this.calls.push('createWindow');
    const w = new FakeWindow(options, this.#nextContentsId++);
    this.windows.push(w);
    return w;
  }

  notificationsSupported(): boolean { return this.notificationsOn; }
  showNotification(spec: NotificationSpec, handlers: NotificationHandlers): void { this.notifications.push({ spec, handlers }); }
  openExternal(url: string): Promise<void> { this.opened.push(url); return Promise.resolve(); }
  copyText(text: string): void { this.copied.push(text); }
  prefersDarkTheme(): boolean { return this.dark; }
  onThemeChange(listener: () => void): void { this.#themeListeners.push(listener); }
  handleIpc<C extends IpcChannel>(channel: C, handler: IpcHandler<C>): void { this.ipc.set(channel, handler as IpcHandler<IpcChannel>); }

  setDark(dark: boolean): void {
    this.dark = dark;
    for (const l of this.#themeListeners) l();
  }

  /** Sends an IPC message as the page would, through the registered handler. */
  async invoke(channel: IpcChannel, sender: IpcSender, payload: unknown): Promise<unknown> {
    const handler = this.ipc.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(sender, payload);
  }
}
