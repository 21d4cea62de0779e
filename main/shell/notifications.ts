/**
 * Desktop notifications for what needs the owner: new requests (coalesced), connections
 * that need signing in again, keys asking to be paired, and "connected" confirmations.
 * Approve/Deny buttons appear only where the OS supports notification actions (macOS);
 * elsewhere a click opens the Latchkey window. Buttons and clicks become the same
 * TrayAction values the tray menu uses, so there is one dispatcher for both.
 */
import type { BrokerEvents } from '../core/events.ts';
import { visibleText } from '../core/visible-text.ts';
import type { ShellSurface } from './electron-surface.ts';
import { NotificationCoalescer, type RequestNotice, type Schedule } from './notification-coalescer.ts';
import type { PendingItem } from './shell-state.ts';
import type { TrayAction } from './tray-menu-model.ts';

export interface NotificationView {
  title: string;
  body: string;
  click: TrayAction | null;
  /** Buttons, in order; empty where the OS shows none. */
  buttons: ReadonlyArray<{ label: string; action: TrayAction }>;
}

/** The approval a notification button grants: short, and the same default as the owner API. */
export const NOTIFICATION_APPROVAL = '1h';

export function actionsSupported(platform: NodeJS.Platform): boolean {
  return platform === 'darwin';
}

const OPEN: TrayAction = { type: 'open-window' };

function describe(r: PendingItem): string {
  return `${r.who} wants ${r.providerId}${r.scopes.length > 0 ? ` (${r.scopes.join(' ')})` : ''}`;
}

export function requestNoticeView(notice: RequestNotice, platform: NodeJS.Platform): NotificationView {
  if (notice.kind === 'summary') {
    const who = [...new Set(notice.requests.map((r) => r.who))];
    return {
      title: `${notice.requests.length} requests are waiting for you`,
      body: `From ${who.slice(0, 3).join(', ')}${who.length > 3 ? ` and ${who.length - 3} more` : ''}. Open Latchkey to decide.`,
      click: OPEN,
      buttons: [],
    };
  }
  const r = notice.request;
  const buttons = !actionsSupported(platform) ? []
    : r.needsApproval
      ? [{ label: 'Approve for 1 hour', action: { type: 'approve', authId: r.authId, duration: NOTIFICATION_APPROVAL } as const }, { label: 'Deny', action: { type: 'deny', authId: r.authId } as const }]
      : [{ label: 'Continue', action: { type: 'continue-consent', authId: r.authId } as const }];
  return r.needsApproval
    ? { title: 'Approval needed', body: describe(r), click: OPEN, buttons }
    : { title: `${r.providerId} sign-in needed`, body: `${describe(r)}; you already allowed it, the provider consent is missing.`, click: OPEN, buttons };
}

export function reauthView(e: BrokerEvents['connection.needs_reauth']): NotificationView {
  const whose = e.agentId ? `${e.agentId} (user ${e.userId})` : `user ${e.userId}`;
  return { title: `${e.providerId} needs you to sign in again`, body: `The connection for ${whose} stopped refreshing: ${e.reason}`, click: OPEN, buttons: [] };
}

export function pairingView(e: BrokerEvents['key.pairing_requested']): NotificationView {
  return { title: 'An unknown API key is asking for access', body: `Key ${e.keyHint}… was refused. Approve it in Latchkey if it is yours.`, click: OPEN, buttons: [] };
}

export function connectedView(e: BrokerEvents['connection.created']): NotificationView {
  return { title: `${e.providerId} connected`, body: `The agent${e.agentId ? ` ${e.agentId}` : ''} has its token for user ${e.userId}.`, click: null, buttons: [] };
}

export interface Notifier {
  requestCreated(request: PendingItem): void;
  requestDecided(authId: string): void;
  show(view: NotificationView): void;
  dispose(): void;
}

export function createNotifier(deps: { surface: ShellSurface; dispatch: (action: TrayAction) => void; schedule: Schedule; windowMs?: number }): Notifier {
  const { surface, dispatch } = deps;
  const show = (view: NotificationView): void => {
    if (!surface.notificationsSupported()) return;
    // Agent ids, scopes, provider names and key hints reach these texts: never let them drive
    // the notification (S34). Escaping here, at the one place a notification is shown, covers every view.
    surface.showNotification(
      { title: visibleText(view.title), body: visibleText(view.body), actions: view.buttons.map((b) => visibleText(b.label)) },
      {
        onClick: () => { if (view.click) dispatch(view.click); },
        onAction: (index) => {
          const button = view.buttons[index];
          if (button) dispatch(button.action);
        },
      },
    );
  };
  const coalescer = new NotificationCoalescer({
    schedule: deps.schedule,
    ...(deps.windowMs !== undefined ? { windowMs: deps.windowMs } : {}),
    emit: (notice) => show(requestNoticeView(notice, surface.platform)),
  });
  return {
    requestCreated: (request) => coalescer.add(request),
    requestDecided: (authId) => coalescer.drop(authId),
    show,
    dispose: () => coalescer.dispose(),
  };
}
