/** Per-key rate limits (S09): the token bucket, the prompt budget and the failed-key budget. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RateLimiter } from '../../main/core/rate-limits.ts';
import { FakeClock, coreHarness } from '../helpers/fakes.ts';

const token = () => ({ access_token: `at-${Math.random()}`, token_type: 'Bearer', expires_in: 86_400 });

describe('rate limits (S09)', () => {
  test('token bucket: capacity, then 429 with Retry-After, refilled over time', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter(clock, { capacity: 3, refillPerMinute: 6 }, 'slow down');
    for (let i = 0; i < 3; i++) limiter.take('k');
    assert.throws(() => limiter.take('k'), (e: Error & { status?: number; headers?: Record<string, string> }) => e.status === 429 && e.headers?.['Retry-After'] === '10');
    limiter.take('other');
    clock.advance(10_000);
    limiter.take('k');
  });

  test('prompt-producing calls have a per-key budget; identical calls do not spend it', async () => {
    const h = coreHarness(token);
    const owner = h.core.keys.list().find((k) => k.role === 'owner')!;
    for (let i = 0; i < 50; i++) await h.core.requests.authenticate(owner, { provider: 'idp', scopes: ['same'] });
    let created = 0;
    await assert.rejects(async () => {
      for (let i = 0; i < 50; i++) { await h.core.requests.authenticate(owner, { provider: 'idp', scopes: [`s${i}`] }); created++; }
    }, (e: Error & { status?: number }) => e.status === 429);
    assert.equal(created, 19, 'capacity 20 minus the one identical request above');
  });

  test('failed key attempts have a budget too', () => {
    const h = coreHarness(token);
    let unauthorized = 0;
    assert.throws(() => { for (;;) { try { h.core.keys.authenticate('lk_wrong-key-value-000000'); } catch (e) { if ((e as { status?: number }).status === 401) unauthorized++; else throw e; } } }, (e: Error & { status?: number }) => e.status === 429);
    assert.equal(unauthorized, 30);
  });
});
