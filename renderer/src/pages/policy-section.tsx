/** The approval policy: the default mode, per-provider overrides and trust rules. Saved together. */
import { useEffect, useId, useState } from 'react';
import type { ApprovalModeWire, SettingsView } from '../../../main/http/owner-api-types.ts';
import { useApp } from '../app-context.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { useAction } from '../hooks/use-action.ts';
import { useResource } from '../hooks/use-resource.ts';
import { MODE_LABELS, setProviderMode, type ProviderModeChoice } from '../logic/settings-draft.ts';
import { TrustRules } from './trust-rules.tsx';

export function PolicySection() {
  const { client, announce } = useApp();
  const id = useId();
  const settings = useResource(() => client.settings());
  const providers = useResource(() => client.providers());
  const keys = useResource(() => client.keys());
  const action = useAction();
  const [draft, setDraft] = useState<SettingsView | null>(null);
  useEffect(() => { if (settings.data) setDraft(settings.data); }, [settings.data]);

  const dirty = draft !== null && settings.data !== undefined && JSON.stringify(draft) !== JSON.stringify(settings.data);
  const save = () => action.run(async () => {
    if (!draft) return;
    const saved = await client.updateSettings({
      approval_mode: draft.approval_mode, provider_modes: draft.provider_modes, trust_rules: draft.trust_rules, activity_retention_days: draft.activity_retention_days,
    });
    settings.set(() => saved);
    announce('Approval settings saved.');
  });

  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Approvals</h2>
      {settings.error ? <ErrorNotice error={settings.error} onRetry={() => void settings.reload()} /> : null}
      {draft ? (
        <form className="form" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <fieldset>
            <legend>When an agent asks for a token it has not been allowed</legend>
            {(Object.keys(MODE_LABELS) as ApprovalModeWire[]).map((mode) => (
              <label key={mode} className="check">
                <input type="radio" name={`${id}-mode`} value={mode} checked={draft.approval_mode === mode} onChange={() => setDraft({ ...draft, approval_mode: mode })} />
                {MODE_LABELS[mode]}
              </label>
            ))}
            <p className="hint">Approving the owner key automatically suits solo local development; agent keys are always asked about.</p>
          </fieldset>
          <fieldset>
            <legend>Per provider</legend>
            {(providers.data ?? []).length === 0 ? <p className="muted">Add a provider to set a mode for it.</p> : (
              <div className="provider-modes">
                {(providers.data ?? []).map((p) => (
                  <div key={p.provider_id} className="field inline">
                    <label htmlFor={`${id}-pm-${p.provider_id}`}>{p.name}</label>
                    <select id={`${id}-pm-${p.provider_id}`} value={draft.provider_modes[p.provider_id] ?? 'default'}
                      onChange={(e) => setDraft({ ...draft, provider_modes: setProviderMode(draft.provider_modes, p.provider_id, e.target.value as ProviderModeChoice) })}>
                      <option value="default">Same as above</option>
                      {(Object.keys(MODE_LABELS) as ApprovalModeWire[]).map((mode) => <option key={mode} value={mode}>{MODE_LABELS[mode]}</option>)}
                    </select>
                  </div>
                ))}
              </div>
            )}
          </fieldset>
          <TrustRules rules={draft.trust_rules} providers={providers.data ?? []} keys={keys.data ?? []} onChange={(trust_rules) => setDraft({ ...draft, trust_rules })} />
          <div className="field inline">
            <label htmlFor={`${id}-retention`}>Keep the activity log for (days)</label>
            <input id={`${id}-retention`} type="number" min={1} max={3650} step={1} value={draft.activity_retention_days}
              onChange={(e) => setDraft({ ...draft, activity_retention_days: Math.min(3650, Math.max(1, Math.round(Number(e.target.value) || 1))) })} />
          </div>
          {action.error ? <ErrorNotice error={action.error} /> : null}
          <div className="actions">
            <button type="submit" className="btn primary" disabled={!dirty || action.busy}>{action.busy ? 'Saving…' : 'Save approval settings'}</button>
            {dirty ? <button type="button" className="btn" onClick={() => setDraft(settings.data ?? null)}>Discard changes</button> : <span className="muted">No unsaved changes.</span>}
          </div>
        </form>
      ) : !settings.error ? <p className="muted">Loading settings…</p> : null}
    </section>
  );
}
