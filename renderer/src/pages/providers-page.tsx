/** The OAuth providers agents can ask for: add, edit, delete, and the redirect URI of each. */
import { useState } from 'react';
import type { DeleteProviderResponse, ProviderView } from '../../../main/http/owner-api-types.ts';
import { useApp } from '../app-context.ts';
import { Copyable } from '../components/copyable.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { useResource } from '../hooks/use-resource.ts';
import { AddProvider } from './add-provider.tsx';
import { ProviderCard } from './provider-card.tsx';

export function ProvidersPage() {
  const { client, announce } = useApp();
  const providers = useResource(() => client.providers(), ['connection.created']);
  const [adding, setAdding] = useState(false);
  const [added, setAdded] = useState<ProviderView | null>(null);

  const onAdded = (p: ProviderView): void => {
    setAdding(false);
    setAdded(p);
    announce(`${p.name} added.`);
    providers.set((list) => [...(list ?? []).filter((x) => x.provider_id !== p.provider_id), p]);
  };
  const onDeleted = (p: ProviderView, result: DeleteProviderResponse): void => {
    if (added?.provider_id === p.provider_id) setAdded(null);
    providers.set((list) => list?.filter((x) => x.provider_id !== p.provider_id));
    announce(`${p.name} deleted with ${result.connections_removed} connections, ${result.grants_removed} grants and ${result.requests_removed} pending requests.`);
  };
  const onSaved = (p: ProviderView): void => {
    providers.set((list) => list?.map((x) => (x.provider_id === p.provider_id ? p : x)));
    announce(`${p.name} saved.`);
  };

  const list = providers.data ?? [];
  return (
    <>
      <PageHeader title="Providers" lead="The OAuth services agents can get tokens for. Each one needs an app registered at the provider with Latchkey's redirect URI.">
        {!adding ? <button type="button" className="btn primary" onClick={() => { setAdding(true); setAdded(null); }}>Add provider</button> : null}
      </PageHeader>
      {adding ? <AddProvider onAdded={onAdded} onCancel={() => setAdding(false)} /> : null}
      {added ? (
        <div className="notice ok" role="status">
          <p className="notice-title">{added.name} is ready.</p>
          <p>If you have not yet, register this redirect URI in {added.name}'s developer console:</p>
          <Copyable value={added.redirect_uri} label="Redirect URI" />
        </div>
      ) : null}
      {providers.error ? <ErrorNotice error={providers.error} onRetry={() => void providers.reload()} /> : null}
      {providers.data && list.length === 0 && !adding ? (
        <EmptyState title="No providers yet">
          <p>Add one from a template (GitHub, Google, Slack and more need only a client id and secret), from an OIDC issuer URL, or as a generic OAuth 2.0 provider.</p>
          <p><button type="button" className="btn primary" onClick={() => setAdding(true)}>Add your first provider</button></p>
        </EmptyState>
      ) : null}
      {list.length > 0 ? (
        <ul className="cards" aria-label="Providers">
          {list.map((p) => (
            <li key={p.provider_id}>
              <ProviderCard provider={p} onSaved={onSaved} onDeleted={onDeleted} />
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
