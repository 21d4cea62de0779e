/**
 * Adding a provider three ways: from a template (client id/secret and the template's
 * variables are all it needs), from an OIDC issuer (discovery fills in the URLs), or
 * generic OAuth 2.0. The exact redirect URI to register is shown, with a copy button,
 * before anything is sent.
 */
import { useState } from 'react';
import type { ProviderView, TemplateView } from '../../../main/http/owner-api-types.ts';
import { useApp } from '../app-context.ts';
import { Copyable } from '../components/copyable.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Field } from '../components/field.tsx';
import { useAction } from '../hooks/use-action.ts';
import { useResource } from '../hooks/use-resource.ts';
import { buildCreateBody, draftForTemplate, emptyDraft, redirectPreview, type DraftErrors, type ProviderDraft, type ProviderKind } from '../logic/provider-draft.ts';
import { ClientFields, EndpointFields, TextField } from './provider-fields.tsx';
import { TemplatePicker } from './template-picker.tsx';

const KINDS: ReadonlyArray<{ kind: ProviderKind; label: string }> = [
  { kind: 'template', label: 'From a template' },
  { kind: 'issuer', label: 'OIDC issuer' },
  { kind: 'generic', label: 'Generic OAuth 2.0' },
];

export function AddProvider({ onAdded, onCancel }: { onAdded: (p: ProviderView) => void; onCancel: () => void }) {
  const { client, session } = useApp();
  const templates = useResource(() => client.templates());
  const action = useAction();
  const [draft, setDraft] = useState<ProviderDraft>(() => emptyDraft('template'));
  const [errors, setErrors] = useState<DraftErrors>({});
  const set = (patch: Partial<ProviderDraft>): void => setDraft((d) => ({ ...d, ...patch }));
  const template: TemplateView | undefined = templates.data?.find((t) => t.id === draft.templateId);
  const props = { draft, errors, set };

  const chooseKind = (kind: ProviderKind): void => {
    setErrors({});
    setDraft((d) => ({ ...emptyDraft(kind), clientId: d.clientId, clientSecret: d.clientSecret }));
  };
  const pick = (t: TemplateView): void => {
    setErrors({});
    setDraft((d) => ({ ...draftForTemplate(t), clientId: d.clientId, clientSecret: d.clientSecret }));
  };

  const submit = async (): Promise<void> => {
    const result = buildCreateBody(draft, template);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    await action.run(async () => onAdded(await client.createProvider(result.body)));
  };

  const showForm = draft.kind !== 'template' || template !== undefined;
  return (
    <section className="panel" aria-labelledby="add-provider-title">
      <h2 id="add-provider-title">Add a provider</h2>
      <div className="segmented" role="radiogroup" aria-label="How to add it">
        {KINDS.map((k) => (
          <label key={k.kind} className={draft.kind === k.kind ? 'segment active' : 'segment'}>
            <input type="radio" name="provider-kind" value={k.kind} checked={draft.kind === k.kind} onChange={() => chooseKind(k.kind)} />
            {k.label}
          </label>
        ))}
      </div>

      {draft.kind === 'template' ? (
        templates.error ? <ErrorNotice error={templates.error} onRetry={() => void templates.reload()} />
          : templates.data ? <TemplatePicker templates={templates.data} selected={draft.templateId} onPick={pick} />
          : <p className="muted">Loading templates…</p>
      ) : null}
      {errors.templateId ? <p className="error-text" role="alert">{errors.templateId}</p> : null}

      {showForm ? (
        <form className="form" noValidate onSubmit={(e) => { e.preventDefault(); void submit(); }}>
          {template ? <TemplateNotes template={template} /> : null}
          <TextField {...props} name="providerId" label="Provider id" hint="Agents ask for tokens by this id, e.g. authenticate(provider=…)." />
          {draft.kind !== 'template' ? <TextField {...props} name="name" label="Display name" placeholder="Acme SSO" /> : null}
          {draft.kind === 'issuer' ? <TextField {...props} name="issuer" type="url" label="Issuer URL" hint="Latchkey reads /.well-known/openid-configuration (or RFC 8414 metadata) from it." placeholder="https://login.example.com" /> : null}
          <RedirectUri baseUrl={session.url} providerId={draft.providerId.trim()} />
          <ClientFields {...props} secretHint="Leave empty for a public client. Stored sealed by the OS keychain; never shown again." />
          {template?.variables.map((v) => (
            <Field key={v.name} label={v.label} error={errors[`var:${v.name}`]}>
              {(a) => <input {...a} type="text" value={draft.variables[v.name] ?? ''} spellCheck={false} onChange={(e) => set({ variables: { ...draft.variables, [v.name]: e.target.value } })} />}
            </Field>
          ))}
          {draft.kind === 'generic' ? <EndpointFields {...props} /> : null}
          {action.error ? <ErrorNotice error={action.error} /> : null}
          <div className="actions">
            <button type="submit" className="btn primary" disabled={action.busy}>{action.busy ? 'Adding…' : 'Add provider'}</button>
            <button type="button" className="btn" onClick={onCancel}>Cancel</button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

function RedirectUri({ baseUrl, providerId }: { baseUrl: string; providerId: string }) {
  const preview = redirectPreview(baseUrl, providerId);
  return (
    <div className="field">
      <span className="label">Redirect URI to register with the provider</span>
      {preview.ok ? <Copyable value={preview.uri} label="Redirect URI" /> : <p className="muted">{preview.reason}</p>}
      <p className="hint">Register it exactly, character for character, in the provider's console.</p>
    </div>
  );
}

function TemplateNotes({ template }: { template: TemplateView }) {
  return (
    <div className="notice info">
      <p className="notice-title">{template.name}</p>
      {template.notes ? <p>{template.notes}</p> : null}
      {template.default_scopes.length > 0 ? <p>Default scopes: {template.default_scopes.map((s) => <code key={s} className="scope">{s}</code>)}</p> : null}
      {template.docs_url ? <p>Register an OAuth app at <a href={template.docs_url} target="_blank" rel="noopener noreferrer">{template.docs_url}</a>.</p> : null}
    </div>
  );
}
