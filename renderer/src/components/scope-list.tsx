import { DECISION_WORDS } from '../logic/durations.ts';
import { describeScopes } from '../logic/scopes.ts';

/** Scopes as chips; with descriptions, as a list saying what each one allows. */
export function ScopeList({ scopes, descriptions }: { scopes: readonly string[]; descriptions?: Readonly<Record<string, string>> }) {
  if (scopes.length === 0) return <span className="muted">no scopes</span>;
  if (!descriptions) {
    return <span className="scopes">{scopes.map((s) => <code key={s} className="scope">{s}</code>)}</span>;
  }
  return (
    <ul className="scope-list">
      {describeScopes(scopes, descriptions).map(({ scope, description }) => (
        <li key={scope}>
          <code className="scope">{scope}</code>
          <span className={description ? '' : 'muted'}>{description ?? DECISION_WORDS.noDescription}</span>
        </li>
      ))}
    </ul>
  );
}
