/**
 * Owner sessions in memory (S33): one-time login tokens, the session list and logout, and
 * single-use event tickets tied to a live session.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cryptoIds } from '../../main/adapters/system.ts';
import { EVENT_TICKET_TTL_MS, LOGIN_LINK_TTL_MS, OwnerSessions, SESSION_TTL_MS } from '../../main/core/owner-sessions.ts';
import { FakeClock } from '../helpers/fakes.ts';

function sessions() {
  const clock = new FakeClock();
  return { clock, s: new OwnerSessions({ clock, ids: cryptoIds }) };
}

describe('S33 owner sessions', () => {
  test('a login token redeems once, within its lifetime, into a session token that only its hash is kept for', () => {
    const { clock, s } = sessions();
    const t = s.mintLoginToken();
    const first = s.redeemLoginToken(t, 'Chromium on Linux');
    assert.ok(first);
    assert.equal(s.redeemLoginToken(t, 'again'), undefined, 'single use');
    assert.equal(s.session(first.token)?.id, first.session.id);
    assert.ok(!JSON.stringify(s.list()).includes(first.token), 'the list never shows a token');
    const late = s.mintLoginToken();
    clock.advance(LOGIN_LINK_TTL_MS + 1);
    assert.equal(s.redeemLoginToken(late, 'late'), undefined, 'expired link');
    clock.advance(SESSION_TTL_MS);
    assert.equal(s.session(first.token), undefined, 'expired session');
  });

  test('sessions are listed, end one by one or all at once, and tell listeners when they end', () => {
    const { s } = sessions();
    const a = s.redeemLoginToken(s.mintLoginToken(), 'A')!;
    const b = s.redeemLoginToken(s.mintLoginToken(), 'B')!;
    assert.deepEqual(s.list().map((x) => x.client), ['A', 'B']);
    const ended: string[] = [];
    const off = s.onEnded((id) => ended.push(id));
    assert.equal(s.end(a.session.id), true);
    assert.equal(s.end(a.session.id), false);
    assert.equal(s.session(a.token), undefined);
    assert.ok(s.session(b.token));
    assert.equal(s.endAll(), 1);
    assert.equal(s.session(b.token), undefined);
    assert.deepEqual(ended, [a.session.id, b.session.id]);
    off();
  });

  test('event tickets open one stream, shortly after, and only while their session lives', () => {
    const { clock, s } = sessions();
    const a = s.redeemLoginToken(s.mintLoginToken(), 'A')!;
    const t1 = s.mintEventTicket(a.session.id);
    assert.deepEqual(s.redeemEventTicket(t1), { sessionId: a.session.id });
    assert.equal(s.redeemEventTicket(t1), undefined, 'single use');
    const t2 = s.mintEventTicket(a.session.id);
    clock.advance(EVENT_TICKET_TTL_MS + 1);
    assert.equal(s.redeemEventTicket(t2), undefined, 'expired');
    const t3 = s.mintEventTicket(a.session.id);
    s.end(a.session.id);
    assert.equal(s.redeemEventTicket(t3), undefined, 'its session ended');
    assert.deepEqual(s.redeemEventTicket(s.mintEventTicket(null)), { sessionId: null }, 'the CLI has no session');
  });

  test('at most 64 sessions: the least recently seen gives way', () => {
    const { clock, s } = sessions();
    const first = s.redeemLoginToken(s.mintLoginToken(), 'first')!;
    for (let i = 0; i < 64; i++) { clock.advance(1); s.redeemLoginToken(s.mintLoginToken(), `n${i}`); }
    assert.equal(s.list().length, 64);
    assert.equal(s.session(first.token), undefined);
  });
});
