/**
 * What a Latchkey window's page may do beyond rendering (S32): nothing, except ask for a
 * link to be opened in the system browser through the allow-list.
 *  - `window.open` / target=_blank: never a child window; allowed links go to the browser.
 *  - Navigation away from the loaded page: cancelled; allowed links go to the browser
 *    (provider consent belongs in the system browser, RFC 8252 §8.12).
 *  - Redirects: only within the broker's origin.
 *  - `<webview>`: refused. Permissions: refused, except writing text to the clipboard,
 *    which the page's copy buttons (env block, redirect URI) need.
 */
import type { WebContentsSurface } from './electron-surface.ts';

export interface GuardContext {
  /** The broker origin the window belongs to, e.g. http://127.0.0.1:24817. */
  brokerOrigin: () => string | null;
  /** Opens a URL externally if the allow-list accepts it; refusals are logged there. */
  openExternal: (url: string) => void;
}

export function windowPermissionAllowed(permission: string): boolean {
  return permission === 'clipboard-sanitized-write';
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

export function guardWindowContents(contents: WebContentsSurface, ctx: GuardContext): void {
  contents.setWindowOpenHandler((url) => ctx.openExternal(url));
  contents.onWillNavigate((event, url) => {
    event.preventDefault();
    ctx.openExternal(url);
  });
  contents.onWillRedirect((event, url) => {
    const broker = ctx.brokerOrigin();
    if (broker === null || originOf(url) !== broker) event.preventDefault();
  });
  contents.onWillAttachWebview((event) => event.preventDefault());
  contents.setPermissionPolicy(windowPermissionAllowed);
}
