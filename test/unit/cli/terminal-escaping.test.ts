/**
 * S34 (terminal half): text an agent chose — scopes, agent_id, user_id, labels, provider names —
 * never drives the terminal. ANSI escapes could make `admin:org delete_repo` show as `read:docs`,
 * bidi overrides can reorder a scope, a line feed can forge a line. The owner API is faked here
 * (whatever the API accepts or rejects, the CLI must not trust it); the bytes checked are the
 * ones the CLI writes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { activityCommand } from '../../../main/cli/commands/activity.ts';
import { approvalsList } from '../../../main/cli/commands/approvals.ts';
import { keysCommand } from '../../../main/cli/commands/keys.ts';
import type { OwnerClient } from '../../../main/cli/owner-client.ts';
import { createLogger } from '../../../main/adapters/logger.ts';
import { visibleText } from '../../../main/core/visible-text.ts';
import type { ActivityPage, KeyView, PendingRequestView } from '../../../main/http/owner-api-types.ts';
import { captureOut } from '../../helpers/capture-out.ts';

// Erase the line, go to column 0 and print a harmless scope over the real one; then a bidi override.
const ANSI_SCOPE = 'admin:org delete_repo\u001b[2K\u001b[1Gread:docs';
const CSI_C1 = 'x\u009b31mred';
const BIDI_AGENT = 'bot\u202egro:nimda\u202c';
const FORGED_LINE = 'bot\nfake-id  github  key=owner  needs approval';
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const request: PendingRequestView = {
  auth_id: 'a1', provider_id: 'github', provider_name: 'GitHub', key_label: 'lab\u001b]0;pwned\u0007el', agent_id: BIDI_AGENT, user_id: FORGED_LINE,
  scopes: [ANSI_SCOPE, CSI_C1], scope_descriptions: {}, approved: false, needs_consent: true, created_at: '', expires_at: '', start_url: '',
  held_scopes: [], waiting: 0, last_seen_at: '', agent_gone: false,
};

function fakeOwner(answers: Record<string, unknown>): OwnerClient {
  return { call: async <T>(_m: string, path: string) => answers[path.split('?')[0] ?? ''] as T };
}

describe('S34 untrusted text in the terminal', () => {
  test('S34 the fixtures hold raw ANSI escapes, a C1 CSI, bidi overrides and a line feed', () => {
    for (const raw of [ANSI_SCOPE, CSI_C1, BIDI_AGENT]) assert.match(raw, RAW, 'seen raw before');
    assert.ok(FORGED_LINE.includes('\n'));
  });

  test('S34 approvals list: ANSI escapes and bidi overrides in scopes/agent_id are shown escaped, one line per request', async () => {
    const out = captureOut();
    await approvalsList(fakeOwner({ '/ui/api/requests': [request] }), out, false);
    const text = out.text();
    assert.doesNotMatch(text.slice(0, -1), RAW, 'no control character reaches the terminal');
    assert.equal(text.split('\n').length, 2, 'a line feed in user_id does not forge a second request line');
    assert.ok(text.includes('admin:org delete_repo\\u001b[2K\\u001b[1Gread:docs'), text);
    assert.ok(text.includes('agent=bot\\u202egro:nimda\\u202c'), text);
    assert.ok(text.includes('x\\u009b31mred'));
  });

  test('S34 --json stays valid JSON that parses back to the original strings, with nothing raw', async () => {
    const out = captureOut();
    await approvalsList(fakeOwner({ '/ui/api/requests': [request] }), out, true);
    assert.doesNotMatch(out.text().replace(/\n/g, ''), RAW);
    assert.deepEqual((JSON.parse(out.text()) as PendingRequestView[])[0], request);
  });

  test('S34 activity and every table (keys list) escape labels, ids, scopes and details', async () => {
    const page: ActivityPage = { next_before: null, entries: [{ id: 1, at: '2026-12-01T00:00:00Z', type: 'request.created', key_label: 'k', agent_id: BIDI_AGENT, user_id: FORGED_LINE, provider_id: 'gh\u001b[8m', scopes: [ANSI_SCOPE], auth_id: 'a', decision: null, channel: null, detail: 'd\u001b[0m', count: 1 }] };
    const out = captureOut();
    await activityCommand(fakeOwner({ '/ui/api/activity': page }), out, { json: false });
    assert.doesNotMatch(out.text().slice(0, -1), RAW);
    assert.equal(out.text().split('\n').length, 2);
    const keys: KeyView[] = [{ id: 'k1', label: `evil\u001b[31m${'\u202e'}`, role: 'agent', created_at: 'now', revoked_at: null }];
    const table = captureOut();
    await keysCommand(fakeOwner({ '/ui/api/keys': keys }), table, 'list', undefined, { json: false });
    assert.doesNotMatch(table.text().replace(/\n/g, ''), RAW);
    assert.match(table.text(), /evil\\u001b\[31m\\u202e/);
  });

  test('S34 even text passed whole to out.line cannot carry a control sequence; only our own colours are added', () => {
    const plain = captureOut();
    plain.line(`x${ANSI_SCOPE}`);
    assert.doesNotMatch(plain.text().slice(0, -1), RAW);
    const coloured = captureOut(true);
    coloured.check('fail', ANSI_SCOPE);
    assert.equal(coloured.text(), `\u001b[31m✗\u001b[0m ${visibleText(ANSI_SCOPE)}\n`);
  });

  test('S34 log lines printed to a terminal escape C1 controls and bidi overrides that JSON leaves raw', () => {
    const lines: string[] = [];
    const destination = { write: (s: string) => { lines.push(s); } };
    createLogger({ destination, terminal: true }).info('request.created', { agentId: BIDI_AGENT, scope: CSI_C1 });
    const raw: string[] = [];
    createLogger({ destination: { write: (s: string) => { raw.push(s); } }, terminal: false }).info('request.created', { agentId: BIDI_AGENT });
    assert.match(raw.join(''), /\u202e/, 'seen raw in a log file (JSON does not escape it)');
    assert.doesNotMatch(lines.join('').replace(/\n/g, ''), RAW);
    assert.equal((JSON.parse(lines[0] ?? '{}') as { agentId: string }).agentId, BIDI_AGENT, 'still valid JSON');
  });
});
