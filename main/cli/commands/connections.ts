/** `latchkey connections list|refresh|revoke`: stored tokens per provider/user/agent (never the tokens). */
import type { ConnectionView } from '../../http/owner-api-types.ts';
import { CliError, type Out } from '../output.ts';
import type { OwnerClient } from '../owner-client.ts';
import { table } from '../table.ts';

export async function connectionsCommand(client: OwnerClient, out: Out, sub: string | undefined, arg: string | undefined, json: boolean): Promise<void> {
  if (sub === 'refresh' || sub === 'revoke') {
    if (!arg) throw new CliError(`Which connection? latchkey connections ${sub} <id>`, 2);
    if (sub === 'revoke') {
      await client.call('DELETE', `/ui/api/connections/${encodeURIComponent(arg)}`);
      return out.line(`Revoked connection ${arg} (at the provider where it has a revocation endpoint) and deleted its tokens.`);
    }
    const c = await client.call<ConnectionView>('POST', `/ui/api/connections/${encodeURIComponent(arg)}/refresh`, {});
    return out.line(`Connection ${c.id}: ${c.status}; expires ${c.expires_at ?? 'never'}; last refresh ${c.last_refresh_at ?? 'never'}.`);
  }
  if (sub !== undefined && sub !== 'list') throw new CliError(`Unknown connections command '${sub}'.`, 2);
  const list = await client.call<ConnectionView[]>('GET', '/ui/api/connections');
  if (json) return out.line(JSON.stringify(list, null, 2));
  if (list.length === 0) return out.line('No connections yet.');
  for (const l of table([['ID', 'PROVIDER', 'KEY', 'AGENT', 'USER', 'SCOPES', 'STATUS', 'EXPIRES', 'LAST REFRESH'], ...list.map((c) => [c.id, c.provider_id, c.key_label, c.agent_id ?? '-', c.user_id, c.scopes.join(' ') || '-', c.status, c.expires_at ?? 'never', c.last_refresh_at ?? '-'])])) out.line(l);
}
