/** `latchkey activity [--since 1h] [--provider p] [--json]`: the activity log, newest first. */
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
    const who = [e.key_label && `key=${e.key_label}`, e.agent_id && `agent=${e.agent_id}`, e.user_id && `user=${e.user_id}`].filter(Boolean).join(' ');
    const what = [e.provider_id, e.scopes?.join(' ')].filter(Boolean).join(' ');
    const extra = [e.decision, e.channel && `via ${e.channel}`, e.count > 1 ? `×${e.count}` : null, e.detail].filter(Boolean).join('; ');
    out.line(`${e.at}  ${e.type.padEnd(22)} ${who}  ${what}${extra ? `  (${extra})` : ''}`);
  }
}
