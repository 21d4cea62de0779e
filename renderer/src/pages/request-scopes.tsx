/**
 * The scopes of one request, the way the owner needs to weigh them: what each allows (the
 * template's words, or a plain "no description"), which are new against what the agent
 * already holds, and which are risky (write, admin, delete, account- or repo-wide).
 */
import type { PendingRequestView } from '../../../main/http/owner-api-types.ts';
import { DECISION_WORDS } from '../logic/durations.ts';
import { noneDescribed, requestedScopes, scopeSummary } from '../logic/pending-text.ts';

export function RequestScopes({ item, headingId }: { item: PendingRequestView; headingId: string }) {
  const scopes = requestedScopes(item);
  if (scopes.length === 0) return <p className="muted">No scopes requested.</p>;
  const undescribed = noneDescribed(scopes);
  return (
    <div className="request-scopes">
      <h3 className="small-heading" id={headingId}>Scopes</h3>
      <p className="hint">{scopeSummary(item)}{undescribed ? ` ${DECISION_WORDS.noDescription} for any of them.` : ''}</p>
      <ul className={undescribed ? 'scope-list detailed bare' : 'scope-list detailed'} aria-labelledby={headingId}>
        {scopes.map((s) => (
          <li key={s.scope} className={[s.risky ? 'risky' : '', s.isNew ? 'new' : ''].filter(Boolean).join(' ') || undefined}>
            <span className="scope-name">
              <code className="scope">{s.scope}</code>
              {s.isNew ? <span className="tag new">New</span> : null}
              {s.risky ? <span className="tag risky">Risky</span> : null}
            </span>
            {undescribed ? null : <span className={s.described ? 'scope-text' : 'scope-text muted'}>{s.description}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
