/**
 * Several accounts per provider (issue 14; upstream "tokens" and "agent connections"):
 * which account a request gets, the owner's edits (label, default), binding an account to
 * an agent, importing a token for an agent, and the Slack workspace routes.
 *
 * Visibility: an API key sees and edits only its own accounts (another key's id is simply
 * not found, S16); the owner's window sees every key's (`scope: 'all'`). Binding, importing
 * and workspace-wide revocation are owner decisions: callers check the role first
 * (sdk-routes.ts), this service records each in the activity log.
 */
import type { ActivityLog } from './activity.ts';
import type { ConnectionService, ConnectionKey } from './connections.ts';
import { BadRequest, NotFound } from './errors.ts';
import type { GrantService } from './grants.ts';
import { OwnerPrincipal, requireOwner } from './owner-principal.ts';
import { cleanLabel } from './identity.ts';
import type { AgentConnection, ApiKey, DecisionChannel } from './model.ts';
import type { Clock, ConnectionRecord, Ids, Store } from './ports.ts';
import type { ProviderService } from './providers.ts';
import { normalizeScopes } from './scopes.ts';

/** Whose accounts a caller may see: one key's, or (the owner's window) all. */
export type AccountScope = { keyId: string } | 'all';

export interface ImportInput {
  accessToken: string;
  refreshToken?: string | null | undefined;
  expiresInSeconds?: number | null | undefined;
  scopes?: readonly string[] | undefined;
  label?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
}

const SLACK = 'slack';

