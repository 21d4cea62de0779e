import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isSubset, normalizeScopes, parseGrantedScope, unionScopes } from '../../main/core/scopes.ts';
import { WaitRegistry, type Schedule } from '../../main/core/waiters.ts';

describe('scope sets', () => {
  test('normalise: trimmed, de-duplicated, sorted; empty entries dropped', () => {
    assert.deepEqual(normalizeScopes([' repo', 'read:org', 'repo', '']), ['read:org', 'repo']);
  });
  test('subset and union', () => {
    assert.ok(isSubset(['a'], ['a', 'b']));
    assert.ok(isSubset([], []));
    assert.ok(!isSubset(['a', 'c'], ['a', 'b']));
    assert.deepEqual(unionScopes(['b', 'a'], ['c', 'a']), ['a', 'b', 'c']);
  });
  test('granted scope accepts RFC 6749 spaces and GitHub/Slack commas', () => {
    assert.deepEqual(parseGrantedScope('repo,read:org'), ['read:org', 'repo']);
    assert.deepEqual(parseGrantedScope('openid profile'), ['openid', 'profile']);
    assert.equal(parseGrantedScope(undefined), undefined);
  });
});

/** Timers under the test's control. */
function manualSchedule() {
  const timers = new Set<{ fn: () => void; at: number }>();
  let now = 0;
  const schedule: Schedule = (fn, ms) => {
    const t = { fn, at: now + ms };
    timers.add(t);
    return () => timers.delete(t);
  };
  return {
    schedule,
    pending: () => timers.size,
    advance(ms: number) {
      now += ms;
      for (const t of [...timers]) if (t.at <= now) { timers.delete(t); t.fn(); }
    },
  };
}

describe('wait registry', () => {
  test('release answers every waiter on the id and leaves nothing registered', async () => {
    const clock = manualSchedule();
    const reg = new WaitRegistry<string>({ schedule: clock.schedule });
    const all = Promise.all([reg.wait('a', 1000), reg.wait('a', 1000), reg.wait('a', 1000)]);
    const other = reg.wait('b', 1000);
    assert.equal(reg.release('a', 'done'), 3);
    assert.deepEqual(await all, ['done', 'done', 'done']);
    assert.equal(reg.size, 1);
    assert.equal(clock.pending(), 1, 'released waiters cancel their timers');
    clock.advance(1000);
    assert.equal(await other, 'timeout');
    assert.equal(reg.size, 0);
    assert.equal(clock.pending(), 0);
  });

  test('abort (client went away) removes the waiter', async () => {
    const reg = new WaitRegistry<string>({ schedule: manualSchedule().schedule });
    const ac = new AbortController();
    const w = reg.wait('a', 1000, ac.signal);
    ac.abort();
    assert.equal(await w, 'timeout');
    assert.equal(reg.size, 0);
    assert.equal(reg.release('a', 'late'), 0);
  });

  test('S29 caps per request and in total → 429', () => {
    const reg = new WaitRegistry<string>({ caps: { perRequest: 2, perKey: 100, total: 3 }, schedule: manualSchedule().schedule });
    void reg.wait('a', 10);
    void reg.wait('a', 10);
    assert.throws(() => reg.wait('a', 10), (e: Error & { status?: number }) => e.status === 429);
    void reg.wait('b', 10);
    assert.throws(() => reg.wait('c', 10), (e: Error & { status?: number }) => e.status === 429);
  });

  test('releaseAll answers everyone with timeout (shutdown)', async () => {
    const reg = new WaitRegistry<string>({ schedule: manualSchedule().schedule });
    const ws = [reg.wait('a', 10), reg.wait('b', 10)];
    reg.releaseAll();
    assert.deepEqual(await Promise.all(ws), ['timeout', 'timeout']);
    assert.equal(reg.size, 0);
  });
});
