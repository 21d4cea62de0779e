import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { OwnerEvent, PendingRequestView } from '../../../main/http/owner-api-types.ts';
import { INITIAL_PENDING, awaitingDecision, pendingReducer, type PendingState } from '../../../renderer/src/logic/pending-reducer.ts';
import { stableMerge } from '../../../renderer/src/logic/stable-merge.ts';
import { titleWithBadge } from '../../../renderer/src/logic/title.ts';

function request(authId: string, createdAt: string, overrides: Partial<PendingRequestView> = {}): PendingRequestView {
  return {
    auth_id: authId, provider_id: 'github', provider_name: 'GitHub', key_label: 'Dev key', agent_id: 'triage-bot', user_id: 'me',
    scopes: ['repo'], scope_descriptions: {}, approved: false, needs_consent: true, created_at: createdAt,
    expires_at: '2030-01-01T00:00:00Z', start_url: `http://127.0.0.1:1/start/${authId}`,
    held_scopes: [], waiting: 1, last_seen_at: createdAt, agent_gone: false, ...overrides,
  };
}

const decided = (authId: string, status: 'approved' | 'completed' | 'denied' | 'failed'): OwnerEvent => ({ name: 'request.decided', data: { authId, status, via: 'window' } });
const created = (authId: string): OwnerEvent => ({
  name: 'request.created',
  data: { authId, providerId: 'github', keyLabel: 'Dev key', agentId: 'a', userId: 'me', scopes: ['repo'], needsConsent: true, needsApproval: true },
});

function loaded(items: PendingRequestView[]): PendingState {
  return pendingReducer(INITIAL_PENDING, { type: 'loaded', items });
}

describe('pending list reducer', () => {
  test('starts stale so the page reads the list; a read sorts oldest first and clears stale', () => {
    assert.equal(INITIAL_PENDING.stale, true);
    const state = loaded([request('b', '2025-01-01T00:00:02Z'), request('a', '2025-01-01T00:00:01Z')]);
    assert.deepEqual(state.items.map((p) => p.auth_id), ['a', 'b']);
    assert.equal(state.loaded, true);
    assert.equal(state.stale, false);
  });

  test('request.created marks the list stale (events carry no full view); the re-read appends without moving rows', () => {
    const first = loaded([request('a', '2025-01-01T00:00:01Z'), request('b', '2025-01-01T00:00:02Z')]);
    const stale = pendingReducer(first, { type: 'event', event: created('c') });
    assert.equal(stale.stale, true);
    assert.deepEqual(stale.items, first.items);
    const reread = pendingReducer(stale, { type: 'loaded', items: [request('c', '2025-01-01T00:00:03Z'), request('b', '2025-01-01T00:00:02Z'), request('a', '2025-01-01T00:00:01Z')] });
    assert.deepEqual(reread.items.map((p) => p.auth_id), ['a', 'b', 'c']);
    assert.equal(reread.stale, false);
  });

  test('a decision made elsewhere removes the row at once; "approved" keeps it, marked, until consent completes', () => {
    const state = loaded([request('a', '2025-01-01T00:00:01Z'), request('b', '2025-01-01T00:00:02Z'), request('c', '2025-01-01T00:00:03Z')]);
    const approved = pendingReducer(state, { type: 'event', event: decided('a', 'approved') });
    assert.deepEqual(approved.items.map((p) => [p.auth_id, p.approved]), [['a', true], ['b', false], ['c', false]]);
    const denied = pendingReducer(approved, { type: 'event', event: decided('b', 'denied') });
    const completed = pendingReducer(denied, { type: 'event', event: decided('a', 'completed') });
    const failed = pendingReducer(completed, { type: 'event', event: decided('c', 'failed') });
    assert.deepEqual(denied.items.map((p) => p.auth_id), ['a', 'c']);
    assert.deepEqual(completed.items.map((p) => p.auth_id), ['c']);
    assert.deepEqual(failed.items, []);
  });

  test('events about other things leave the list alone; a reconnected stream asks for a re-read', () => {
    const state = loaded([request('a', '2025-01-01T00:00:01Z')]);
    const other: OwnerEvent = { name: 'connection.created', data: { connectionId: 'x', providerId: 'github', userId: 'me', agentId: null } };
    assert.equal(pendingReducer(state, { type: 'event', event: other }), state);
    assert.equal(pendingReducer(state, { type: 'resync' }).stale, true);
    assert.deepEqual(pendingReducer(state, { type: 'removed', authId: 'a' }).items, []);
  });

  test('the badge counts only requests still waiting for a decision', () => {
    const items = [request('a', '1', { approved: true }), request('b', '2'), request('c', '3')];
    assert.equal(awaitingDecision(items), 2);
    assert.equal(titleWithBadge(awaitingDecision(items)), '(2) Latchkey');
    assert.equal(titleWithBadge(0), 'Latchkey');
    assert.equal(titleWithBadge(250), '(99+) Latchkey');
  });
});

describe('stable merge', () => {
  test('known rows keep their place with fresh data, gone rows drop, new rows append in server order', () => {
    const key = (x: { id: string }): string => x.id;
    const shown = [{ id: 'a', v: 1 }, { id: 'b', v: 1 }, { id: 'c', v: 1 }];
    const fresh = [{ id: 'd', v: 2 }, { id: 'c', v: 2 }, { id: 'a', v: 2 }, { id: 'e', v: 2 }];
    assert.deepEqual(stableMerge(shown, fresh, key), [{ id: 'a', v: 2 }, { id: 'c', v: 2 }, { id: 'd', v: 2 }, { id: 'e', v: 2 }]);
    assert.deepEqual(stableMerge([], fresh, key), fresh);
  });
});
