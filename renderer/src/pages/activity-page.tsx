/**
 * The activity log, newest first, with filters; the export carries the same filters.
 * New entries arrive live on top; "Show older" pages back.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ActivityEntryView } from '../../../main/http/owner-api-types.ts';
import { saveFile } from '../api/save-file.ts';
import { useApp } from '../app-context.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { useAction } from '../hooks/use-action.ts';
import { useStream } from '../hooks/use-stream.ts';
import { EMPTY_FILTERS, activityQuery, exportHref, hasFilters, type ActivityFilters } from '../logic/activity-query.ts';
import { mergeEntries } from '../logic/activity-text.ts';
import { ActivityFiltersForm } from './activity-filters.tsx';
import { ActivityTable } from './activity-table.tsx';

const PAGE_SIZE = 100;

export function ActivityPage() {
  const { client, onlineEpoch, reportError } = useApp();
  const action = useAction();
  const { run } = action;
  const [filters, setFilters] = useState<ActivityFilters>(EMPTY_FILTERS);
  const [entries, setEntries] = useState<ActivityEntryView[] | null>(null);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const generation = useRef(0);

  /** Reads the newest page; `reset` replaces the list (new filters), else merges (live update). */
  const loadFirst = useCallback(async (reset: boolean) => {
    const mine = reset ? ++generation.current : generation.current;
    await run(async () => {
      const page = await client.activity(activityQuery(filters, { limit: PAGE_SIZE }));
      if (mine !== generation.current) return;
      setEntries((shown) => (reset || !shown ? page.entries : mergeEntries(shown, page.entries)));
      if (reset) setNextBefore(page.next_before);
    });
  }, [client, filters, run]);

  useEffect(() => { void loadFirst(true); }, [loadFirst]);
  useEffect(() => { if (onlineEpoch > 0) void loadFirst(false); }, [onlineEpoch, loadFirst]);
  useStream((message) => { if (message.name !== 'closed' && message.name !== 'offline') void loadFirst(false); });

  const loadOlder = async (): Promise<void> => {
    if (nextBefore === null) return;
    const mine = generation.current;
    await action.run(async () => {
      const page = await client.activity(activityQuery(filters, { limit: PAGE_SIZE, before: nextBefore }));
      if (mine !== generation.current) return;
      setEntries((shown) => mergeEntries(shown ?? [], page.entries));
      setNextBefore(page.next_before);
    });
  };

  return (
    <>
      <PageHeader title="Activity" lead="Every request, decision, token release, refresh and revocation. Tokens and secrets are never logged.">
        <button type="button" className="btn" onClick={() => void client.download(exportHref(filters)).then((blob) => saveFile(blob, 'latchkey-activity.jsonl'), reportError)}>Export JSON Lines</button>
      </PageHeader>
      <ActivityFiltersForm filters={filters} onChange={setFilters} />
      {action.error ? <ErrorNotice error={action.error} onRetry={() => void loadFirst(true)} /> : null}
      {entries && entries.length === 0 ? (
        hasFilters(filters) ? (
          <EmptyState title="Nothing matches these filters">
            <p>Widen the time range or clear a filter. <button type="button" className="btn small" onClick={() => setFilters(EMPTY_FILTERS)}>Clear filters</button></p>
          </EmptyState>
        ) : (
          <EmptyState title="No activity yet">
            <p>Entries appear as soon as an agent calls <code>authenticate</code>. Point an agent at Latchkey with the environment block on the <a href="#/settings">Settings</a> page.</p>
          </EmptyState>
        )
      ) : null}
      {entries && entries.length > 0 ? <ActivityTable entries={entries} /> : null}
      {entries === null && !action.error ? <p className="muted" aria-live="polite">Loading activity…</p> : null}
      {nextBefore !== null && entries && entries.length > 0 ? (
        <p><button type="button" className="btn" disabled={action.busy} onClick={() => void loadOlder()}>Show older entries</button></p>
      ) : null}
    </>
  );
}