export class AccountService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ids: Ids;
  readonly #connections: ConnectionService;
  readonly #grants: GrantService;
  readonly #providers: ProviderService;
  readonly #activity: ActivityLog;
  readonly #keyLabel: (keyId: string) => string;

  constructor(deps: {
    store: Store; clock: Clock; ids: Ids; connections: ConnectionService; grants: GrantService; providers: ProviderService;
    activity: ActivityLog; keyLabel: (keyId: string) => string;
  }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#ids = deps.ids;
    this.#connections = deps.connections;
    this.#grants = deps.grants;
    this.#providers = deps.providers;
    this.#activity = deps.activity;
    this.#keyLabel = deps.keyLabel;
  }

  /**
   * The account a request gets: the one it names (`token_id`, which must be this key's and
   * this provider's), else the account the owner bound to the agent, else the namespace's default.
   */
  resolve(key: ApiKey, subject: ConnectionKey, tokenId: string | null): { account: ConnectionRecord | undefined; pinned: boolean } {
    if (tokenId !== null) {
      const named = this.#store.connections.byId(tokenId);
      if (!named || named.keyId !== key.id || named.providerId !== subject.providerId) {
        throw new NotFound(`No account '${tokenId}' for provider '${subject.providerId}' under this API key. List yours with GET /v2/auth/tokens?provider_id=${subject.providerId}.`);
      }
      return { account: named, pinned: true };
    }
    if (subject.agentId !== null) {
      const binding = this.#store.agentConnections.find(key.id, subject.agentId, subject.providerId);
      const bound = binding ? this.#store.connections.byId(binding.connectionId) : undefined;
      if (bound) return { account: bound, pinned: true };
    }
    return { account: this.#connections.find(subject), pinned: false };
  }

  /** Accounts visible to the caller, optionally for one provider. */
  list(scope: AccountScope, providerId?: string): ConnectionRecord[] {
    if (providerId !== undefined) this.#providers.get(providerId);
    const all = scope === 'all' ? this.#store.connections.listAll() : this.#store.connections.listForKey(scope.keyId);
    return providerId === undefined ? all : all.filter((c) => c.providerId === providerId);
  }

  /** One account the caller may see, or 404 (another key's id is not found, S16). */
  get(scope: AccountScope, id: string): ConnectionRecord {
    const c = this.#store.connections.byId(id);
    if (!c || (scope !== 'all' && c.keyId !== scope.keyId)) throw new NotFound(`No account '${id}'. List them with GET /v2/auth/tokens.`);
    return c;
  }

  /** PATCH metadata: relabel, or make this the default (the namespace's other accounts lose the flag). */
  update(scope: AccountScope, id: string, patch: { label?: string | null | undefined; isDefault?: boolean | null | undefined }, channel: string): ConnectionRecord {
    const c = this.get(scope, id);
    this.#store.transaction(() => {
      if (patch.label !== undefined && patch.label !== null) {
        this.#store.connections.upsert({ ...this.get(scope, id), label: cleanLabel(patch.label), updatedAt: this.#clock.now() });
      }
      if (patch.isDefault === true && !c.isDefault) this.#store.connections.setDefault(id);
      if (patch.isDefault === false && c.isDefault) {
        throw new BadRequest('A provider always has one default account: make another account the default instead of unsetting this one.', 'default_required');
      }
    });
    const next = this.get(scope, id);
    const changes = [patch.label != null ? `label '${next.label ?? ''}'` : null, patch.isDefault === true && !c.isDefault ? 'made default' : null].filter(Boolean);
    if (changes.length > 0) this.#activity.record({ type: 'connection.updated', ...this.#who(next), channel, detail: changes.join(', ') });
    return next;
  }

  async delete(scope: AccountScope, id: string, channel: string): Promise<void> {
    await this.#connections.remove([this.get(scope, id)], channel);
  }

  // ---- agent connections -------------------------------------------------------------

  bindingsOf(connectionId: string): AgentConnection[] {
    return this.#store.agentConnections.listForConnection(connectionId);
  }

  listForAgent(scope: AccountScope, agentId: string): Array<{ binding: AgentConnection; account: ConnectionRecord }> {
    const bindings = scope === 'all' ? this.#store.agentConnections.listAll().filter((a) => a.agentId === agentId) : this.#store.agentConnections.listForAgent(scope.keyId, agentId);
    return bindings.flatMap((binding) => {
      const account = this.#store.connections.byId(binding.connectionId);
      return account ? [{ binding, account }] : [];
    });
  }

  /**
   * The owner hands an account to an agent of the account's key. That is an approval: a
   * grant until revoked for (key, agent, the account's user, provider, its scopes), naming
   * this account, recorded in the activity log. A binding for the same provider is replaced.
   */
  bind(authority: OwnerPrincipal | ApiKey, scope: AccountScope, agentId: string, connectionId: string, createdBy: string): { binding: AgentConnection; account: ConnectionRecord } {
    const account = this.get(scope, connectionId);
    const via: DecisionChannel = authority instanceof OwnerPrincipal ? requireOwner(authority).channel : 'api';
    const binding: AgentConnection = {
      id: this.#ids.uuid(), keyId: account.keyId, agentId, providerId: account.providerId, connectionId: account.id, createdBy, createdAt: this.#clock.now(),
    };
    this.#store.transaction(() => {
      const replaced = this.#store.agentConnections.find(account.keyId, agentId, account.providerId);
      if (replaced) this.#unbindRecord(replaced);
      this.#store.agentConnections.put(binding);
      const subject = { keyId: account.keyId, agentId, userId: account.userId, providerId: account.providerId };
      this.#grants.liftDenials(subject);
      if (authority instanceof OwnerPrincipal) this.#grants.create(authority, subject, account.scopes, 'forever', account.id);
      else this.#grants.createForOwnerKey(authority, subject, account.scopes, account.id);
    });
    this.#activity.record({
      type: 'agent.connection.created', keyId: account.keyId, keyLabel: this.#keyLabel(account.keyId), agentId, userId: account.userId,
      providerId: account.providerId, scopes: account.scopes, decision: 'approved forever', channel: via,
      detail: `account ${account.label ?? account.id} bound by ${createdBy}`,
    });
    return { binding, account };
  }

  unbind(scope: AccountScope, agentId: string, bindingId: string, channel: string): void {
    const binding = this.#store.agentConnections.byId(bindingId);
    if (!binding || binding.agentId !== agentId || (scope !== 'all' && binding.keyId !== scope.keyId)) {
      throw new NotFound(`No connection '${bindingId}' for agent '${agentId}'. List them with GET /v2/auth/agents/${agentId}/connections.`);
    }
    this.#store.transaction(() => this.#unbindRecord(binding));
    this.#activity.record({ type: 'agent.connection.deleted', keyId: binding.keyId, keyLabel: this.#keyLabel(binding.keyId), agentId, providerId: binding.providerId, channel });
  }

  /** Drop a binding and the grant it carried; an imported account nobody else uses goes too. */
  #unbindRecord(binding: AgentConnection): void {
    this.#store.agentConnections.delete(binding.id);
    this.#store.grants.revokeForConnection(binding.connectionId, this.#clock.now(), binding.agentId);
  }

  /**
   * Upsert agent provider token: store a token obtained elsewhere as the agent's own account
   * (namespace: the caller's key, user `default`, this agent) and bind it. The account it
   * replaces is deleted only if it was imported too and no other binding uses it.
   */
  async importToken(key: ApiKey, agentId: string, providerId: string, input: ImportInput): Promise<{ binding: AgentConnection; account: ConnectionRecord }> {
    const via: DecisionChannel = 'api';
    const provider = this.#providers.get(providerId);
    const now = this.#clock.now();
    const scopes = normalizeScopes(input.scopes ?? []);
    const set = {
      accessToken: input.accessToken, tokenType: 'bearer', refreshToken: input.refreshToken ?? null,
      expiresAt: input.expiresInSeconds == null ? null : now + input.expiresInSeconds * 1000, idToken: null, extra: {},
    };
    const previous = this.#store.agentConnections.find(key.id, agentId, provider.providerId);
    const account = this.#connections.save({ providerId: provider.providerId, keyId: key.id, userId: 'default', agentId }, set, scopes, {
      label: input.label == null ? null : cleanLabel(input.label), makeDefault: false, source: 'import', metadata: input.metadata ?? null,
    });
    const result = this.bind(key, { keyId: key.id }, agentId, account.id, key.label);
    this.#activity.record({ type: 'token.imported', keyId: key.id, keyLabel: key.label, agentId, userId: account.userId, providerId: provider.providerId, scopes, channel: via });
    if (previous && previous.connectionId !== account.id) {
      const old = this.#store.connections.byId(previous.connectionId);
      if (old?.source === 'import' && this.#store.agentConnections.listForConnection(old.id).length === 0) await this.#connections.remove([old], 'token import replaced it');
    }
    return result;
  }

  // ---- Slack workspace ------------------------------------------------------------------

  #isSlack(c: ConnectionRecord): boolean {
    const p = this.#providers.find(c.providerId);
    return p !== undefined && (p.providerType === SLACK || p.templateId === SLACK);
  }

  /** Any Slack account: the whole store for the owner key (the local "workspace"), else the caller's own. */
  slackExists(key: ApiKey): boolean {
    return this.list(key.role === 'owner' ? 'all' : { keyId: key.id }).some((c) => this.#isSlack(c));
  }

  /** Owner only (checked by the caller): revoke every Slack account at Slack, then delete it. */
  async revokeSlackWorkspace(channel: string): Promise<number> {
    const doomed = this.#store.connections.listAll().filter((c) => this.#isSlack(c));
    await this.#connections.remove(doomed, channel);
    this.#activity.record({ type: 'workspace.slack.revoked', channel, detail: `${doomed.length} Slack account(s) revoked` });
    return doomed.length;
  }

  #who(c: ConnectionRecord) {
    return { keyId: c.keyId, keyLabel: this.#keyLabel(c.keyId), agentId: c.agentId, userId: c.userId, providerId: c.providerId };
  }
}
