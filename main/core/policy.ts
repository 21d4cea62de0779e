/**
 * The owner's approval policy (settings, persisted): the default mode, per-provider
 * overrides ("always ask for Google") and trust rules ("trust the key *ci-bot*, agent
 * *triage*, for GitHub read scopes"). Precedence when a request arrives, first match wins:
 *   1. a remembered denial covering it            → denied without a prompt
 *   2. a live grant covering it                   → allowed
 *   3. a trust rule for its key (and agent) and provider → allowed
 *   4. the provider's mode, else the default mode → `auto-owner` allows the owner's own key
 *   5. otherwise                                  → ask the human
 *
 * S35: a trust rule names the API key it covers. `agent_id` is chosen by the caller and
 * proves nothing, so it can only narrow a rule, never be the whole of it. Rules stored by
 * earlier versions named only an agent; they are bound to the owner key at first read
 * (what the quick start hands agents, so the common case keeps working) and an activity
 * entry says so. Requests from any other key are asked as usual.
 *
 * S39: rules 3–4 are decisions of the policy, not of the owner: they return a
 * `PolicyApproval` that the request records with channel `policy` and the rule that fired.
 */
import { z } from 'zod';
import { byActor, DEFAULT_RETENTION_DAYS, type ActivityLog, type Actor } from './activity.ts';
import { BadRequest } from './errors.ts';
import type { ApiKey } from './model.ts';
import type { Logger, Store } from './ports.ts';
import { type ScopeSet, isSubset, normalizeScopes } from './scopes.ts';

export type ApprovalMode = 'ask' | 'auto-owner';

/** A trust rule covers one key; `agentId` null means any agent name that key sends. */
export interface TrustRule { keyId: string; agentId: string | null; providerId: string; scopes: ScopeSet }

export interface PolicySettings {
  mode: ApprovalMode;
  providerModes: Record<string, ApprovalMode>;
  trustRules: TrustRule[];
  activityRetentionDays: number;
}

/** What the policy decided on the owner's behalf, recorded with channel `policy`. */
export interface PolicyApproval { by: 'trust-rule' | 'auto-owner'; channel: 'policy' }

const SETTING = 'policy';
/** The key the first version stored the mode under; still read so old homes keep their choice. */
const LEGACY_MODE_SETTING = 'approval_policy';

const approvalMode = z.enum(['ask', 'auto-owner']);
/** The stored JSON, parsed rather than cast: a damaged field falls back to its default, loudly. */
const storedSettings = z.object({
  mode: approvalMode.optional(),
  providerModes: z.record(z.string(), approvalMode).optional(),
  trustRules: z.array(z.object({
    // Absent in rules written before S35; migrated in #migrate.
    keyId: z.string().min(1).optional(),
    agentId: z.string().min(1).nullable().optional(),
    providerId: z.string().min(1),
    scopes: z.array(z.string()),
  })).optional(),
  activityRetentionDays: z.number().int().min(1).max(3650).optional(),
});
type StoredSettings = z.infer<typeof storedSettings>;

export function isApprovalMode(v: unknown): v is ApprovalMode {
  return v === 'ask' || v === 'auto-owner';
}

export class Policy {
  readonly #store: Store;
  readonly #activity: ActivityLog;
  readonly #log: Logger;
  #cached: PolicySettings | null = null;

  constructor(deps: { store: Store; activity: ActivityLog; logger: Logger }) {
    this.#store = deps.store;
    this.#activity = deps.activity;
    this.#log = deps.logger;
  }

  get(): PolicySettings {
    if (this.#cached) return this.#cached;
    const defaults: PolicySettings = { mode: 'ask', providerModes: {}, trustRules: [], activityRetentionDays: DEFAULT_RETENTION_DAYS };
    const legacy = this.#store.settings.get(LEGACY_MODE_SETTING);
    if (isApprovalMode(legacy)) defaults.mode = legacy;
    const stored = this.#read();
    const settings: PolicySettings = {
      mode: stored.mode ?? defaults.mode,
      providerModes: stored.providerModes ?? defaults.providerModes,
      trustRules: this.#migrate(stored.trustRules ?? []),
      activityRetentionDays: stored.activityRetentionDays ?? defaults.activityRetentionDays,
    };
    this.#cached = settings;
    return settings;
  }

  #read(): StoredSettings {
    const raw = this.#store.settings.get(SETTING);
    if (!raw) return {};
    let json: unknown;
    try { json = JSON.parse(raw); } catch { json = undefined; }
    const parsed = storedSettings.safeParse(json);
    if (parsed.success) return parsed.data;
    // A damaged setting falls back to the defaults (the safest policy: ask) and says so.
    this.#log.warn('policy.unreadable', { issues: json === undefined ? 'not JSON' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    return {};
  }

