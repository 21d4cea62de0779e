/** `latchkey activity [--since 1h] [--provider p] [--json]`: the activity log, newest first. */
import { visibleText as v } from '../../core/visible-text.ts';
import type { ActivityPage } from '../../http/owner-api-types.ts';
import type { Out } from '../output.ts';
import type { OwnerClient } from '../owner-client.ts';

export async function activityCommand(client: OwnerClient, out: Out, opts: { since?: string | undefined; provider?: string | undefined; json: boolean; limit?: string | undefined }): Promise<void> {
  const q = new URLSearchParams();
  if (opts.since) q.set('since', opts.since);
  if (opts.provider) q.set('provider', opts.provider);
  q.set('limit', opts.limit ?? '100');
  const page = await client.call<ActivityPage>('GET', `/ui/api/activity?${q.toString()}`);
  if (opts.json) {
    for (const e of page.entries) out.line(JSON.stringify(e));
    return;
  }
  if (page.entries.length === 0) return out.line('No activity in that window.');
  for (const e of [...page.entries].reverse()) {
    // Labels, ids, scopes and details come from agents and providers: shown escaped (S34).
    const who = [e.key_label && `key=${v(e.key_label)}`, e.agent_id && `agent=${v(e.agent_id)}`, e.user_id && `user=${v(e.user_id)}`].filter(Boolean).join(' ');
    const what = [e.provider_id && v(e.provider_id), e.scopes?.map(v).join(' ')].filter(Boolean).join(' ');
    const extra = [e.decision, e.channel && `via ${e.channel}`, e.count > 1 ? `×${e.count}` : null, e.detail && v(e.detail)].filter(Boolean).join('; ');
    out.line(`${e.at}  ${v(e.type).padEnd(22)} ${who}  ${what}${extra ? `  (${extra})` : ''}`);
  }
}
