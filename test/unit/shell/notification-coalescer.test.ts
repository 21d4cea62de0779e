import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotificationCoalescer, type RequestNotice } from '../../../main/shell/notification-coalescer.ts';
import type { PendingItem } from '../../../main/shell/shell-state.ts';
import { ManualTimers } from './harness.ts';

const item = (n: number): PendingItem => ({ authId: `a${n}`, providerId: 'github', who: `bot-${n}`, scopes: ['repo'], needsApproval: true });

function setup(maxIndividual?: number) {
  const timers = new ManualTimers();
  const shown: RequestNotice[] = [];
  const c = new NotificationCoalescer({ schedule: timers.schedule, emit: (n) => shown.push(n), windowMs: 1000, ...(maxIndividual ? { maxIndividual } : {}) });
  return { timers, shown, c };
}

describe('notification coalescing', () => {
  it('shows a lone request once its window ends, not before', () => {
    const { timers, shown, c } = setup();
    c.add(item(1));
    timers.advance(999);
    assert.equal(shown.length, 0);
    timers.advance(1);
    assert.deepEqual(shown, [{ kind: 'request', request: item(1) }]);
  });

  it('one notification per request when a few arrive together', () => {
    const { timers, shown, c } = setup();
    c.add(item(1));
    timers.advance(500);
    c.add(item(2));
    timers.advance(500);
    assert.deepEqual(shown.map((n) => (n.kind === 'request' ? n.request.authId : 'summary')), ['a1', 'a2']);
  });

  it('a single summary when many arrive in one burst', () => {
    const { timers, shown, c } = setup();
    for (let i = 1; i <= 5; i++) c.add(item(i));
    timers.advance(1000);
    assert.equal(shown.length, 1);
    const [summary] = shown;
    assert.equal(summary?.kind, 'summary');
    if (summary?.kind === 'summary') assert.deepEqual(summary.requests.map((r) => r.authId), ['a1', 'a2', 'a3', 'a4', 'a5']);
  });

  it('the threshold is configurable', () => {
    const { timers, shown, c } = setup(4);
    for (let i = 1; i <= 4; i++) c.add(item(i));
    timers.advance(1000);
    assert.equal(shown.filter((n) => n.kind === 'request').length, 4);
  });

  it('separate bursts are announced separately', () => {
    const { timers, shown, c } = setup();
    c.add(item(1));
    timers.advance(1000);
    c.add(item(2));
    timers.advance(1000);
    assert.equal(shown.length, 2);
  });

  it('never announces the same request twice', () => {
    const { timers, shown, c } = setup();
    c.add(item(1));
    c.add(item(1));
    timers.advance(1000);
    c.add(item(1));
    timers.advance(1000);
    assert.equal(shown.length, 1);
  });

  it('drops a request decided before its batch was shown', () => {
    const { timers, shown, c } = setup();
    c.add(item(1));
    c.add(item(2));
    c.drop('a1');
    timers.advance(1000);
    assert.deepEqual(shown, [{ kind: 'request', request: item(2) }]);
  });

  it('dispose cancels the pending window', () => {
    const { timers, shown, c } = setup();
    c.add(item(1));
    c.dispose();
    assert.equal(timers.pending, 0);
    timers.advance(5000);
    assert.equal(shown.length, 0);
  });
});
