/**
 * Keys Latchkey has seen but does not know (an existing LANGSMITH_API_KEY, say): accept one
 * with a label and role to adopt it, or reject it. Updates live.
 */
import { useId, useState } from 'react';
import type { PairingView } from '../../../main/http/owner-api-types.ts';
import { useApp } from '../app-context.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { RoleField } from '../components/role-field.tsx';
import { Age } from '../components/time-text.tsx';
import { useAction } from '../hooks/use-action.ts';
import { useNow } from '../hooks/use-now.ts';
import { useResource } from '../hooks/use-resource.ts';

export function PairingsSection() {
  const { client } = useApp();
  const id = useId();
  const pairings = useResource(() => client.pairings(), ['key.pairing_requested']);
  const list = pairings.data ?? [];
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Pairing requests{list.length > 0 ? ` (${list.length})` : ''}</h2>
      {pairings.error ? <ErrorNotice error={pairings.error} onRetry={() => void pairings.reload()} /> : null}
      {pairings.data && list.length === 0 ? (
        <p className="muted">None. When an agent calls Latchkey with a key it does not know, the call is refused and the key appears here for you to accept or reject.</p>
      ) : null}
      <ul className="cards">
        {list.map((p) => <li key={p.id}><PairingCard pairing={p} onDone={() => pairings.set((all) => all?.filter((x) => x.id !== p.id))} /></li>)}
      </ul>
    </section>
  );
}

function PairingCard({ pairing: p, onDone }: { pairing: PairingView; onDone: () => void }) {
  const { client, announce } = useApp();
  const id = useId();
  const now = useNow();
  const action = useAction();
  const [label, setLabel] = useState('');
  const [role, setRole] = useState<'agent' | 'owner'>('agent');
  const accept = () => action.run(async () => {
    await client.acceptPairing(p.id, { label: label.trim() || `key ${p.key_hint}`, role });
    announce(`Key ${p.key_hint} accepted.`);
    onDone();
  });
  const reject = () => action.run(async () => {
    await client.rejectPairing(p.id);
    announce(`Key ${p.key_hint} rejected.`);
    onDone();
  });
  return (
    <article className="card" aria-label={`Unknown key ${p.key_hint}`}>
      <p>Key <code className="mono">{p.key_hint}</code> tried {p.attempts} {p.attempts === 1 ? 'time' : 'times'}, first <Age iso={p.first_seen_at} now={now} />, last <Age iso={p.last_seen_at} now={now} />.</p>
      <form className="field-row" onSubmit={(e) => { e.preventDefault(); void accept(); }}>
        <div className="field grow">
          <label htmlFor={`${id}-label`}>Label</label>
          <input id={`${id}-label`} type="text" value={label} placeholder={`key ${p.key_hint}`} onChange={(e) => setLabel(e.target.value)} />
        </div>
        <RoleField id={`${id}-role`} role={role} onChange={setRole} />
        <button type="submit" className="btn primary" disabled={action.busy}>Accept</button>
        <button type="button" className="btn danger-outline" disabled={action.busy} onClick={() => void reject()}>Reject</button>
      </form>
      {action.error ? <ErrorNotice error={action.error} /> : null}
    </article>
  );
}
