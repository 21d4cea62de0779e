/** `latchkey approvals list|approve|deny`: decide on agents' requests from the terminal. */
import { isGrantDuration } from '../../core/grants.ts';
import { visibleText as v } from '../../core/visible-text.ts';
import type { ApproveResponse, PendingRequestView } from '../../http/owner-api-types.ts';
import { openUrl } from '../open-url.ts';
import { CliError, type Out } from '../output.ts';
import type { OwnerClient } from '../owner-client.ts';

export async function approvalsList(client: OwnerClient, out: Out, json: boolean): Promise<void> {
  const pending = await client.call<PendingRequestView[]>('GET', '/ui/api/requests');
  if (json) return out.line(JSON.stringify(pending, null, 2));
  if (pending.length === 0) return out.line('No pending requests.');
  for (const p of pending) {
    // Every field an agent chose is shown escaped, so it cannot rewrite the line (S34).
    out.line(`${v(p.auth_id)}  ${v(p.provider_id)}  key=${v(p.key_label)}  agent=${v(p.agent_id ?? '-')}  user=${v(p.user_id)}  scopes=${p.scopes.map(v).join(' ') || '-'}  ${p.approved ? 'approved, waiting for consent' : 'needs approval'}${p.needs_consent ? ' (provider sign-in needed)' : ''}`);
  }
}

export async function approvalsApprove(client: OwnerClient, out: Out, authId: string, duration: string): Promise<void> {
  if (!isGrantDuration(duration)) throw new CliError(`--for must be one of once, 1h, 8h, 30d, forever (got '${duration}').`);
  const res = await client.call<ApproveResponse>('POST', `/ui/api/requests/${encodeURIComponent(authId)}/approve`, { duration });
  if (!res.consent_url) return out.line(`Approved ${authId} (${duration}); the agent has its token.`);
  out.line(`Approved ${authId} (${duration}). A provider sign-in is still needed: open this single-use link in your browser (valid 10 minutes):`);
  openUrl(res.consent_url);
  out.line(res.consent_url);
}

export async function approvalsDeny(client: OwnerClient, out: Out, authId: string, remember: string): Promise<void> {
  if (!isGrantDuration(remember)) throw new CliError(`--remember must be one of once, 1h, 8h, 30d, forever (got '${remember}').`);
  await client.call('POST', `/ui/api/requests/${encodeURIComponent(authId)}/deny`, { remember });
  out.line(remember === 'once' ? `Denied ${authId}.` : `Denied ${authId}; identical requests are denied without asking for ${remember}.`);
}
