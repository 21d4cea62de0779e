/**
 * The one Latchkey window: the broker's UI, signed in as the owner. Main mints a one-time
 * login link (`/#login=<token>`) and loads it; the page's script trades the fragment's
 * token for a session token kept in the window's localStorage and sent as a header, so no
 * cookie exists that another 127.0.0.1 port could receive (S33). Main itself never holds
 * the session token.
 * Opening again focuses the existing window (also what a second launch does).
 */
import type { ShellSurface, WindowSurface } from './electron-surface.ts';
import { guardWindowContents } from './window-guard.ts';
import { insecureWebPreferences, mainWindowOptions } from './window-options.ts';

export interface MainWindowDeps {
  surface: ShellSurface;
  preloadPath: string;
  devTools: boolean;
  brokerOrigin: () => string | null;
  openExternal: (url: string) => void;
  onLoadFailed: (error: unknown) => void;
}

export class MainWindow {
  readonly #deps: MainWindowDeps;
  #window: WindowSurface | null = null;

  constructor(deps: MainWindowDeps) {
    this.#deps = deps;
  }

  /** The WebContents id IPC must come from; null when no window is open. */
  contentsId(): number | null {
    return this.#window && !this.#window.isDestroyed() ? this.#window.contents.id : null;
  }

  isOpen(): boolean {
    return this.contentsId() !== null;
  }

  open(loginUrl: () => string): void {
    const existing = this.#window;
    if (existing && !existing.isDestroyed()) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return;
    }
    const { surface } = this.#deps;
    const options = mainWindowOptions({ preloadPath: this.#deps.preloadPath, prefersDark: surface.prefersDarkTheme(), devTools: this.#deps.devTools });
    const problems = insecureWebPreferences(options);
    if (problems.length > 0) throw new Error(`Refusing to open an insecure window: ${problems.join(', ')}`);
    const win = surface.createWindow(options);
    this.#window = win;
    guardWindowContents(win.contents, { brokerOrigin: this.#deps.brokerOrigin, openExternal: this.#deps.openExternal });
    win.onClosed(() => { if (this.#window === win) this.#window = null; });
    win.loadURL(loginUrl()).then(
      () => { win.show(); win.focus(); },
      // A window that never loaded is still hidden: close it rather than leave it invisible.
      (error: unknown) => { if (!win.isDestroyed()) win.close(); this.#deps.onLoadFailed(error); },
    );
  }

  close(): void {
    const win = this.#window;
    this.#window = null;
    if (win && !win.isDestroyed()) win.close();
  }
}
