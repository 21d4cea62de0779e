/** `latchkey keys create|list|revoke|pairings|pair|reject|reissue-owner`: API keys for agents, adopting unknown ones, a new owner key. */
import type { CreateKeyResponse, KeyView, PairingView, ReissueOwnerResponse } from '../../http/owner-api-types.ts';
import { CliError, type Out } from '../output.ts';
import type { OwnerClient } from '../owner-client.ts';
import { table } from '../table.ts';

export async function keysCommand(client: OwnerClient, out: Out, sub: string | undefined, arg: string | undefined, opts: { label?: string | undefined; role?: string | undefined; json: boolean }): Promise<void> {
  const role = opts.role ?? 'agent';
  if (role !== 'agent' && role !== 'owner') throw new CliError(`--role must be agent or owner (got '${role}').`, 2);
  switch (sub) {
    case 'create': {
      if (!opts.label) throw new CliError('Give the key a label: latchkey keys create --label triage-bot', 2);
      const res = await client.call<CreateKeyResponse>('POST', '/ui/api/keys', { label: opts.label, role });
      if (opts.json) return out.line(JSON.stringify(res, null, 2));
      out.line(`Created ${res.record.role} key '${res.record.label}'. It is shown this once — store it where the agent reads LANGSMITH_API_KEY:`);
      out.line(res.key);
      return;
    }
    case 'list':
    case undefined: {
      const keys = await client.call<KeyView[]>('GET', '/ui/api/keys');
      if (opts.json) return out.line(JSON.stringify(keys, null, 2));
      for (const l of table([['ID', 'LABEL', 'ROLE', 'CREATED', 'REVOKED'], ...keys.map((k) => [k.id, k.label, k.role, k.created_at, k.revoked_at ?? '-'])])) out.line(l);
      return;
    }
    case 'revoke': {
      if (!arg) throw new CliError('Which key? latchkey keys revoke <id> (ids from `latchkey keys list`)', 2);
      const ended = await client.call<{ requests_cancelled: number; grants_revoked: number; trust_rules_removed: number }>('DELETE', `/ui/api/keys/${encodeURIComponent(arg)}`);
      // S37: say what ended with the key.
      return out.line(`Revoked key ${arg}; requests with it now get 401. Ended with it: ${ended.requests_cancelled} pending request(s), ${ended.grants_revoked} grant(s), ${ended.trust_rules_removed} trust rule(s).`);
    }
    case 'pairings': {
      const pairings = await client.call<PairingView[]>('GET', '/ui/api/pairings');
      if (opts.json) return out.line(JSON.stringify(pairings, null, 2));
      if (pairings.length === 0) return out.line('No pairing requests. An unknown API key used against Latchkey shows up here.');
      for (const l of table([['ID', 'KEY', 'FIRST SEEN', 'LAST SEEN', 'ATTEMPTS'], ...pairings.map((p) => [p.id, p.key_hint, p.first_seen_at, p.last_seen_at, String(p.attempts)])])) out.line(l);
      return;
    }
    case 'pair': {
      if (!arg || !opts.label) throw new CliError('latchkey keys pair <pairing id> --label <name> [--role agent|owner]', 2);
      const key = await client.call<KeyView>('POST', `/ui/api/pairings/${encodeURIComponent(arg)}/accept`, { label: opts.label, role });
      return out.line(`Adopted the key as ${key.role} '${key.label}'; the agent can use it now.`);
    }
    case 'reissue-owner': {
      const res = await client.call<ReissueOwnerResponse>('POST', '/ui/api/keys/reissue-owner', {});
      if (opts.json) return out.line(JSON.stringify(res, null, 2));
      out.line(`Issued a new owner key${res.revoked.length > 0 ? ` and revoked the old one (${res.revoked.join(', ')}): agents using it get 401 now` : ''}. It is shown this once; \`latchkey env\` prints it again:`);
      out.line(res.env_block);
      return;
    }
    case 'reject':
      if (!arg) throw new CliError('latchkey keys reject <pairing id>', 2);
      await client.call('POST', `/ui/api/pairings/${encodeURIComponent(arg)}/reject`, {});
      return out.line(`Rejected pairing request ${arg}.`);
    default:
      throw new CliError(`Unknown keys command '${sub}'.`, 2);
  }
}
