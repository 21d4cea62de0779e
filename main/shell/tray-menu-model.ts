/**
 * The tray menu as plain data, computed from the broker state and the pending requests.
 * Items carry actions as values rather than callbacks, so the whole menu is testable and
 * main.ts only translates it into Electron's Menu template.
 */
import { GRANT_DURATION_VALUES, type GrantDuration } from '../core/model.ts';
import { visibleText } from '../core/visible-text.ts';
import { stateLine } from './badge.ts';
import type { BrokerState, PendingItem } from './shell-state.ts';

export type TrayAction =
  | { type: 'approve'; authId: string; duration: GrantDuration }
  | { type: 'deny'; authId: string }
  | { type: 'continue-consent'; authId: string }
  | { type: 'open-window' }
  | { type: 'copy-env' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'set-open-at-login'; enabled: boolean }
  | { type: 'quit' };

export type MenuEntry =
  | { kind: 'item'; label: string; enabled: boolean; action: TrayAction | null }
  | { kind: 'checkbox'; label: string; checked: boolean; action: TrayAction }
  | { kind: 'submenu'; label: string; entries: readonly MenuEntry[] }
  | { kind: 'separator' };

export type MenuModel = readonly MenuEntry[];

/** The same choices as the approval page (design.md §4), shortest first; a new duration fails to compile until it has a label. */
const APPROVE_LABELS: Readonly<Record<GrantDuration, string>> = {
  once: 'Once', '1h': 'For 1 hour', '8h': 'For 8 hours', '30d': 'For 30 days', forever: 'Until revoked',
};
export const APPROVE_CHOICES: ReadonlyArray<{ duration: GrantDuration; label: string }> = GRANT_DURATION_VALUES.map((duration) => ({ duration, label: APPROVE_LABELS[duration] }));

/** A long list belongs in the window; the menu shows the oldest few. */
export const MAX_MENU_REQUESTS = 8;
const MAX_LABEL = 64;

/**
 * Agent ids and scopes come from agents: control characters and bidi overrides are shown
 * escaped (S34), `&` would become a Windows menu mnemonic, and a very long label would stretch
 * the menu off screen.
 */
export function menuLabel(text: string): string {
  const safe = visibleText(text);
  const short = safe.length > MAX_LABEL ? `${safe.slice(0, MAX_LABEL - 1)}…` : safe;
  return short.replace(/&/g, '&&');
}

export function requestLabel(p: PendingItem): string {
  return menuLabel(`${p.who} → ${p.providerId}${p.scopes.length > 0 ? ` (${p.scopes.join(' ')})` : ''}`);
}

function requestEntry(p: PendingItem): MenuEntry {
  const decide: MenuEntry[] = p.needsApproval
    ? [
      { kind: 'submenu', label: 'Approve', entries: APPROVE_CHOICES.map((c) => ({ kind: 'item', label: c.label, enabled: true, action: { type: 'approve', authId: p.authId, duration: c.duration } })) },
      { kind: 'item', label: 'Deny', enabled: true, action: { type: 'deny', authId: p.authId } },
    ]
    : [
      // Already approved (by policy or earlier): only the provider sign-in is missing.
      { kind: 'item', label: 'Continue to provider sign-in', enabled: true, action: { type: 'continue-consent', authId: p.authId } },
      { kind: 'item', label: 'Deny', enabled: true, action: { type: 'deny', authId: p.authId } },
    ];
  return { kind: 'submenu', label: requestLabel(p), entries: decide };
}

export interface TrayMenuInput {
  state: BrokerState;
  pending: readonly PendingItem[];
  /** null where the OS offers no login item (Linux). */
  openAtLogin: boolean | null;
}

export function trayMenuModel(input: TrayMenuInput): MenuModel {
  const { state, pending } = input;
  const running = state.kind === 'running';
  const entries: MenuEntry[] = [{ kind: 'item', label: menuLabel(`Latchkey — ${stateLine(state)}`), enabled: false, action: null }];

  if (running && pending.length > 0) {
    entries.push({ kind: 'separator' }, { kind: 'item', label: `Waiting for you (${pending.length})`, enabled: false, action: null });
    for (const p of pending.slice(0, MAX_MENU_REQUESTS)) entries.push(requestEntry(p));
    if (pending.length > MAX_MENU_REQUESTS) {
      entries.push({ kind: 'item', label: `${pending.length - MAX_MENU_REQUESTS} more… (open Latchkey)`, enabled: true, action: { type: 'open-window' } });
    }
  }

  entries.push(
    { kind: 'separator' },
    { kind: 'item', label: 'Open Latchkey', enabled: running, action: { type: 'open-window' } },
    { kind: 'item', label: 'Copy env block', enabled: running, action: { type: 'copy-env' } },
  );
  if (running) entries.push({ kind: 'item', label: 'Pause broker', enabled: true, action: { type: 'pause' } });
  else if (state.kind === 'paused') entries.push({ kind: 'item', label: 'Resume broker', enabled: true, action: { type: 'resume' } });
  else if (state.kind === 'port-taken' || state.kind === 'failed') entries.push({ kind: 'item', label: `Retry on port ${state.port}`, enabled: true, action: { type: 'resume' } });

  if (input.openAtLogin !== null) {
    entries.push({ kind: 'checkbox', label: 'Start at login', checked: input.openAtLogin, action: { type: 'set-open-at-login', enabled: !input.openAtLogin } });
  }
  entries.push({ kind: 'separator' }, { kind: 'item', label: 'Quit Latchkey', enabled: state.kind !== 'stopping', action: { type: 'quit' } });
  return entries;
}
