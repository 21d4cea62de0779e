/** `latchkey grants list|revoke`: who may get what, until when. */
import type { GrantView } from '../../http/owner-api-types.ts';
import { CliError, type Out } from '../output.ts';
import type { OwnerClient } from '../owner-client.ts';
import { table } from '../table.ts';

export async function grantsCommand(client: OwnerClient, out: Out, sub: string | undefined, arg: string | undefined, json: boolean): Promise<void> {
  if (sub === 'revoke') {
    if (!arg) throw new CliError('Which grant? latchkey grants revoke <id> (ids from `latchkey grants list`)', 2);
    await client.call('DELETE', `/ui/api/grants/${encodeURIComponent(arg)}`);
    return out.line(`Revoked grant ${arg}; the next matching request asks you again.`);
  }
  if (sub !== undefined && sub !== 'list') throw new CliError(`Unknown grants command '${sub}'.`, 2);
  const grants = await client.call<GrantView[]>('GET', '/ui/api/grants');
  if (json) return out.line(JSON.stringify(grants, null, 2));
  if (grants.length === 0) return out.line('No live grants.');
  for (const l of table([['ID', 'PROVIDER', 'KEY', 'AGENT', 'USER', 'SCOPES', 'UNTIL'], ...grants.map((g) => [g.id, g.provider_id, g.key_label, g.agent_id ?? '-', g.user_id, g.scopes.join(' ') || '-', g.single_use ? 'once' : (g.expires_at ?? 'revoked')])])) out.line(l);
}
