/**
 * Edits to the approval policy as pure functions over SettingsView pieces: per-provider
 * modes (absent = follow the default) and trust rules ("trust key K, optionally only as
 * agent X, for these scopes"; S35: a rule always names the key).
 */
import type { ApprovalModeWire, TrustRuleWire } from '../../../main/http/owner-api-types.ts';
import { parseScopeList } from './scopes.ts';

export type ProviderModeChoice = ApprovalModeWire | 'default';

export const MODE_LABELS: Record<ApprovalModeWire, string> = {
  ask: 'Ask me every time',
  'auto-owner': 'Approve the owner key automatically',
};

export function setProviderMode(modes: Readonly<Record<string, ApprovalModeWire>>, providerId: string, choice: ProviderModeChoice): Record<string, ApprovalModeWire> {
  const next: Record<string, ApprovalModeWire> = { ...modes };
  if (choice === 'default') delete next[providerId];
  else next[providerId] = choice;
  return next;
}

export interface TrustRuleDraft { keyId: string; agentId: string; providerId: string; scopes: string }

export function addTrustRule(rules: readonly TrustRuleWire[], draft: TrustRuleDraft): { ok: true; rules: TrustRuleWire[] } | { ok: false; error: string } {
  const key_id = draft.keyId.trim();
  const agent_id = draft.agentId.trim() || null;
  const provider_id = draft.providerId.trim();
  const scopes = parseScopeList(draft.scopes);
  if (!key_id) return { ok: false, error: 'Choose the API key to trust.' };
  if (!provider_id) return { ok: false, error: 'Choose the provider the rule is for.' };
  if (scopes.length === 0) return { ok: false, error: 'List at least one scope the key may get without asking.' };
  const key = ruleKey({ key_id, agent_id, provider_id, scopes });
  if (rules.some((r) => ruleKey(r) === key)) return { ok: false, error: 'That rule already exists.' };
  return { ok: true, rules: [...rules, { key_id, agent_id, provider_id, scopes }] };
}

export function removeTrustRule(rules: readonly TrustRuleWire[], index: number): TrustRuleWire[] {
  return rules.filter((_r, i) => i !== index);
}

function ruleKey(r: TrustRuleWire): string {
  return JSON.stringify([r.key_id, r.agent_id, r.provider_id, [...r.scopes].sort()]);
}
