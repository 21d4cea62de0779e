/** API keys: create one (shown once, with a copy button) and revoke. */
import { useId, useState } from 'react';
import type { CreateKeyResponse, KeyView } from '../../../main/http/owner-api-types.ts';
import { useApp } from '../app-context.ts';
import { ConfirmDialog } from '../components/confirm-dialog.tsx';
import { Copyable } from '../components/copyable.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { RoleField } from '../components/role-field.tsx';
import { Age } from '../components/time-text.tsx';
import { useAction } from '../hooks/use-action.ts';
import { useNow } from '../hooks/use-now.ts';
import { useResource } from '../hooks/use-resource.ts';

export function KeysSection() {
  const { client, announce } = useApp();
  const id = useId();
  const now = useNow();
  const keys = useResource(() => client.keys(), ['key.pairing_requested']);
  const action = useAction();
  const [label, setLabel] = useState('');
  const [role, setRole] = useState<'agent' | 'owner'>('agent');
  const [labelError, setLabelError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreateKeyResponse | null>(null);
  const [revoking, setRevoking] = useState<KeyView | null>(null);

  const create = async (): Promise<void> => {
    if (!label.trim()) {
      setLabelError('Name the key after the agent or machine that will use it.');
      return;
    }
    setLabelError(null);
    await action.run(async () => {
      const answer = await client.createKey({ label: label.trim(), role });
      setCreated(answer);
      setLabel('');
      keys.set((list) => [...(list ?? []), answer.record]);
      announce(`Key ${answer.record.label} created. Copy it now; it is not shown again.`);
    });
  };
  const revoke = async (k: KeyView): Promise<void> => {
    setRevoking(null);
    await action.run(async () => {
      await client.revokeKey(k.id);
      await keys.reload();
      announce(`Key ${k.label} revoked.`);
    });
  };

  const live = (keys.data ?? []).filter((k) => k.revoked_at === null);
  // Without an owner key nobody could change providers or keys again: the last one is not offered for revoking.
  const owners = live.filter((k) => k.role === 'owner').length;
  const isLastOwner = (k: KeyView): boolean => k.role === 'owner' && owners <= 1;
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>API keys</h2>
      <p>Each agent should have its own key: requests, grants and connections are kept apart per key, and a key can be revoked alone.</p>
      {keys.error ? <ErrorNotice error={keys.error} onRetry={() => void keys.reload()} /> : null}
      {live.length > 0 ? (
        <div className="table-wrap">
          <table className="reflow">
            <caption className="sr-only">API keys</caption>
            <thead><tr><th scope="col">Label</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col"><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {live.map((k) => (
                <tr key={k.id}>
                  <td data-label="Label" className="cell-title">{k.label}</td>
                  <td data-label="Role">{k.role === 'owner' ? 'owner (everything, provider setup included)' : 'agent (tokens only)'}</td>
                  <td data-label="Created"><Age iso={k.created_at} now={now} /></td>
                  <td className="row-actions">
                    {isLastOwner(k)
                      ? <span className="muted small">The last owner key; create another owner key to revoke this one.</span>
                      : <button type="button" className="btn small danger-outline" onClick={() => setRevoking(k)} aria-label={`Revoke key ${k.label}`}>Revoke</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : keys.data ? <p className="muted">No keys yet besides the ones you revoked.</p> : null}
      {created ? (
        <div className="notice ok" role="status">
          <p className="notice-title">Key “{created.record.label}” — copy it now, it is not shown again.</p>
          <Copyable value={created.key} label="New API key" />
          <p className="hint">Give it to the agent as <code>LANGSMITH_API_KEY</code>. <button type="button" className="btn small" onClick={() => setCreated(null)}>I saved it</button></p>
        </div>
      ) : null}
      <form className="field-row" onSubmit={(e) => { e.preventDefault(); void create(); }} aria-label="Create an API key">
        <div className={labelError ? 'field grow invalid' : 'field grow'}>
          <label htmlFor={`${id}-label`}>New key label</label>
          <input id={`${id}-label`} type="text" value={label} placeholder="triage-bot on laptop" onChange={(e) => setLabel(e.target.value)}
            aria-invalid={labelError ? true : undefined} aria-describedby={labelError ? `${id}-label-error` : undefined} />
          {labelError ? <p id={`${id}-label-error`} className="error-text">{labelError}</p> : null}
        </div>
        <RoleField id={`${id}-role`} role={role} onChange={setRole} />
        <button type="submit" className="btn primary" disabled={action.busy}>Create key</button>
      </form>
      {action.error ? <ErrorNotice error={action.error} /> : null}
      {revoking ? (
        <ConfirmDialog title={`Revoke key ${revoking.label}?`} message="Agents using it get 401 at once. Its connections stay stored but nothing can use them until you pair a key again." confirmLabel="Revoke key"
          onConfirm={() => void revoke(revoking)} onCancel={() => setRevoking(null)} />
      ) : null}
    </section>
  );
}
