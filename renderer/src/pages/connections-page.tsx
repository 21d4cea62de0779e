/**
 * Stored accounts, grouped per provider (several per provider since issue 14): label,
 * default, the agents they are bound to, scopes, token expiry, last refresh and health, with
 * Refresh, Reconnect (for "needs re-auth"), Make default, Rename, Bind to agent and Revoke.
 */
import { useState } from 'react';
import type { ConnectionView } from '../../../main/http/owner-api-types.ts';
import { useApp } from '../app-context.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { useAction } from '../hooks/use-action.ts';
import { useNow } from '../hooks/use-now.ts';
import { useResource } from '../hooks/use-resource.ts';
import { useStableList } from '../hooks/use-stable-list.ts';
import { useStream } from '../hooks/use-stream.ts';
import { accountName, accountsByProvider } from '../logic/accounts.ts';
import { reconnectTopic } from '../logic/pending-text.ts';
import { ConnectionRow } from './connection-row.tsx';

export function ConnectionsPage() {
  const { client, announce, withdrawToast } = useApp();
  // "Sign in in the page that opened" stops being true once the connection is made.
  useStream((m) => { if (m.name === 'connection.created') withdrawToast(reconnectTopic(m.data.providerId, m.data.userId)); });
  const connections = useResource(() => client.connections(), ['connection.created', 'connection.needs_reauth', 'request.decided']);
  const now = useNow();
  const [revoking, setRevoking] = useState<ConnectionView | null>(null);
  const action = useAction();
  const list = connections.data ?? [];
  const merged = useStableList(connections.data, (c) => c.id);

  const replace = (c: ConnectionView): void => connections.set((all) => all?.map((x) => (x.id === c.id ? c : x)));
  const revoke = async (c: ConnectionView): Promise<void> => {
    setRevoking(null);
    await action.run(async () => {
      await client.deleteConnection(c.id);
      connections.set((all) => all?.filter((x) => x.id !== c.id));
      announce(`${c.provider_name} account ${accountName(c)} of ${c.user_id} revoked.`);
    });
  };

  return (
    <>
      <PageHeader title="Connections" lead="Accounts Latchkey holds, per provider. Agents get the default account unless they name another or you bind one to them. Latchkey refreshes tokens before they expire." />
      {connections.error ? <ErrorNotice error={connections.error} onRetry={() => void connections.reload()} /> : null}
      {action.error ? <ErrorNotice error={action.error} /> : null}
      {connections.data && list.length === 0 ? (
        <EmptyState title="No connections yet">
          <p>A connection is made the first time you approve an agent's request and finish the provider's consent page. Approve one on the <a href="#/pending">Pending</a> page.</p>
        </EmptyState>
      ) : null}
      {accountsByProvider(merged).map((group) => (
        <section key={group.providerId} className="accounts" aria-labelledby={`accounts-${group.providerId}`}>
          <h2 id={`accounts-${group.providerId}`}>{group.providerName} <span className="muted">({group.accounts.length} {group.accounts.length === 1 ? 'account' : 'accounts'})</span></h2>
          <div className="table-wrap">
          <table className="reflow">
            <caption className="sr-only">{group.providerName} accounts</caption>
            <thead>
              <tr><th scope="col">Account</th><th scope="col">User</th><th scope="col">Agent / key</th><th scope="col">Bound agents</th><th scope="col">Scopes</th><th scope="col">Token expires</th><th scope="col">Last refresh</th><th scope="col">Status</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {group.accounts.map((c) => (
                <ConnectionRow key={c.id} connection={c} now={now} onChanged={replace} onRevoke={() => setRevoking(c)} onDefaultChanged={() => void connections.reload()} />
              ))}
            </tbody>
          </table>
          </div>
        </section>
      ))}
      {revoking ? (
        <ConfirmDialog
          title={`Revoke ${revoking.provider_name} for ${revoking.user_id}${revoking.label ? ` (${revoking.label})` : ''}?`}
          message={`Latchkey deletes the stored tokens (and revokes them at ${revoking.provider_name} where it can). ${revoking.agent_id ?? revoking.key_label}${revoking.bound_agents.length ? ` and the agents bound to it (${revoking.bound_agents.map((b) => b.agent_id).join(', ')})` : ''} will have to ask again, and you approve again, to get a token.`}
          confirmLabel="Revoke connection"
          onConfirm={() => void revoke(revoking)}
          onCancel={() => setRevoking(null)}
        />
      ) : null}
    </>
  );
}
