/** Approval policy and retention settings. */
import { Router } from 'express';
import type { Core } from '../../core/core.ts';
import type { PolicySettings } from '../../core/policy.ts';
import type { SettingsView } from '../owner-api-types.ts';
import { ownerPrincipal } from '../request-context.ts';
import { parse } from '../schemas.ts';
import { updateSettingsBody } from './schemas.ts';

function settingsView(core: Core, s: PolicySettings): SettingsView {
  return {
    approval_mode: s.mode,
    provider_modes: s.providerModes,
    trust_rules: s.trustRules.map((t) => ({ key_id: t.keyId, key_label: core.keyLabel(t.keyId), agent_id: t.agentId, provider_id: t.providerId, scopes: [...t.scopes] })),
    activity_retention_days: s.activityRetentionDays,
  };
}

export function settingsRoutes(core: Core): Router {
  const r = Router();

  r.get('/settings', (_req, res) => {
    res.json(settingsView(core, core.policy.get()));
  });

  r.put('/settings', (req, res) => {
    const b = parse(updateSettingsBody, req.body, 'body');
    const next = core.policy.update({
      ...(b.approval_mode ? { mode: b.approval_mode } : {}),
      ...(b.provider_modes ? { providerModes: b.provider_modes } : {}),
      ...(b.trust_rules ? { trustRules: b.trust_rules.map((t) => ({ keyId: t.key_id, agentId: t.agent_id ?? null, providerId: t.provider_id, scopes: t.scopes })) } : {}),
      ...(b.activity_retention_days ? { activityRetentionDays: b.activity_retention_days } : {}),
    }, ownerPrincipal(res));
    res.json(settingsView(core, next));
  });

  return r;
}
