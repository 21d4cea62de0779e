/**
 * The Pending list as a reducer over server reads and live events. Events carry ids, not
 * whole views, so `request.created` only marks the list stale (the page re-reads it),
 * while `request.decided` updates or removes the row at once.
 */
import type { OwnerEvent, PendingRequestView } from '../../../main/http/owner-api-types.ts';
import { stableMerge } from './stable-merge.ts';

export interface PendingState {
  items: PendingRequestView[];
  loaded: boolean;
  /** True when an event says the server has something newer than `items`. */
  stale: boolean;
}

export type PendingAction =
  | { type: 'loaded'; items: PendingRequestView[] }
  | { type: 'event'; event: OwnerEvent }
  | { type: 'resync' }
  | { type: 'removed'; authId: string };

export const INITIAL_PENDING: PendingState = { items: [], loaded: false, stale: true };

const byAge = (a: PendingRequestView, b: PendingRequestView): number => a.created_at.localeCompare(b.created_at);

export function pendingReducer(state: PendingState, action: PendingAction): PendingState {
  switch (action.type) {
    case 'loaded':
      return { items: stableMerge(state.items, [...action.items].sort(byAge), (p) => p.auth_id), loaded: true, stale: false };
    case 'removed':
      return { ...state, items: state.items.filter((p) => p.auth_id !== action.authId) };
    case 'resync':
      return { ...state, stale: true };
    case 'event':
      return onEvent(state, action.event);
  }
}

function onEvent(state: PendingState, event: OwnerEvent): PendingState {
  switch (event.name) {
    case 'request.created':
      return { ...state, stale: true };
    case 'request.decided': {
      const { authId, status } = event.data;
      if (status === 'approved') {
        // Approved but waiting for the provider consent: the row stays, marked approved.
        return { ...state, items: state.items.map((p) => (p.auth_id === authId ? { ...p, approved: true } : p)) };
      }
      return { ...state, items: state.items.filter((p) => p.auth_id !== authId) };
    }
    default:
      return state;
  }
}

/** What the tab title and the nav badge count: requests still waiting for a decision. */
export function awaitingDecision(items: readonly PendingRequestView[]): number {
  return items.filter((p) => !p.approved).length;
}
