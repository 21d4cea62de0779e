/**
 * The main-process side of the preload bridge. Every message is checked before it is
 * read: it must come from the Latchkey window's own WebContents, from a frame showing the
 * broker's origin, and its payload is parsed from `unknown`. A message that fails is
 * refused with an error the page sees as a rejected promise.
 */
import type { AppInfo, OpenExternalResult } from '../../preload/bridge-types.ts';
import type { IpcSender, ShellSurface } from './electron-surface.ts';

export interface BridgeContext {
  /** The WebContents id of the Latchkey window, or null when none is open. */
  trustedContentsId: () => number | null;
  brokerOrigin: () => string | null;
  openExternal: (url: string) => Promise<OpenExternalResult>;
  appInfo: AppInfo;
}

export class UntrustedSender extends Error {}

export function isTrustedSender(sender: IpcSender, ctx: Pick<BridgeContext, 'trustedContentsId' | 'brokerOrigin'>): boolean {
  const id = ctx.trustedContentsId();
  const origin = ctx.brokerOrigin();
  if (id === null || origin === null || sender.contentsId !== id || sender.frameUrl === null) return false;
  try {
    return new URL(sender.frameUrl).origin === origin;
  } catch {
    return false;
  }
}

export function registerBridgeHandlers(surface: ShellSurface, ctx: BridgeContext): void {
  const check = (sender: IpcSender): void => {
    if (!isTrustedSender(sender, ctx)) throw new UntrustedSender('This message did not come from the Latchkey window.');
  };
  surface.handleIpc('latchkey:app-info', (sender, payload) => {
    check(sender);
    if (payload !== null && payload !== undefined) throw new TypeError('app-info takes no argument');
    return { ...ctx.appInfo };
  });
  surface.handleIpc('latchkey:open-external', (sender, payload) => {
    check(sender);
    if (typeof payload !== 'string') return { opened: false, reason: 'not a URL' };
    return ctx.openExternal(payload);
  });
}
