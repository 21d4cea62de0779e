/**
 * Opens a consent or provider link outside the page. In the desktop window the preload
 * bridge hands it to the system browser (main re-checks it against its allow-list); in a
 * browser it opens a new tab. Reports whether it worked so the page can offer the link.
 */
import type { LatchkeyBridge, OpenExternalResult } from '../../../preload/bridge-types.ts';

function bridge(): LatchkeyBridge | undefined {
  return (window as Window & { latchkey?: LatchkeyBridge }).latchkey;
}

export function isDesktop(): boolean {
  return bridge()?.isDesktop === true;
}

export async function openExternal(url: string): Promise<OpenExternalResult> {
  const desktop = bridge();
  if (desktop) {
    try {
      return await desktop.openExternal(url);
    } catch (error) {
      return { opened: false, reason: error instanceof Error ? error.message : String(error) };
    }
  }
  const tab = window.open(url, '_blank');
  if (!tab) return { opened: false, reason: 'the browser blocked the new tab' };
  tab.opener = null;
  return { opened: true };
}