  /** Pre-S35 rules named only an agent: bind each to the owner key, persist, and record it. */
  #migrate(rules: NonNullable<StoredSettings['trustRules']>): TrustRule[] {
    const legacy = rules.filter((r) => r.keyId === undefined);
    const owner = legacy.length ? this.#store.keys.list().find((k) => k.role === 'owner' && k.revokedAt === null) : undefined;
    const out: TrustRule[] = [];
    for (const r of rules) {
      const keyId = r.keyId ?? owner?.id;
      if (keyId === undefined) continue;
      out.push({ keyId, agentId: r.agentId ?? null, providerId: r.providerId, scopes: normalizeScopes(r.scopes) });
    }
    if (legacy.length) {
      const what = legacy.map((r) => `agent ${r.agentId ?? '*'} for ${r.providerId}`).join(', ');
      this.#activity.record({
        type: 'settings.migrated', channel: 'system',
        detail: owner ? `trust rules that named only an agent now cover only the owner key '${owner.label}': ${what}` : `trust rules that named only an agent were dropped (no owner key): ${what}`,
      });
      this.#persist({ ...this.#read(), trustRules: out });
    }
    return out;
  }

  #persist(s: object): void {
    this.#store.settings.set(SETTING, JSON.stringify(s));
  }

  /** Validate and persist; everything wrong is reported at once. The change is logged with its actor. */
  update(patch: Partial<PolicySettings>, actor: Actor): PolicySettings {
    const next: PolicySettings = { ...this.get(), ...patch };
    const problems: string[] = [];
    if (!isApprovalMode(next.mode)) problems.push("approval_mode must be 'ask' or 'auto-owner'");
    for (const [p, m] of Object.entries(next.providerModes)) if (!isApprovalMode(m)) problems.push(`provider_modes.${p} must be 'ask' or 'auto-owner'`);
    next.trustRules = next.trustRules.map((r) => ({ ...r, agentId: r.agentId || null, scopes: normalizeScopes(r.scopes) }));
    const activeKeys = new Set(this.#store.keys.list().filter((k) => k.revokedAt === null).map((k) => k.id));
    for (const r of next.trustRules) {
      if (!r.keyId || !r.providerId) problems.push('each trust rule needs a key_id and a provider_id');
      else if (!activeKeys.has(r.keyId)) problems.push(`trust rule key_id '${r.keyId}' is not an active API key`);
    }
    if (!Number.isInteger(next.activityRetentionDays) || next.activityRetentionDays < 1 || next.activityRetentionDays > 3650) problems.push('activity_retention_days must be a whole number from 1 to 3650');
    if (problems.length) throw new BadRequest(`Settings not saved: ${problems.join('; ')}.`, 'invalid_settings');
    this.#persist(next);
    this.#cached = next;
    this.#activity.record({ type: 'settings.updated', ...byActor(actor), detail: Object.keys(patch).join(', ') });
    return next;
  }

  /** Revoking a key ends the trust placed in it (S37): its rules go, with an activity entry. */
  dropRulesForKey(keyId: string, actor: Actor): number {
    const s = this.get();
    const kept = s.trustRules.filter((r) => r.keyId !== keyId);
    const dropped = s.trustRules.length - kept.length;
    if (dropped > 0) {
      const next = { ...s, trustRules: kept };
      this.#persist(next);
      this.#cached = next;
      this.#activity.record({ type: 'settings.updated', ...byActor(actor), detail: `${dropped} trust rule(s) of a revoked key removed` });
    }
    return dropped;
  }

  /** Rules 3–4 above: may this request be allowed without asking? Grants and denials are checked by the caller. */
  allowsWithoutAsking(key: ApiKey, providerId: string, agentId: string | null, scopes: ScopeSet): PolicyApproval | null {
    const s = this.get();
    const trusted = s.trustRules.some((r) => r.keyId === key.id && (r.agentId === null || r.agentId === agentId) && r.providerId === providerId && isSubset(scopes, r.scopes));
    if (trusted) return { by: 'trust-rule', channel: 'policy' };
    const mode = s.providerModes[providerId] ?? s.mode;
    return mode === 'auto-owner' && key.role === 'owner' ? { by: 'auto-owner', channel: 'policy' } : null;
  }
}
