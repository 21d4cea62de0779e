/** "Trust key K (optionally only as agent X) for these scopes of provider Y": approved without asking (S35). */
import { useId, useState } from 'react';
import type { KeyView, ProviderView, TrustRuleWire } from '../../../main/http/owner-api-types.ts';
import { ScopeList } from '../components/scope-list.tsx';
import { addTrustRule, removeTrustRule, type TrustRuleDraft } from '../logic/settings-draft.ts';

interface Props {
  rules: readonly TrustRuleWire[];
  providers: readonly ProviderView[];
  keys: readonly KeyView[];
  onChange: (rules: TrustRuleWire[]) => void;
}

export function TrustRules({ rules, providers, keys, onChange }: Props) {
  const id = useId();
  const [draft, setDraft] = useState<TrustRuleDraft>({ keyId: '', agentId: '', providerId: '', scopes: '' });
  const [error, setError] = useState<string | null>(null);
  const add = (): void => {
    const result = addTrustRule(rules, draft);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    setDraft({ keyId: draft.keyId, agentId: '', providerId: draft.providerId, scopes: '' });
    onChange(result.rules);
  };
  return (
    <fieldset>
      <legend>Trust rules</legend>
      {rules.length === 0 ? <p className="muted">No trust rules: every new request is decided by the mode above.</p> : (
        <ul className="rules">
          {rules.map((r, i) => (
            <li key={`${r.key_id}|${r.agent_id ?? ''}|${r.provider_id}|${r.scopes.join(' ')}`}>
              <span>Trust key <strong>{r.key_label ?? r.key_id}</strong>{r.agent_id ? <> as agent <strong>{r.agent_id}</strong></> : null} for {r.provider_id}</span> <ScopeList scopes={r.scopes} />
              <button type="button" className="btn small" onClick={() => onChange(removeTrustRule(rules, i))} aria-label={`Remove trust rule for key ${r.key_label ?? r.key_id} on ${r.provider_id}`}>Remove</button>
            </li>
          ))}
        </ul>
      )}
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${id}-key`}>API key</label>
          <select id={`${id}-key`} value={draft.keyId} onChange={(e) => setDraft({ ...draft, keyId: e.target.value })}>
            <option value="">Choose…</option>
            {keys.filter((k) => k.revoked_at === null).map((k) => <option key={k.id} value={k.id}>{k.label}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-agent`}>Agent id (optional)</label>
          <input id={`${id}-agent`} type="text" value={draft.agentId} spellCheck={false} onChange={(e) => setDraft({ ...draft, agentId: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-provider`}>Provider</label>
          <select id={`${id}-provider`} value={draft.providerId} onChange={(e) => setDraft({ ...draft, providerId: e.target.value })}>
            <option value="">Choose…</option>
            {providers.map((p) => <option key={p.provider_id} value={p.provider_id}>{p.name}</option>)}
          </select>
        </div>
        <div className="field grow">
          <label htmlFor={`${id}-scopes`}>Scopes</label>
          <input id={`${id}-scopes`} type="text" value={draft.scopes} placeholder="read:user repo" spellCheck={false} onChange={(e) => setDraft({ ...draft, scopes: e.target.value })} />
        </div>
        <button type="button" className="btn" onClick={add}>Add rule</button>
      </div>
      {error ? <p className="error-text" role="alert">{error}</p> : null}
      <p className="hint">Rules take effect when you save the approval settings.</p>
    </fieldset>
  );
}
