/**
 * How the tray icon itself tells the state: the count of pending approvals (menu-bar title
 * on macOS, an attention dot elsewhere, the dock/launcher badge where there is one), and a
 * tooltip that names the state in words — including the port when it is taken (S07).
 */
import type { BrokerState } from './shell-state.ts';

/** Windows truncates tray tooltips at 127 characters (NOTIFYICONDATA.szTip). */
export const TOOLTIP_MAX = 127;

/** '' when nothing waits, so the menu bar shows just the icon. */
export function badgeText(pending: number): string {
  if (pending <= 0) return '';
  return pending > 9 ? '9+' : String(pending);
}

export function trayTitle(platform: NodeJS.Platform, pending: number): string {
  // Only macOS draws tray titles; elsewhere the icon's dot carries the signal.
  return platform === 'darwin' ? badgeText(pending) : '';
}

export function stateLine(state: BrokerState): string {
  switch (state.kind) {
    case 'starting': return `Starting on port ${state.port}…`;
    case 'running': return state.keychain.ok ? `Running on port ${state.port}` : `Running on port ${state.port} — keychain unavailable`;
    case 'paused': return `Paused (port ${state.port} released)`;
    case 'port-taken': return `Port ${state.port} is taken — not started`;
    case 'failed': return `Not running: ${state.message}`;
    case 'stopping': return 'Stopping…';
  }
}

export function trayTooltip(state: BrokerState, pending: number): string {
  let text = `Latchkey — ${stateLine(state)}`;
  if (state.kind === 'running' && pending > 0) text += ` · ${pending} waiting for approval`;
  if (state.kind === 'port-taken') text += '. Stop the other program or set LATCHKEY_PORT.';
  return text.length > TOOLTIP_MAX ? `${text.slice(0, TOOLTIP_MAX - 1)}…` : text;
}

/**
 * The icon file: a template image on macOS (the menu bar tints it for light and dark),
 * otherwise a glyph that contrasts with the theme. The alert twin carries a dot while
 * something needs the owner: pending approvals or a broker that is not running.
 */
export function trayIconFile(platform: NodeJS.Platform, prefersDark: boolean, state: BrokerState, pending: number): string {
  const alert = pending > 0 || state.kind === 'port-taken' || state.kind === 'failed' || (state.kind === 'running' && !state.keychain.ok);
  if (platform === 'darwin') return alert ? 'trayAlertTemplate.png' : 'trayTemplate.png';
  const base = prefersDark ? 'tray-dark' : 'tray-light';
  return alert ? `${base}-alert.png` : `${base}.png`;
}
