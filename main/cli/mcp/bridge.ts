/**
 * `latchkey mcp <server-url>`: wires the bridge. stdout belongs to the MCP protocol, so
 * every human-readable line goes to stderr (which MCP clients show in their logs).
 *
 *   MCP client ⇄ stdio (StdioServerTransport) ⇄ Relay ⇄ ServerLink (Streamable HTTP, or
 *   HTTP+SSE) ⇄ authorizedFetch (Bearer from BrokerTokens) ⇄ the remote MCP server
 *
 * BrokerTokens reaches the running broker lazily, on the first message: its URL from
 * `<home>/runtime.json`, the bridge's agent key from the keychain (bridge-key.ts), the
 * server's provider (server-provider.ts).
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { osKeychain } from '../../adapters/keychain.ts';
import { Client } from '../../client/client.ts';
import { CliError } from '../output.ts';
import { ownerClient } from '../owner-client.ts';
import { bridgeKey } from './bridge-key.ts';
import { BridgeFailure } from './bridge-errors.ts';
import { BrokerTokens, type BrokerSession } from './broker-tokens.ts';
import { authorizedFetch } from './authorized-fetch.ts';
import { Relay } from './relay.ts';
import { ServerLink } from './server-link.ts';
import { ensureServerProvider } from './server-provider.ts';

export interface BridgeOptions {
  serverUrl: string;
  home: string;
  /** How long `initialize` waits for the owner's decision before answering with the link. */
  approvalWaitMs: number;
}

export const START_BROKER = 'latchkey serve';

export function checkServerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`'${raw}' is not a URL. Give the MCP server's endpoint, e.g. https://example.com/mcp.`, 2);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CliError(`The MCP server URL must be http(s):// (got ${url.protocol}).`, 2);
  return url.toString();
}

/** The broker, the bridge's key and the server's provider, as BrokerTokens needs them. */
function connectToBroker(options: BridgeOptions): (agentId: string | null) => Promise<BrokerSession> {
  return async (agentId) => {
    try {
      const owner = ownerClient(options.home);
      const apiKey = await bridgeKey(owner, osKeychain(), options.home);
      // Waits are long-polls with their own timeout; other calls get 30 s on a busy laptop.
      const auth = new Client({ apiUrl: await owner.url(), apiKey, timeoutMs: 30_000 });
      const providerId = await ensureServerProvider({ agent: auth, owner }, options.serverUrl, agentId);
      return { auth, providerId };
    } catch (err) {
      if (err instanceof CliError) throw new BridgeFailure(/serve/.test(err.message) ? err.message : `${err.message} Start it with \`${START_BROKER}\`.`, 'broker_unavailable');
      throw err;
    }
  };
}

export async function runBridge(options: BridgeOptions): Promise<void> {
  const log = (line: string) => { process.stderr.write(`${line}\n`); };
  const tokens = new BrokerTokens({ connect: connectToBroker(options), brokerHint: START_BROKER });
  const server = new ServerLink(options.serverUrl, authorizedFetch(tokens));
  const client = new StdioServerTransport();
  const relay = new Relay({ client, server, tokens, approvalWaitMs: options.approvalWaitMs, log, onClient: (name) => log(`latchkey mcp: ${name} → ${options.serverUrl}`) });
  // The client ends the session by closing our stdin (or with a signal).
  const ended = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await relay.start();
  await ended;
  await relay.close().catch((err: unknown) => log(`latchkey mcp: closing: ${err instanceof Error ? err.message : String(err)}`));
  await client.close();
  // A long-poll for the owner's decision may still be open: the client has gone, so do not
  // linger for it (unref: fires only if something is still holding the process).
  setTimeout(() => process.exit(0), 500).unref();
}
