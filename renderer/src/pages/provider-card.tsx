/** One provider: what agents call it, where it sends people, the redirect URI to register. */
import { useId, useState } from 'react';
import type { DeleteProviderResponse, ProviderView } from '../../../main/http/owner-api-types.ts';
import { useApp } from '../app-context.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { Copyable } from '../components/copyable.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { ProviderMark } from '../components/provider-mark.tsx';
import { useAction } from '../hooks/use-action.ts';
import { deleteConsequences } from '../logic/provider-draft.ts';
import { EditProvider } from './edit-provider.tsx';

interface Props {
  provider: ProviderView;
  onSaved: (p: ProviderView) => void;
  onDeleted: (p: ProviderView, result: DeleteProviderResponse) => void;
}

export function ProviderCard({ provider: p, onSaved, onDeleted }: Props) {
  const { client } = useApp();
  const id = useId();
  const action = useAction();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const origin = p.template_id ? `template ${p.template_id}` : p.issuer ? `OIDC issuer ${p.issuer}` : 'generic OAuth 2.0';

  const remove = async (): Promise<void> => {
    setConfirming(false);
    await action.run(async () => onDeleted(p, await client.deleteProvider(p.provider_id)));
  };

  return (
    <article className="card" aria-labelledby={`${id}-title`}>
      <header className="card-head">
        <h2 id={`${id}-title`} className="with-mark"><ProviderMark name={p.name} markKey={p.template_id ?? p.provider_id} /><span>{p.name} <span className="mono muted id">{p.provider_id}</span></span></h2>
        <div className="card-actions">
          <button type="button" className="btn small" aria-expanded={editing} onClick={() => setEditing(!editing)}>{editing ? 'Close' : 'Edit'}</button>
          <button type="button" className="btn small danger-outline" disabled={action.busy} onClick={() => setConfirming(true)}>Delete</button>
        </div>
      </header>
      {editing ? (
        <EditProvider provider={p} onCancel={() => setEditing(false)} onSaved={(saved) => { setEditing(false); onSaved(saved); }} />
      ) : (
        <dl className="facts stack-narrow">
          <dt>Redirect URI</dt><dd><Copyable value={p.redirect_uri} label={`Redirect URI of ${p.name}`} /></dd>
          <dt>Client id</dt><dd className="mono">{p.client_id}</dd>
          <dt>Secret</dt><dd>{p.has_client_secret ? 'stored, sealed by the OS keychain' : 'none (public client)'}</dd>
          <dt>Authorize at</dt><dd className="mono wrap">{p.auth_url}</dd>
          <dt>Made from</dt><dd>{origin}{p.uses_pkce ? ', PKCE' : ''}</dd>
          <dt>Connections</dt><dd>{p.connection_count === 0 ? 'none yet' : <a href="#/connections">{p.connection_count}</a>}</dd>
        </dl>
      )}
      {action.error ? <ErrorNotice error={action.error} /> : null}
      {confirming ? (
        <ConfirmDialog title={`Delete ${p.name}?`} message={deleteConsequences(p)} confirmLabel={`Delete ${p.name}`} onConfirm={() => void remove()} onCancel={() => setConfirming(false)} />
      ) : null}
    </article>
  );
}
