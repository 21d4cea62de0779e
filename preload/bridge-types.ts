/**
 * The one contract between the window's page and the Electron main process. Both sides
 * import it with `import type`: the preload builds its bridge from these names, the main
 * process types its handlers with them, and the renderer reads `window.latchkey` through
 * `LatchkeyBridge`. A channel name cannot drift from its payload types because the name
 * is the key of the type that carries them.
 */

export interface AppInfo {
  version: string;
  platform: string;
}

/** Why an external link did or did not open; the page can tell the user. */
export type OpenExternalResult = { opened: true } | { opened: false; reason: string };

/** Channel → what the page sends and what main answers. Payloads arrive in main as `unknown`. */
export interface IpcContract {
  'latchkey:app-info': { request: null; response: AppInfo };
  'latchkey:open-external': { request: string; response: OpenExternalResult };
}

export type IpcChannel = keyof IpcContract;

/** What the page sees as `window.latchkey` in the desktop app (absent in a plain browser). */
export interface LatchkeyBridge {
  readonly isDesktop: true;
  appInfo(): Promise<AppInfo>;
  /** Opens a link in the system browser if main's allow-list accepts it (S32). */
  openExternal(url: string): Promise<OpenExternalResult>;
}

/** The global name the bridge is exposed under. */
export type BridgeKey = 'latchkey';
