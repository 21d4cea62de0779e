/**
 * Stored provider connections, one per provider/user/agent: their scopes, token expiry,
 * last refresh and health, with Refresh, Reconnect (for "needs re-auth") and Revoke.
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
      announce(`Connection of ${c.user_id} to ${c.provider_name} revoked.`);
    });
  };

  return (
    <>
      <PageHeader title="Connections" lead="Tokens Latchkey holds, per provider, user and agent. Latchkey refreshes them before they expire." />
      {connections.error ? <ErrorNotice error={connections.error} onRetry={() => void connections.reload()} /> : null}
      {action.error ? <ErrorNotice error={action.error} /> : null}
      {connections.data && list.length === 0 ? (
        <EmptyState title="No connections yet">
          <p>A connection is made the first time you approve an agent's request and finish the provider's consent page. Approve one on the <a href="#/pending">Pending</a> page.</p>
        </EmptyState>
      ) : null}
      {merged.length > 0 ? (
        <div className="table-wrap">
          <table className="reflow">
            <caption className="sr-only">Connections</caption>
            <thead>
              <tr><th scope="col">Provider</th><th scope="col">User</th><th scope="col">Agent / key</th><th scope="col">Scopes</th><th scope="col">Token expires</th><th scope="col">Last refresh</th><th scope="col">Status</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {merged.map((c) => <ConnectionRow key={c.id} connection={c} now={now} onChanged={replace} onRevoke={() => setRevoking(c)} />)}
            </tbody>
          </table>
        </div>
      ) : null}
      {revoking ? (
        <ConfirmDialog
          title={`Revoke ${revoking.provider_name} for ${revoking.user_id}?`}
          message={`Latchkey deletes the stored tokens (and revokes them at ${revoking.provider_name} where it can). ${revoking.agent_id ?? revoking.key_label} will have to ask again, and you approve again, to get a token.`}
          confirmLabel="Revoke connection"
          onConfirm={() => void revoke(revoking)}
          onCancel={() => setRevoking(null)}
        />
      ) : null}
    </>
  );
}
