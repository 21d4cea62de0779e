/**
 * One request: who asks (key label, agent, user), for what (provider, scopes with the
 * template's words, what is new and what is risky), whether the provider's consent page
 * comes next, whether anyone still waits, and the owner's choices: approve for a while,
 * or deny (optionally remembered). Words and choices are shared with the /start page.
 */
import { useId, useState } from 'react';
import type { DenyDurationWire, GrantDurationWire, PendingRequestView } from '../../../main/http/owner-api-types.ts';
import { openExternal } from '../api/open-external.ts';
import { useApp } from '../app-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { ProviderMark } from '../components/provider-mark.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { Age, Expiry } from '../components/time-text.tsx';
import { DECISION_WORDS as W, DEFAULT_DENY, DEFAULT_GRANT, DENY_CHOICES, GRANT_CHOICES } from '../logic/durations.ts';
import { consentTopic } from '../logic/pending-text.ts';
import { RequestScopes } from './request-scopes.tsx';

interface Props {
  item: PendingRequestView;
  now: number;
  /** The owner decided here; the page moves focus to the next card. */
  onDecided: (authId: string) => void;
}

type ConsentState = { kind: 'none' } | { kind: 'opened' } | { kind: 'blocked'; url: string; reason: string };

export function PendingCard({ item, now, onDecided }: Props) {
  const { client, announce, offline } = useApp();
  const id = useId();
  const action = useAction();
  const [duration, setDuration] = useState<GrantDurationWire>(DEFAULT_GRANT);
  const [remember, setRemember] = useState<DenyDurationWire>(DEFAULT_DENY);
  const [consent, setConsent] = useState<ConsentState>({ kind: 'none' });
  const who = item.agent_id ?? item.key_label;
  const busy = action.busy || offline;

  const approve = () => action.run(async () => {
    const answer = await client.approve(item.auth_id, duration);
    if (answer.consent_url) {
      const opened = await openExternal(answer.consent_url);
      setConsent(opened.opened ? { kind: 'opened' } : { kind: 'blocked', url: answer.consent_url, reason: opened.reason });
      announce(`Approved. Finish on ${item.provider_name}'s consent page.`, consentTopic(item.auth_id));
    } else {
      announce(`Approved: ${who} gets ${item.provider_name}.`);
      onDecided(item.auth_id);
    }
  });

  const deny = () => action.run(async () => {
    await client.deny(item.auth_id, remember);
    const remembered = DENY_CHOICES.find((c) => c.value === remember);
    announce(`Denied ${who}'s request for ${item.provider_name}${remember === 'once' ? '' : ` (${remembered?.label.toLowerCase() ?? remember})`}.`);
    onDecided(item.auth_id);
  });

  return (
    <article className={item.agent_gone ? 'card request gone' : 'card request'} aria-labelledby={`${id}-title`} tabIndex={-1} data-auth-id={item.auth_id}>
      <header className="card-head">
        <h2 id={`${id}-title`} className="with-mark">
          <ProviderMark name={item.provider_name} markKey={item.provider_id} />
          <span><span className="who">{who}</span> wants <span className="what">{item.provider_name}</span></span>
        </h2>
        <span className="card-meta">asked <Age iso={item.created_at} now={now} /> · expires <Expiry iso={item.expires_at} now={now} /></span>
      </header>
      {item.agent_gone && !item.approved ? (
        <div className="notice warn" role="note">
          <p className="notice-title">Nobody is waiting for this any more</p>
          <p>{who} stopped asking <Age iso={item.last_seen_at} now={now} />; its process may have ended. You can still decide: an approval is kept as a grant for its next call. Undecided, the request expires <Expiry iso={item.expires_at} now={now} />.</p>
        </div>
      ) : null}
      <dl className="facts">
        <dt>Key</dt><dd>{item.key_label}</dd>
        <dt>Agent</dt><dd>{item.agent_id ?? <span className="muted">not given</span>}</dd>
        <dt>User</dt><dd>{item.user_id}</dd>
        <dt>Provider</dt><dd>{item.provider_name} <span className="muted">({item.provider_id})</span></dd>
        <dt>Consent</dt>
        <dd>{item.needs_consent ? <StatusBadge tone="warn">{W.consentNeeded}</StatusBadge> : <StatusBadge tone="ok">{W.alreadyConnected}</StatusBadge>}</dd>
      </dl>
      <RequestScopes item={item} headingId={`${id}-scopes`} />
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
            <label htmlFor={`${id}-duration`}>{W.allowLabel}</label>
            <select id={`${id}-duration`} value={duration} onChange={(e) => setDuration(e.target.value as GrantDurationWire)} disabled={busy}>
              {GRANT_CHOICES.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
            </select>
            <button type="button" className="btn primary" disabled={busy} onClick={() => void approve()}>
              {item.needs_consent ? W.approveWithConsent : W.approve}
            </button>
          </div>
          <div className="decide-group">
            <label htmlFor={`${id}-remember`}>{W.rememberLabel}</label>
            <select id={`${id}-remember`} value={remember} onChange={(e) => setRemember(e.target.value as DenyDurationWire)} disabled={busy}>
              {DENY_CHOICES.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
            </select>
            <button type="button" className="btn danger-outline" disabled={busy} onClick={() => void deny()}>{W.deny}</button>
          </div>
        </div>
      )}
      {action.error ? <ErrorNotice error={action.error} /> : null}
    </article>
  );
}
