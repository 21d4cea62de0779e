/**
 * One account in the table, with the action its state calls for, and the owner's account
 * decisions (issue 14): rename it, make it the default, bind it to an agent or unbind one.
 */
import { useState } from 'react';
import type { ConnectionView } from '../../../main/http/owner-api-types.ts';
import { openExternal } from '../api/open-external.ts';
import { useApp } from '../app-context.ts';
import { ProviderMark } from '../components/provider-mark.tsx';
import { ScopeList } from '../components/scope-list.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { Age, Expiry } from '../components/time-text.tsx';
import { useAction } from '../hooks/use-action.ts';
import { accountName, labelDraft } from '../logic/accounts.ts';
import { explainError } from '../logic/explain-error.ts';
import { STATUS_LABELS, needsReconnect } from '../logic/connection-status.ts';
import { whoLabel } from '../logic/grant-text.ts';
import { reconnectTopic } from '../logic/pending-text.ts';

interface Props {
  connection: ConnectionView;
  now: number;
  onChanged: (c: ConnectionView) => void;
  onRevoke: () => void;
  /** Another account of the same provider changed default: reload the list. */
  onDefaultChanged: () => void;
}

type Editing = { kind: 'rename'; value: string } | { kind: 'bind'; value: string } | null;

export function ConnectionRow({ connection: c, now, onChanged, onRevoke, onDefaultChanged }: Props) {
  const { client, announce } = useApp();
  const action = useAction();
  const [editing, setEditing] = useState<Editing>(null);
  const status = STATUS_LABELS[c.status];
  const name = accountName(c);
  // Accessible names as before issue 14, plus the label when there is one.
  const what = `${c.provider_name} for ${c.user_id}${c.label ? ` (${c.label})` : ''}`;

  const reconnect = () => action.run(async () => {
    const { consent_url } = await client.reconnect(c.id);
    const opened = await openExternal(consent_url);
    announce(opened.opened ? `Sign in to ${c.provider_name} in the page that opened.` : `Could not open the consent page: ${opened.reason}.`, reconnectTopic(c.provider_id, c.user_id));
  });
  const refresh = () => action.run(async () => {
    onChanged(await client.refreshConnection(c.id));
    announce(`${what} refreshed.`);
  });
  const makeDefault = () => action.run(async () => {
    // The old default changes too: reload the list so both rows change at once (never two defaults shown).
    await client.updateConnection(c.id, { is_default: true });
    onDefaultChanged();
    announce(`${name} is now the default ${c.provider_name} account for ${c.user_id}.`);
  });
  const submit = () => action.run(async () => {
    if (!editing) return;
    const value = labelDraft(editing.value);
    if (value === null) return setEditing(null);
    if (editing.kind === 'rename') {
      onChanged(await client.updateConnection(c.id, { label: value }));
      announce(`Account renamed to ${value}.`);
    } else {
      onChanged(await client.bindAgent(c.id, value));
      announce(`${value} now gets ${what} without asking.`);
    }
    setEditing(null);
  });
  const unbind = (bindingId: string, agentId: string) => action.run(async () => {
    onChanged(await client.unbindAgent(c.id, bindingId));
    announce(`${agentId} no longer gets ${what}.`);
  });

  return (
    <>
      <tr>
        <td data-label="Account" className="cell-title">
          <span className="with-mark"><ProviderMark name={c.provider_name} markKey={c.provider_id} size="small" /><span className="sr-only">{c.provider_name} </span><span className="account-name">{name}</span></span>{' '}
          {c.is_default ? <StatusBadge tone="ok" title={`Agents of ${c.key_label} for ${c.user_id} get this account when they name none.`}>Default</StatusBadge> : null}
          {c.source === 'import' ? <span className="muted"> imported</span> : null}
        </td>
        <td data-label="User">{c.user_id}</td>
        <td data-label="Agent / key">{whoLabel(c.key_label, c.agent_id)}</td>
        <td data-label="Bound agents">
          {c.bound_agents.length === 0 ? <span className="muted">none</span> : (
            <ul className="plain-list">
              {c.bound_agents.map((b) => (
                <li key={b.binding_id}>
                  {b.agent_id}{' '}
                  <button type="button" className="btn small" disabled={action.busy} onClick={() => void unbind(b.binding_id, b.agent_id)} aria-label={`Unbind ${b.agent_id} from ${what}`}>Unbind</button>
                </li>
              ))}
            </ul>
          )}
        </td>
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
          {c.is_default ? null : <button type="button" className="btn small" disabled={action.busy} onClick={() => void makeDefault()} aria-label={`Make default: ${what}`}>Make default</button>}
          <button type="button" className="btn small" disabled={action.busy} onClick={() => setEditing({ kind: 'rename', value: c.label ?? '' })} aria-label={`Rename ${what}`}>Rename</button>
          <button type="button" className="btn small" disabled={action.busy} onClick={() => setEditing({ kind: 'bind', value: '' })} aria-label={`Bind to agent: ${what}`}>Bind to agent</button>
          <button type="button" className="btn small danger-outline" disabled={action.busy} onClick={onRevoke} aria-label={`Revoke ${what}`}>Revoke</button>
        </td>
      </tr>
      {editing ? (
        <tr className="row-editor">
          <td colSpan={9}>
            <form className="inline-form" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
              <label htmlFor={`edit-${c.id}`}>{editing.kind === 'rename' ? `New name for ${name}` : `Agent id that gets ${name} (agents of ${c.key_label})`}</label>
              <input
                id={`edit-${c.id}`} autoFocus value={editing.value} maxLength={editing.kind === 'rename' ? 200 : 256}
                onChange={(e) => setEditing({ ...editing, value: e.target.value })}
              />
              <button type="submit" className="btn small primary" disabled={action.busy || labelDraft(editing.value) === null}>{editing.kind === 'rename' ? 'Save name' : 'Bind agent'}</button>
              <button type="button" className="btn small" onClick={() => setEditing(null)}>Cancel</button>
              {editing.kind === 'bind' ? <p className="muted">Binding is an approval: that agent gets this account's token without asking, until you unbind it.</p> : null}
            </form>
          </td>
        </tr>
      ) : null}
    </>
  );
}
