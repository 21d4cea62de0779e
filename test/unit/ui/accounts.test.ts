import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectionView } from '../../../main/http/owner-api-types.ts';
import { accountName, accountsByProvider, labelDraft } from '../../../renderer/src/logic/accounts.ts';

const view = (over: Partial<ConnectionView>): ConnectionView => ({
  id: '11111111-0000-4000-8000-000000000000', provider_id: 'github', provider_name: 'GitHub', key_label: 'bot', user_id: 'default', agent_id: null,
  scopes: [], status: 'ok', expires_at: null, last_refresh_at: null, next_refresh_at: null, created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z', label: null, is_default: false, source: 'flow', bound_agents: [], ...over,
});

test('accounts are grouped per provider by name, the default first, then the newest', () => {
  const groups = accountsByProvider([
    view({ id: 'a', provider_id: 'slack', provider_name: 'Slack' }),
    view({ id: 'b', created_at: '2026-02-01T00:00:00.000Z' }),
    view({ id: 'c', is_default: true }),
    view({ id: 'd', created_at: '2026-03-01T00:00:00.000Z' }),
  ]);
  assert.deepEqual(groups.map((g) => [g.providerName, g.accounts.map((a) => a.id)]), [['GitHub', ['c', 'd', 'b']], ['Slack', ['a']]]);
});

test('an account without a label is named by its id; an empty label draft changes nothing', () => {
  assert.equal(accountName({ label: 'octocat', id: 'x' }), 'octocat');
  assert.equal(accountName({ label: null, id: '0123456789abcdef' }), 'account 01234567');
  assert.equal(labelDraft('  work  '), 'work');
  assert.equal(labelDraft('   '), null);
});
