/**
 * Is anyone still waiting for a pending request? (issue 16: "nobody is waiting any more".)
 * An open long-poll, or an authenticate/wait within AGENT_GONE_AFTER_MS, means yes; after
 * that the request is marked gone but stays decidable until it expires.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AGENT_GONE_AFTER_MS, PENDING_TTL_MS } from '../../main/core/auth-requests.ts';
import { coreHarness } from '../helpers/fakes.ts';
import { ownerVia } from '../helpers/owner.ts';

const issue = () => ({ access_token: 'at', token_type: 'Bearer', refresh_token: 'rt', expires_in: 3600 });

describe('agent presence on a pending request', () => {
  test('fresh → present; silent past the limit → gone; asking again → present; a held wait → present however long', async () => {
    const h = coreHarness(() => issue());
    const key = h.core.keys.list().find((k) => k.role === 'owner')!;
    const ask = () => h.core.requests.authenticate(key, { provider: 'idp', scopes: ['read'], userId: 'u', agentId: 'bot' });
    const first = await ask();
    const presence = () => h.core.requests.presence(h.core.requests.get(first.authId!)!);
    assert.deepEqual(presence(), { waiting: 0, lastSeenAt: h.clock.now(), gone: false });

    h.clock.advance(AGENT_GONE_AFTER_MS + 1);
    assert.equal(presence().gone, true, 'nobody asked for longer than the limit');

    await ask(); // the same call again joins the same request and counts as a sign of life
    assert.equal(presence().gone, false);

    const controller = new AbortController();
    const waiting = h.core.requests.wait(key, first.authId!, 600, controller.signal);
    h.clock.advance(AGENT_GONE_AFTER_MS * 10);
    assert.deepEqual({ waiting: presence().waiting, gone: presence().gone }, { waiting: 1, gone: false }, 'an open wait is someone waiting');
    controller.abort();
    await waiting;
    assert.deepEqual({ waiting: presence().waiting, gone: presence().gone }, { waiting: 0, gone: false }, 'the wait just ended');
    h.clock.advance(AGENT_GONE_AFTER_MS + 1);
    assert.equal(presence().gone, true);

    // Gone is a mark, not a verdict: the owner can still decide until the request expires.
    assert.ok(PENDING_TTL_MS > AGENT_GONE_AFTER_MS * 10 + 3 * AGENT_GONE_AFTER_MS);
    const { consentRequired } = await h.core.requests.approve(ownerVia('window'), first.authId!, '1h');
    assert.equal(consentRequired, true);
  });
});
