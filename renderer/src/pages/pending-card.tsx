/**
 * One request: who asks (key label, agent, user), for what (provider, scopes with the
 * template's words for them), whether the provider's consent page comes next, and the
 * owner's choices: approve for a while, or deny (optionally for a while).
 */
import { useId, useState } from 'react';
import type { DenyDurationWire, GrantDurationWire, PendingRequestView } from '../../../main/http/owner-api-types.ts';
import { openExternal } from '../api/open-external.ts';
import { useApp } from '../app-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { ScopeList } from '../components/scope-list.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { Age } from '../components/time-text.tsx';
import { DEFAULT_GRANT, DENY_CHOICES, GRANT_CHOICES } from '../logic/durations.ts';

interface Props {
  item: PendingRequestView;
  now: number;
  onDecided: (authId: string) => void;
}

type ConsentState = { kind: 'none' } | { kind: 'opened' } | { kind: 'blocked'; url: string; reason: string };

export function PendingCard({ item, now, onDecided }: Props) {
  const { client, announce } = useApp();
  const id = useId();
  const action = useAction();
  const [duration, setDuration] = useState<GrantDurationWire>(DEFAULT_GRANT);
  const [remember, setRemember] = useState<DenyDurationWire>('once');
  const [consent, setConsent] = useState<ConsentState>({ kind: 'none' });
  const who = item.agent_id ?? item.key_label;
  const busy = action.busy;

  const approve = () => action.run(async () => {
    const answer = await client.approve(item.auth_id, duration);
    if (answer.consent_url) {
      const opened = await openExternal(answer.consent_url);
      setConsent(opened.opened ? { kind: 'opened' } : { kind: 'blocked', url: answer.consent_url, reason: opened.reason });
      announce(`Approved. Finish on ${item.provider_name}'s consent page.`);
    } else {
      announce(`Approved: ${who} gets ${item.provider_name}.`);
      onDecided(item.auth_id);
    }
  });

  const deny = () => action.run(async () => {
    await client.deny(item.auth_id, remember);
    announce(`Denied ${who}'s request for ${item.provider_name}.`);
    onDecided(item.auth_id);
  });

  return (
    <article className="card request" aria-labelledby={`${id}-title`}>
      <header className="card-head">
        <h2 id={`${id}-title`}><span className="who">{who}</span> wants <span className="what">{item.provider_name}</span></h2>
        <span className="card-meta">asked <Age iso={item.created_at} now={now} /></span>
      </header>
      <dl className="facts">
        <dt>Key</dt><dd>{item.key_label}</dd>
        <dt>Agent</dt><dd>{item.agent_id ?? <span className="muted">not given</span>}</dd>
        <dt>User</dt><dd>{item.user_id}</dd>
        <dt>Provider</dt><dd>{item.provider_name} <span className="muted">({item.provider_id})</span></dd>
        <dt>Consent</dt>
        <dd>
          {item.needs_consent
            ? <StatusBadge tone="warn">Provider consent needed</StatusBadge>
            : <StatusBadge tone="ok">Already connected</StatusBadge>}
        </dd>
      </dl>
      <section aria-label="Scopes">
        <h3 className="small-heading">Scopes</h3>
        <ScopeList scopes={item.scopes} descriptions={item.scope_descriptions} />
      </section>
      {item.approved || consent.kind !== 'none' ? (
        <div className="notice info" role="status">
          {consent.kind === 'blocked' ? (
            <p>Approved. Your browser did not open the consent page ({consent.reason}): <a href={consent.url} target="_blank" rel="noopener noreferrer">open {item.provider_name}'s consent page</a>.</p>
          ) : (
            <p>Approved — waiting for you to finish on {item.provider_name}'s consent page. It opened in a new tab.</p>
          )}
          <button type="button" className="btn small" disabled={busy} onClick={() => void approve()}>Open the consent page again</button>
        </div>
      ) : (
        <div className="decide">
          <div className="decide-group">
            <label htmlFor={`${id}-duration`}>Allow</label>
            <select id={`${id}-duration`} value={duration} onChange={(e) => setDuration(e.target.value as GrantDurationWire)} disabled={busy}>
              {GRANT_CHOICES.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
            </select>
            <button type="button" className="btn primary" disabled={busy} onClick={() => void approve()}>
              {item.needs_consent ? 'Approve and open consent' : 'Approve'}
            </button>
          </div>
          <div className="decide-group">
            <label htmlFor={`${id}-remember`}>Remember</label>
            <select id={`${id}-remember`} value={remember} onChange={(e) => setRemember(e.target.value as DenyDurationWire)} disabled={busy}>
              {DENY_CHOICES.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
            </select>
            <button type="button" className="btn danger-outline" disabled={busy} onClick={() => void deny()}>Deny</button>
          </div>
        </div>
      )}
      {action.error ? <ErrorNotice error={action.error} /> : null}
    </article>
  );
}
