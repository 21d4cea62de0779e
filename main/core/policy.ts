/**
 * The owner's approval policy (settings, persisted): the default mode, per-provider
 * overrides ("always ask for Google") and trust rules ("trust agent X for GitHub read
 * scopes"). Precedence when a request arrives, first match wins:
 *   1. a remembered denial covering it            → denied without a prompt
 *   2. a live grant covering it                   → allowed
 *   3. a trust rule for its agent and provider    → allowed
 *   4. the provider's mode, else the default mode → `auto-owner` allows the owner's own key
 *   5. otherwise                                  → ask the human
 */
import { BadRequest } from './errors.ts';
import type { ApiKey } from './model.ts';
import type { Store } from './ports.ts';
import { type ScopeSet, isSubset, normalizeScopes } from './scopes.ts';
import { DEFAULT_RETENTION_DAYS } from './activity.ts';

export type ApprovalMode = 'ask' | 'auto-owner';

export interface TrustRule { agentId: string; providerId: string; scopes: ScopeSet }

export interface PolicySettings {
  mode: ApprovalMode;
  providerModes: Record<string, ApprovalMode>;
  trustRules: TrustRule[];
  activityRetentionDays: number;
}

const SETTING = 'policy';
/** The key the first version stored the mode under; still read so old homes keep their choice. */
const LEGACY_MODE_SETTING = 'approval_policy';

export function isApprovalMode(v: unknown): v is ApprovalMode {
  return v === 'ask' || v === 'auto-owner';
}

export class Policy {
  readonly #store: Store;
  #cached: PolicySettings | null = null;

  constructor(store: Store) {
    this.#store = store;
  }

  get(): PolicySettings {
    if (this.#cached) return this.#cached;
    const defaults: PolicySettings = { mode: 'ask', providerModes: {}, trustRules: [], activityRetentionDays: DEFAULT_RETENTION_DAYS };
    const legacy = this.#store.settings.get(LEGACY_MODE_SETTING);
    if (isApprovalMode(legacy)) defaults.mode = legacy;
    const raw = this.#store.settings.get(SETTING);
    let stored: Partial<PolicySettings> = {};
    if (raw) {
      try { stored = JSON.parse(raw) as Partial<PolicySettings>; } catch { /* a damaged setting falls back to defaults */ }
    }
    this.#cached = { ...defaults, ...stored };
    return this.#cached;
  }

  /** Validate and persist; everything wrong is reported at once. */
  update(patch: Partial<PolicySettings>): PolicySettings {
    const next: PolicySettings = { ...this.get(), ...patch };
    const problems: string[] = [];
    if (!isApprovalMode(next.mode)) problems.push("approval_mode must be 'ask' or 'auto-owner'");
    for (const [p, m] of Object.entries(next.providerModes)) if (!isApprovalMode(m)) problems.push(`provider_modes.${p} must be 'ask' or 'auto-owner'`);
    next.trustRules = next.trustRules.map((r) => ({ ...r, scopes: normalizeScopes(r.scopes) }));
    for (const r of next.trustRules) if (!r.agentId || !r.providerId) problems.push('each trust rule needs an agent_id and a provider_id');
    if (!Number.isInteger(next.activityRetentionDays) || next.activityRetentionDays < 1 || next.activityRetentionDays > 3650) problems.push('activity_retention_days must be a whole number from 1 to 3650');
    if (problems.length) throw new BadRequest(`Settings not saved: ${problems.join('; ')}.`, 'invalid_settings');
    this.#store.settings.set(SETTING, JSON.stringify(next));
    this.#cached = next;
    return next;
  }

  /** Rules 3–4 above: may this request be allowed without asking? Grants and denials are checked by the caller. */
  allowsWithoutAsking(key: ApiKey, providerId: string, agentId: string | null, scopes: ScopeSet): 'trust-rule' | 'auto-owner' | null {
    const s = this.get();
    if (agentId !== null && s.trustRules.some((r) => r.agentId === agentId && r.providerId === providerId && isSubset(scopes, r.scopes))) return 'trust-rule';
    const mode = s.providerModes[providerId] ?? s.mode;
    return mode === 'auto-owner' && key.role === 'owner' ? 'auto-owner' : null;
  }
}
