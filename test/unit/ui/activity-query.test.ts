import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTimeParam } from '../../../main/http/owner-api/time-param.ts';
import { EMPTY_FILTERS, activityQuery, exportHref, hasFilters } from '../../../renderer/src/logic/activity-query.ts';

describe('activity filters → query string', () => {
  test('no filters: an empty query and a bare export link', () => {
    assert.equal(activityQuery(EMPTY_FILTERS), '');
    assert.equal(exportHref(EMPTY_FILTERS), '/ui/api/activity/export');
    assert.equal(hasFilters(EMPTY_FILTERS), false);
  });

  test('every filter is trimmed, encoded and named as the broker expects', () => {
    const filters = { provider: ' github ', agent: 'triage bot', key: 'Dev & CI', decision: 'approved 1h', range: '24h' as const };
    const query = activityQuery(filters, { limit: 100, before: 42 });
    const params = new URLSearchParams(query);
    assert.deepEqual(Object.fromEntries(params), { provider: 'github', agent: 'triage bot', key: 'Dev & CI', decision: 'approved 1h', since: '24h', limit: '100', before: '42' });
    assert.ok(!query.includes(' '), 'spaces are encoded');
    assert.equal(hasFilters(filters), true);
  });

  test('the export link carries the same filters as the list, without paging', () => {
    const filters = { ...EMPTY_FILTERS, provider: 'google', range: '7d' as const };
    assert.equal(exportHref(filters), '/ui/api/activity/export?provider=google&since=7d');
    assert.equal(activityQuery(filters, { before: null }), 'provider=google&since=7d');
  });

  test('every time range is a relative age the broker understands', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    const expected = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
    for (const [range, ms] of Object.entries(expected)) {
      const since = new URLSearchParams(activityQuery({ ...EMPTY_FILTERS, range: range as keyof typeof expected })).get('since') ?? undefined;
      assert.equal(parseTimeParam('since', since, now), now - ms, range);
    }
  });
});
