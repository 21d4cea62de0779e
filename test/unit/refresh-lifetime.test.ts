/**
 * Refresh that fits the token's lifetime (issue 12 §1), with the Clock port and a token
 * endpoint that counts its calls. For 3 s, 60 s, 300 s and 3600 s tokens: a fresh token is
 * never refreshed, 50 callers arriving once it is due cause exactly one refresh, and calls
 * spread over several lifetimes refresh once per due point. The sweep keeps to the same
 * rule and to the backoff after a failure.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiKey } from '../../main/core/model.ts';
import { isDue, refreshLeadMs } from '../../main/core/refresh.ts';
import { parseTokenSet, tokenSetFromResponse } from '../../main/core/token-sets.ts';
import { UpstreamError } from '../../main/core/upstream-error.ts';
import { coreHarness, type CoreHarness, type TokenScript } from '../helpers/fakes.ts';
import { ownerVia } from '../helpers/owner.ts';

const LIFETIMES_S = [3, 60, 300, 3600];
/** The broker's default margin; a set is due when less than min(margin, lifetime / 4) is left. */
const MARGIN_MS = 5 * 60_000;
const leadMs = (lifetimeS: number) => Math.min(MARGIN_MS, (lifetimeS * 1000) / 4);

/** One macrotask: the token endpoint answers after other callers had a chance to arrive. */
const nextTurn = () => new Promise<void>((r) => setImmediate(r));

type Connected = CoreHarness & { key: ApiKey; authenticate: () => ReturnType<CoreHarness['core']['requests']['authenticate']>; refreshedAt: number[] };

/** A connection approved forever, whose provider issues `lifetimeS`-second tokens and answers on the next turn. */
async function connected(lifetimeS: number, script?: TokenScript): Promise<Connected> {
  let i = 0;
  const refreshedAt: number[] = [];
  const h = coreHarness(async (kind, input) => {
    if (kind === 'refresh') refreshedAt.push(h.clock.now());
    if (kind === 'refresh' && script) return script(kind, input);
    await nextTurn();
    const n = i++;
    return { access_token: `at-${n}`, token_type: 'Bearer', refresh_token: `rt-${n}`, expires_in: lifetimeS };
  });
  const key = h.core.keys.list().find((k) => k.role === 'owner')!;
  const a = await h.core.requests.authenticate(key, { provider: 'idp', scopes: ['s'] });
  await h.core.requests.approve(ownerVia('cli'), a.authId!, 'forever');
  const url = new URL(await h.core.flows.begin(h.core.requests.get(a.authId!)!, 'b'));
  await h.core.flows.callback('idp', new URLSearchParams({ code: 'c', state: url.searchParams.get('state')! }), { hash: 'b' });
  return { ...h, key, refreshedAt, authenticate: () => h.core.requests.authenticate(key, { provider: 'idp', scopes: ['s'] }) };
}

describe('refresh fits the token lifetime', () => {
  for (const lifetimeS of LIFETIMES_S) {
    test(`${lifetimeS} s token: a fresh token is never refreshed — 5 authenticate calls, 0 refreshes`, async () => {
      const h = await connected(lifetimeS);
      for (let n = 0; n < 5; n++) {
        const a = await h.authenticate();
        assert.equal(a.token, 'at-0');
        h.clock.advance((lifetimeS * 1000) / 10);
      }
      assert.equal(h.oauth.calls.refresh, 0);
    });

    test(`${lifetimeS} s token: 50 callers arriving once it is due → exactly one token-endpoint call, one token for all`, async () => {
      const h = await connected(lifetimeS);
      h.clock.advance(lifetimeS * 1000 - leadMs(lifetimeS));
      // Callers keep arriving over the refresh and after it, as on a busy broker.
      const answers: Promise<Awaited<ReturnType<Connected['authenticate']>>>[] = [];
      for (let n = 0; n < 50; n++) {
        answers.push(h.authenticate());
        if (n % 5 === 4) {
          await nextTurn();
          h.clock.advance(Math.floor((lifetimeS * 1000) / 200));
        }
      }
      const tokens = (await Promise.all(answers)).map((a) => a.token);
      console.log(`${lifetimeS} s token, 50 callers once due: ${h.oauth.calls.refresh} token-endpoint call(s), ${new Set(tokens).size} distinct token(s)`);
      assert.equal(h.oauth.calls.refresh, 1);
      assert.deepEqual(new Set(tokens), new Set(['at-1']));
    });

    test(`${lifetimeS} s token: calls spread over three lifetimes → one refresh per due point, never an expired token`, async () => {
      const h = await connected(lifetimeS);
      let issued = h.clock.now();
      const lifetimeMs = lifetimeS * 1000;
      const step = lifetimeMs / 20;
      for (let n = 0; n < 60; n++) {
        h.clock.advance(step);
        const a = await h.authenticate();
        assert.equal(a.status, 'completed');
        assert.ok(a.expiresAt !== null && a.expiresAt > h.clock.now(), `call ${n} got an expired token`);
      }
      // Each refresh came only once the set it replaced was due; none in between.
      for (const at of h.refreshedAt) {
        assert.ok(at - issued >= lifetimeMs - leadMs(lifetimeS), `refreshed ${at - issued} ms after the previous issue`);
        issued = at;
      }
      const duePoints = Math.floor((60 * step) / (lifetimeMs - leadMs(lifetimeS)));
      console.log(`${lifetimeS} s token, 60 calls over 3 lifetimes: ${h.oauth.calls.refresh} refreshes (due points: ${duePoints})`);
      assert.ok(h.oauth.calls.refresh >= 3 && h.oauth.calls.refresh <= duePoints, `${h.oauth.calls.refresh} refreshes`);
    });
  }

  test('"Refresh now" is two things: force refreshes a set that is not due; only ignoreBackoff calls a provider that is backing off', async () => {
    let down = true;
    const h = await connected(3600, () => {
      if (down) throw new UpstreamError('transient', 'provider answered HTTP 503');
      return { access_token: 'at-new', token_type: 'Bearer', refresh_token: 'rt-new', expires_in: 3600 };
    });
    const id = h.store.connections.listAll()[0]!.id;
    await h.core.connections.refresh(id, { force: true });
    assert.equal(h.oauth.calls.refresh, 1, 'force refreshes a token far from expiry');
    await h.core.connections.refresh(id, { force: true });
    assert.equal(h.oauth.calls.refresh, 1, 'force alone waits out the backoff');
    down = false;
    const set = await h.core.connections.refresh(id, { force: true, ignoreBackoff: true });
    assert.equal(h.oauth.calls.refresh, 2);
    assert.equal(set.accessToken, 'at-new');
  });
});

