/** `wait` without `timeout` waits upstream's documented 30 s (upstream §5 #11); the SDKs always send one. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Core } from '../../main/core/core.ts';
import type { ApiKey } from '../../main/core/model.ts';
import { sdkHandlers } from '../../main/http/sdk-handlers.ts';

test('wait: an absent timeout means 30 seconds; a given one is passed on', async () => {
  const asked: number[] = [];
  const core = { wait: async (_k: ApiKey, _id: string, seconds: number) => { asked.push(seconds); return { status: 'timeout', token: null }; } } as unknown as Core;
  const handlers = sdkHandlers(core);
  const key = { id: 'k', label: 'k', role: 'agent', hash: '', createdAt: 0, revokedAt: null } satisfies ApiKey;
  const call = (timeout: string | undefined) => handlers.wait({ key, body: undefined, query: timeout === undefined ? {} : { timeout }, params: { authId: 'lk-auth-x' }, signal: new AbortController().signal });
  assert.deepEqual(await call(undefined), { status: 'timeout', token: null });
  await call('300');
  assert.deepEqual(asked, [30, 300]);
});
