/**
 * The slice of Electron the shell uses, as small interfaces. main.ts adapts the real
 * modules to them (and tsc checks that adapter against electron.d.ts); unit tests pass an
 * in-memory fake. Everything else in main/shell is plain logic over this surface, so it
 * runs under Node without an Electron binary.
 */
import type { IpcChannel, IpcContract } from '../../preload/bridge-types.ts';
import type { MenuModel, TrayAction } from './tray-menu-model.ts';
import type { WindowOptions } from './window-options.ts';

export interface Preventable {
  preventDefault(): void;
}

export interface AppSurface {
  /** False when another Latchkey already holds the lock: this process must leave (S08). */
  requestSingleInstanceLock(): boolean;
  onSecondInstance(listener: () => void): void;
  whenReady(): Promise<void>;
  onBeforeQuit(listener: (event: Preventable) => void): void;
  /** A tray app keeps running when its last window closes. */
  keepAliveWithoutWindows(): void;
  quit(): void;
  exit(code: number): void;
  readonly version: string;
  /** null where Electron cannot register a login item (Linux). */
  openAtLogin(): boolean | null;
  setOpenAtLogin(enabled: boolean): void;
  /** Dock/launcher badge where the OS has one (macOS, Unity); a no-op elsewhere. */
  setBadgeCount(count: number): void;
}

export interface TraySurface {
  /** A file under assets/tray; Electron picks the @2x twin and honours `…Template` names. */
  setImage(iconFile: string): void;
  setToolTip(text: string): void;
  /** macOS menu-bar text next to the icon. */
  setTitle(text: string): void;
  /** Replaces the context menu; choosing an item calls `onSelect` with its action. */
  setMenu(menu: MenuModel, onSelect: (action: TrayAction) => void): void;
  destroy(): void;
}

export interface WebContentsSurface {
  readonly id: number;
  /** Every `window.open`/target=_blank asks this; the window never opens a child. */
  setWindowOpenHandler(handler: (url: string) => void): void;
  onWillNavigate(listener: (event: Preventable, url: string) => void): void;
  onWillRedirect(listener: (event: Preventable, url: string) => void): void;
  onWillAttachWebview(listener: (event: Preventable) => void): void;
  /** Camera, notifications, clipboard-read…: the answer for each request and check. */
  setPermissionPolicy(allow: (permission: string) => boolean): void;
}

export interface WindowSurface {
  readonly contents: WebContentsSurface;
  loadURL(url: string): Promise<void>;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
  close(): void;
  onClosed(listener: () => void): void;
}

export interface NotificationSpec {
  title: string;
  body: string;
  /** Button labels; shown only where the OS supports notification actions (macOS). */
  actions: readonly string[];
}

export interface NotificationHandlers {
  onClick(): void;
  onAction(index: number): void;
}

/** Who sent an IPC message: the WebContents id and the URL of the sending frame. */
export interface IpcSender {
  contentsId: number;
  frameUrl: string | null;
}

export type IpcHandler<C extends IpcChannel> = (sender: IpcSender, payload: unknown) => Promise<IpcContract[C]['response']> | IpcContract[C]['response'];

export interface ShellSurface {
  readonly platform: NodeJS.Platform;
  readonly app: AppSurface;
  createTray(iconFile: string): TraySurface;
  createWindow(options: WindowOptions): WindowSurface;
  notificationsSupported(): boolean;
  showNotification(spec: NotificationSpec, handlers: NotificationHandlers): void;
  openExternal(url: string): Promise<void>;
  copyText(text: string): void;
  prefersDarkTheme(): boolean;
  onThemeChange(listener: () => void): void;
  handleIpc<C extends IpcChannel>(channel: C, handler: IpcHandler<C>): void;
}