describe('the sweep keeps to the due rule and the backoff', () => {
  /** Run one sweep a minute for `minutes`; returns refreshes performed. */
  async function sweepFor(h: Connected, minutes: number): Promise<number> {
    let refreshed = 0;
    for (let m = 0; m < minutes; m++) {
      h.clock.advance(60_000);
      refreshed += await h.core.sweep.runOnce();
    }
    return refreshed;
  }

  test('a 5-minute token is refreshed by the sweep at most twice per lifetime, never on every pass', async () => {
    const h = await connected(300);
    const refreshed = await sweepFor(h, 30);
    console.log(`sweep, 300 s token, 30 passes: ${refreshed} refreshes`);
    assert.ok(refreshed >= 5 && refreshed <= 12, `${refreshed} refreshes in 30 passes`);
    for (let n = 1; n < h.refreshedAt.length; n++) assert.ok(h.refreshedAt[n]! - h.refreshedAt[n - 1]! >= 150_000);
  });

  test('a 60-second token nobody uses is not refreshed on every pass; authenticate refreshes it when asked', async () => {
    const h = await connected(60);
    assert.equal(await sweepFor(h, 30), 0);
    const a = await h.authenticate();
    assert.equal(a.token, 'at-1');
    assert.equal(h.oauth.calls.refresh, 1);
  });

  test('a provider that is down gets calls no faster than the backoff allows, not one per pass', async () => {
    const h = await connected(3600, () => { throw new UpstreamError('transient', 'provider answered HTTP 503'); });
    h.clock.advance(3600_000 - leadMs(3600));
    await sweepFor(h, 60);
    console.log(`sweep, provider down, 60 passes: ${h.oauth.calls.refresh} token-endpoint calls`);
    assert.ok(h.oauth.calls.refresh > 1 && h.oauth.calls.refresh <= 25, `${h.oauth.calls.refresh} calls in 60 passes`);
    assert.equal(h.store.connections.listAll()[0]!.status, 'ok', 'an outage never revokes');
  });
});

describe('the due rule on stored sets', () => {
  const base = { accessToken: 'a', tokenType: 'Bearer', refreshToken: 'r', idToken: null, extra: {} };

  test('a set sealed before issue times were recorded (no issuedAt) keeps the plain margin, once', () => {
    const old = parseTokenSet(JSON.stringify({ ...base, expiresAt: 1_000_000 }));
    assert.equal(old.issuedAt, undefined);
    assert.equal(refreshLeadMs(old, MARGIN_MS), MARGIN_MS);
    // Its successor records when it was issued, so from then on the lifetime bounds the margin.
    const next = tokenSetFromResponse({ access_token: 'b', token_type: 'Bearer', expires_in: 300 }, 2_000_000, old);
    assert.equal(next.issuedAt, 2_000_000);
    assert.equal(refreshLeadMs(next, MARGIN_MS), 75_000);
  });

  test('no expiry: never due by time; an expired set is always due', () => {
    assert.equal(refreshLeadMs({ ...base, expiresAt: null, issuedAt: 0 }, MARGIN_MS), null);
    assert.equal(isDue({ ...base, expiresAt: null, issuedAt: 0 }, 10 ** 12, MARGIN_MS), false);
    assert.equal(isDue({ ...base, expiresAt: 1000, issuedAt: 1000 }, 1000, MARGIN_MS), true);
    assert.equal(isDue({ ...base, expiresAt: 61_000, issuedAt: 1000 }, 1000, MARGIN_MS), false, 'fresh');
  });
});
