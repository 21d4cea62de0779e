/** Who may get what without asking, until when; revoking one makes the agent ask again. */
import { useState } from 'react';
import type { GrantView } from '../../../main/http/owner-api-types.ts';
import { useApp } from '../app-context.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ProviderMark } from '../components/provider-mark.tsx';
import { ScopeList } from '../components/scope-list.tsx';
import { Age } from '../components/time-text.tsx';
import { useAction } from '../hooks/use-action.ts';
import { useNow } from '../hooks/use-now.ts';
import { useResource } from '../hooks/use-resource.ts';
import { useStableList } from '../hooks/use-stable-list.ts';
import { grantLifetime, whoLabel } from '../logic/grant-text.ts';
import { formatTimestamp } from '../logic/time.ts';

export function GrantsPage() {
  const { client, announce } = useApp();
  const grants = useResource(() => client.grants(), ['request.decided', 'connection.created']);
  const rows = useStableList(grants.data, (g) => g.id);
  const action = useAction();
  const now = useNow();
  const [revoking, setRevoking] = useState<GrantView | null>(null);

  const revoke = async (g: GrantView): Promise<void> => {
    setRevoking(null);
    await action.run(async () => {
      await client.revokeGrant(g.id);
      grants.set((all) => all?.filter((x) => x.id !== g.id));
      announce(`Grant for ${whoLabel(g.key_label, g.agent_id)} on ${g.provider_id} revoked.`);
    });
  };

  return (
    <>
      <PageHeader title="Grants" lead="Your standing approvals: these agents get tokens for these scopes without asking, until the grant runs out or you revoke it." />
      {grants.error ? <ErrorNotice error={grants.error} onRetry={() => void grants.reload()} /> : null}
      {action.error ? <ErrorNotice error={action.error} /> : null}
      {grants.data && rows.length === 0 ? (
        <EmptyState title="No grants">
          <p>Approving a request on the <a href="#/pending">Pending</a> page for 1 hour, 8 hours, 30 days or until revoked creates a grant here. "Once" approvals leave none behind after use.</p>
        </EmptyState>
      ) : null}
      {rows.length > 0 ? (
        <div className="table-wrap">
          <table className="reflow">
            <caption className="sr-only">Grants</caption>
            <thead>
              <tr><th scope="col">Agent / key</th><th scope="col">User</th><th scope="col">Provider</th><th scope="col">Scopes</th><th scope="col">Valid</th><th scope="col">Decided</th><th scope="col"><span className="sr-only">Actions</span></th></tr>
            </thead>
            <tbody>
              {rows.map((g) => (
                <tr key={g.id}>
                  <td data-label="Agent / key" className="cell-title">{whoLabel(g.key_label, g.agent_id)}</td>
                  <td data-label="User">{g.user_id}</td>
                  <td data-label="Provider"><span className="with-mark"><ProviderMark name={g.provider_id} markKey={g.provider_id} size="small" />{g.provider_id}</span></td>
                  <td data-label="Scopes"><ScopeList scopes={g.scopes} /></td>
                  <td data-label="Valid" title={g.expires_at ? formatTimestamp(g.expires_at) : undefined}>{grantLifetime(g, now)}</td>
                  <td data-label="Decided"><span><Age iso={g.created_at} now={now} /> <span className="muted">via {g.decided_via}</span></span></td>
                  <td className="row-actions">
                    <button type="button" className="btn small danger-outline" disabled={action.busy} onClick={() => setRevoking(g)} aria-label={`Revoke grant for ${whoLabel(g.key_label, g.agent_id)} on ${g.provider_id}`}>Revoke</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {revoking ? (
        <ConfirmDialog
          title="Revoke this grant?"
          message={`${whoLabel(revoking.key_label, revoking.agent_id)} will have to ask you again before getting ${revoking.provider_id} tokens for ${revoking.user_id}. Stored connections stay.`}
          confirmLabel="Revoke grant"
          onConfirm={() => void revoke(revoking)}
          onCancel={() => setRevoking(null)}
        />
      ) : null}
    </>
  );
}
