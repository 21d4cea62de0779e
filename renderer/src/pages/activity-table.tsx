import type { ActivityEntryView } from '../../../main/http/owner-api-types.ts';
import { ScopeList } from '../components/scope-list.tsx';
import { useNow } from '../hooks/use-now.ts';
import { entryTitle, entryWho } from '../logic/activity-text.ts';
import { formatLogTime, formatTimestamp } from '../logic/time.ts';

/** The log as a table; each row one entry (coalesced repeats show a count). */
export function ActivityTable({ entries }: { entries: readonly ActivityEntryView[] }) {
  const now = useNow(60_000);
  return (
    <div className="table-wrap">
      <table className="activity reflow">
        <caption className="sr-only">Activity, newest first</caption>
        <thead>
          <tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Agent / key</th><th scope="col">User</th><th scope="col">Provider</th><th scope="col">Scopes</th><th scope="col">Decision</th><th scope="col">Detail</th></tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id} data-type={e.type}>
              <td data-label="When" className="nowrap"><time dateTime={e.at} title={formatTimestamp(e.at)}>{formatLogTime(e.at, now)}</time></td>
              <td data-label="What" className="nowrap cell-title">{entryTitle(e)}</td>
              <td data-label="Agent / key">{entryWho(e)}</td>
              <td data-label="User">{e.user_id ?? '—'}</td>
              <td data-label="Provider">{e.provider_id ?? '—'}</td>
              <td data-label="Scopes">{e.scopes ? <ScopeList scopes={e.scopes} /> : '—'}</td>
              <td data-label="Decision"><span>{e.decision ?? (e.channel ? '' : '—')}{e.channel ? <span className="muted small"> via {e.channel}</span> : null}</span></td>
              <td data-label="Detail" className="detail">{e.detail ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
