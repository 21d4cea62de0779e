/**
 * Wires the core services together from ports, and exposes the operations the channels
 * perform as named use cases (core/use-cases/): authenticate and wait, the owner's
 * decisions, providers, keys. Channels (SDK routes, owner API, CLI, tray) call those, so
 * they all follow the same rules and write the same activity entries by construction.
 * Knows nothing of HTTP, SQLite or Electron: compose.ts hands it real adapters, unit tests
 * hand it fakes.
 */
import { AccountService } from './accounts.ts';
import { redirectUri } from './links.ts';
import { ActivityLog } from './activity.ts';
import { AuthRequests, type AuthenticateInput } from './auth-requests.ts';
import { Policy } from './policy.ts';
import { ConnectionService } from './connections.ts';
import { EventBus } from './events.ts';
import { GrantService } from './grants.ts';
import { KeyService } from './keys.ts';
import { OAuthFlows } from './oauth-flows.ts';
import { OwnerSessions } from './owner-sessions.ts';
import type { ApiKey } from './model.ts';
import type { Clock, Ids, Logger, OAuthClient, Store, Vault } from './ports.ts';
import { ProviderService } from './providers.ts';
import { RefreshSweep } from './refresh-sweep.ts';
import { decisionUseCases } from './use-cases/decide.ts';
import { keyUseCases } from './use-cases/manage-keys.ts';
import { providerUseCases } from './use-cases/manage-providers.ts';
import { McpClients } from './mcp/mcp-clients.ts';

export interface CorePorts {
  store: Store;
  vault: Vault;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  oauth: OAuthClient;
  /** The broker's own origin, e.g. http://127.0.0.1:24817; known once listening. */
  baseUrl: () => string;
  allowInsecureEndpoints?: boolean;
  refreshMarginMs?: number;
  random?: () => number;
}

export type Core = ReturnType<typeof createCore>;

export function createCore(ports: CorePorts) {
  const { store, vault, clock, ids, logger, oauth, baseUrl } = ports;
  const allowInsecureEndpoints = ports.allowInsecureEndpoints ?? false;
  const events = new EventBus();
  const activity = new ActivityLog({ store, clock, logger });
  const keys = new KeyService({ store, vault, clock, ids, events, activity });
  const keyLabel = (id: string): string => keys.byId(id)?.label ?? 'unknown key';
  const policy = new Policy({ store, activity, logger });

  const providers = new ProviderService({ store, vault, clock, ids, activity, allowInsecureEndpoints });
  const connections = new ConnectionService({
    store, vault, clock, ids, oauth, providers, logger, activity,
    ...(ports.random ? { random: ports.random } : {}),
    ...(ports.refreshMarginMs !== undefined ? { refreshMarginMs: ports.refreshMarginMs } : {}),
    onNeedsReauth: (c, reason) => events.emit('connection.needs_reauth', { connectionId: c.id, providerId: c.providerId, userId: c.userId, agentId: c.agentId, reason }),
  });
  const grants = new GrantService({ store, clock, ids });
  const accounts = new AccountService({ store, clock, ids, connections, grants, providers, activity, keyLabel });
  const requests = new AuthRequests({
    store, clock, ids, logger, events, providers, connections, accounts, grants, baseUrl, policy, activity, keyLabel,
    keyActive: (id) => keys.isActive(id), redirectUri: (providerId: string): string => redirectUri(baseUrl(), providerId),
  });
  const mcpClients = new McpClients({ settings: store.settings, oauth, providers, logger });
  const flows = new OAuthFlows({ store, vault, clock, ids, logger, oauth, providers, connections, requests, events, baseUrl, mcpClients });
  const sessions = new OwnerSessions({ clock, ids });
  const sweep = new RefreshSweep({ store, clock, connections, logger });

  return {
    events, keys, providers, connections, accounts, grants, requests, flows, sessions, policy, activity, sweep,
    keyLabel,
    keychainStatus: () => vault.status(),

    /** The agent's two calls (agent-auth-api.md §4); the rules are in auth-requests.ts. */
    authenticate: (key: ApiKey, input: AuthenticateInput) => requests.authenticate(key, input),
    wait: (key: ApiKey, authId: string, timeoutSeconds: number, signal?: AbortSignal) => requests.wait(key, authId, timeoutSeconds, signal),

    ...providerUseCases({ store, clock, logger, oauth, allowInsecureEndpoints, providers, connections, requests, flows }),
    ...keyUseCases({ keys, requests, grants, policy, activity }),
    ...decisionUseCases({ requests, grants, connections, activity, keyLabel }),

    /** DELETE tokens: every connection of this key for the provider, across agents and users. */
    async revokeTokens(keyId: string, providerId: string): Promise<number> {
      providers.get(providerId);
      const mine = store.connections.listForKey(keyId, providerId);
      await connections.remove(mine, 'DELETE tokens');
      logger.info('tokens.revoked', { providerId, count: mine.length });
      return mine.length;
    },

    connectionsOf(providerId: string) {
      return store.connections.listAll().filter((c) => c.providerId === providerId);
    },

    /** Every connection across keys, for the owner. */
    listConnections() {
      return store.connections.listAll();
    },

    hasToken(keyId: string, providerId: string): boolean {
      providers.get(providerId);
      return store.connections.listForKey(keyId, providerId).length > 0;
    },
  };
}
