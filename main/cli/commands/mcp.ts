/**
 * `latchkey mcp …`: the bridge MCP clients start, and the owner's view of it.
 *   mcp <server-url>                      the stdio bridge (main/cli/mcp/bridge.ts)
 *   mcp config <server-url> [--client c]  the snippet to paste into an MCP client's config
 *   mcp list [--json]                     bridged servers, their connections, last use
 *   mcp reset-key                         forget the bridge's key (after the owner revoked it)
 * The SDK is loaded only by the bridge itself (dynamic import), so nothing else pays for it.
 */
import type { ActivityPage, ConnectionView, ProviderView } from '../../http/owner-api-types.ts';
import { CliError, type Out } from '../output.ts';
import type { OwnerClient } from '../owner-client.ts';
import { table } from '../table.ts';

export const MCP_CLIENTS = ['claude', 'cursor', 'vscode'] as const;
export type McpClientName = (typeof MCP_CLIENTS)[number];

/** A name for the server entry in a client's config: its host, without port or dots. */
function entryName(serverUrl: string): string {
  return new URL(serverUrl).hostname.split('.').filter((p) => p !== 'www').slice(0, 2).join('-') || 'remote';
}

export function mcpConfig(serverUrl: string, client: string, home: string | undefined): string {
  if (!(MCP_CLIENTS as readonly string[]).includes(client)) throw new CliError(`--client must be one of ${MCP_CLIENTS.join(', ')} (got '${client}').`, 2);
  const args = ['mcp', serverUrl, ...(home ? ['--home', home] : [])];
  const name = entryName(serverUrl);
  const entry = { command: 'latchkey', args };
  switch (client as McpClientName) {
    case 'claude':
      return [
        '// Claude Desktop: claude_desktop_config.json; Claude Code: .mcp.json in the project (or run the command below)',
        JSON.stringify({ mcpServers: { [name]: entry } }, null, 2),
        '',
        `# Claude Code, from a terminal:\nclaude mcp add ${name} -- latchkey ${args.map(shellWord).join(' ')}`,
      ].join('\n');
    case 'cursor':
      return ['// Cursor: ~/.cursor/mcp.json (all projects) or .cursor/mcp.json (this project)', JSON.stringify({ mcpServers: { [name]: entry } }, null, 2)].join('\n');
    case 'vscode':
      return ['// VS Code: .vscode/mcp.json in the workspace (or "MCP: Add Server…" → stdio)', JSON.stringify({ servers: { [name]: { type: 'stdio', ...entry } } }, null, 2)].join('\n');
  }
}

const shellWord = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export interface BridgedServer {
  provider_id: string;
  server_url: string;
  connections: Array<{ client: string | null; user_id: string; status: string; scopes: string[]; expires_at: string | null }>;
  last_used: string | null;
  last_client: string | null;
}

/** MCP providers with the bridge's connections and the last token the bridge got for each. */
export async function mcpList(owner: OwnerClient, out: Out, json: boolean, bridgeLabel: string): Promise<void> {
  const [providers, connections, activity] = await Promise.all([
    owner.call<ProviderView[]>('GET', '/ui/api/providers'),
    owner.call<ConnectionView[]>('GET', '/ui/api/connections'),
    owner.call<ActivityPage>('GET', `/ui/api/activity?${new URLSearchParams({ key: bridgeLabel, type: 'token.released', limit: '1000' }).toString()}`),
  ]);
  const servers: BridgedServer[] = providers.filter((p) => p.mcp_server_url !== null).map((p) => {
    const last = activity.entries.find((e) => e.provider_id === p.provider_id);
    return {
      provider_id: p.provider_id, server_url: p.mcp_server_url ?? '',
      connections: connections.filter((c) => c.provider_id === p.provider_id && c.key_label === bridgeLabel)
        .map((c) => ({ client: c.agent_id, user_id: c.user_id, status: c.status, scopes: c.scopes, expires_at: c.expires_at })),
      last_used: last?.at ?? null, last_client: last?.agent_id ?? null,
    };
  });
  if (json) return out.line(JSON.stringify(servers, null, 2));
  if (servers.length === 0) return out.line('No MCP servers yet. Add one to an MCP client with `latchkey mcp config <server-url>`.');
  type Row = BridgedServer & { c: BridgedServer['connections'][number] | null };
  const rows: Row[] = servers.flatMap((s): Row[] => (s.connections.length === 0 ? [{ ...s, c: null }] : s.connections.map((c) => ({ ...s, c }))));
  for (const line of table([['SERVER', 'PROVIDER', 'CLIENT', 'STATUS', 'SCOPES', 'LAST USED'], ...rows.map((r) => [
    r.server_url, r.provider_id, r.c?.client ?? '-', r.c?.status ?? 'not connected', r.c?.scopes.join(' ') || '-',
    r.last_used ? `${r.last_used}${r.last_client ? ` by ${r.last_client}` : ''}` : 'never',
  ])])) out.line(line);
}
