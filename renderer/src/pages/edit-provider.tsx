/** Editing a provider: names, client credentials and endpoints; a blank secret keeps the stored one. */
import { useState } from 'react';
import type { ProviderView } from '../../../main/http/owner-api-types.ts';
import { useApp } from '../app-context.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { useAction } from '../hooks/use-action.ts';
import { buildUpdateBody, draftFromProvider, type DraftErrors, type ProviderDraft } from '../logic/provider-draft.ts';
import { ClientFields, EndpointFields, TextField } from './provider-fields.tsx';

export function EditProvider({ provider, onSaved, onCancel }: { provider: ProviderView; onSaved: (p: ProviderView) => void; onCancel: () => void }) {
  const { client } = useApp();
  const action = useAction();
  const [draft, setDraft] = useState<ProviderDraft>(() => draftFromProvider(provider));
  const [removeSecret, setRemoveSecret] = useState(false);
  const [errors, setErrors] = useState<DraftErrors>({});
  const set = (patch: Partial<ProviderDraft>): void => setDraft((d) => ({ ...d, ...patch }));
  const props = { draft, errors, set };

  const submit = async (): Promise<void> => {
    const result = buildUpdateBody(provider, draft, removeSecret);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    if (Object.keys(result.body).length === 0) {
      onCancel();
      return;
    }
    await action.run(async () => onSaved(await client.updateProvider(provider.provider_id, result.body)));
  };

  return (
    <form className="form" noValidate aria-label={`Edit ${provider.name}`} onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <TextField {...props} name="name" label="Display name" />
      <ClientFields {...props} secretHint={provider.has_client_secret ? 'A secret is stored. Leave empty to keep it.' : 'No secret is stored (public client).'} />
      {provider.has_client_secret ? (
        <label className="check"><input type="checkbox" checked={removeSecret} onChange={(e) => setRemoveSecret(e.target.checked)} /> Remove the stored secret</label>
      ) : null}
      <EndpointFields {...props} fixedAuthMethod />
      {action.error ? <ErrorNotice error={action.error} /> : null}
      <div className="actions">
        <button type="submit" className="btn primary" disabled={action.busy}>{action.busy ? 'Saving…' : 'Save changes'}</button>
        <button type="button" className="btn" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
