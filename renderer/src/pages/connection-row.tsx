/** One connection in the table, with the action its state calls for. */
import type { ConnectionView } from '../../../main/http/owner-api-types.ts';
import { openExternal } from '../api/open-external.ts';
import { useApp } from '../app-context.ts';
import { ProviderMark } from '../components/provider-mark.tsx';
import { ScopeList } from '../components/scope-list.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { Age, Expiry } from '../components/time-text.tsx';
import { useAction } from '../hooks/use-action.ts';
import { explainError } from '../logic/explain-error.ts';
import { STATUS_LABELS, needsReconnect } from '../logic/connection-status.ts';
import { whoLabel } from '../logic/grant-text.ts';
import { reconnectTopic } from '../logic/pending-text.ts';

interface Props {
  connection: ConnectionView;
  now: number;
  onChanged: (c: ConnectionView) => void;
  onRevoke: () => void;
}

export function ConnectionRow({ connection: c, now, onChanged, onRevoke }: Props) {
  const { client, announce } = useApp();
  const action = useAction();
  const status = STATUS_LABELS[c.status];
  const what = `${c.provider_name} for ${c.user_id}`;

  const reconnect = () => action.run(async () => {
    const { consent_url } = await client.reconnect(c.id);
    const opened = await openExternal(consent_url);
    announce(opened.opened ? `Sign in to ${c.provider_name} in the page that opened.` : `Could not open the consent page: ${opened.reason}.`, reconnectTopic(c.provider_id, c.user_id));
  });
  const refresh = () => action.run(async () => {
    onChanged(await client.refreshConnection(c.id));
    announce(`${what} refreshed.`);
  });

  return (
    <tr>
      <td data-label="Provider" className="cell-title"><span className="with-mark"><ProviderMark name={c.provider_name} markKey={c.provider_id} size="small" />{c.provider_name}</span></td>
      <td data-label="User">{c.user_id}</td>
      <td data-label="Agent / key">{whoLabel(c.key_label, c.agent_id)}</td>
      <td data-label="Scopes"><ScopeList scopes={c.scopes} /></td>
      <td data-label="Token expires">{c.expires_at ? <Expiry iso={c.expires_at} now={now} /> : <span className="muted">no expiry given</span>}</td>
      <td data-label="Last refresh">{c.last_refresh_at ? <Age iso={c.last_refresh_at} now={now} /> : <span className="muted">never</span>}</td>
      <td data-label="Status">
        <div>
          <StatusBadge tone={status.tone} title={status.hint}>{status.label}</StatusBadge>
          {action.error ? <p className="error-text" role="alert">{explainError(action.error).message}</p> : null}
        </div>
      </td>
      <td className="row-actions">
        {needsReconnect(c.status)
          ? <button type="button" className="btn small primary" disabled={action.busy} onClick={() => void reconnect()} aria-label={`Reconnect ${what}`}>Reconnect</button>
          : <button type="button" className="btn small" disabled={action.busy || c.status === 'refreshing'} onClick={() => void refresh()} aria-label={`Refresh ${what} now`}>Refresh</button>}
        <button type="button" className="btn small danger-outline" disabled={action.busy} onClick={onRevoke} aria-label={`Revoke ${what}`}>Revoke</button>
      </td>
    </tr>
  );
}
