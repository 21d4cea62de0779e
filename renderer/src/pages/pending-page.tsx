/**
 * Requests waiting for the owner, live: rows appear when an agent asks and leave when a
 * decision lands (here, in the tray, the CLI or on /start). Oldest first, so new requests
 * join the end and nothing under the pointer moves.
 */
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { useNow } from '../hooks/use-now.ts';
import type { Pending } from '../hooks/use-pending.ts';
import { PendingCard } from './pending-card.tsx';

export function PendingPage({ pending }: { pending: Pending }) {
  const now = useNow();
  return (
    <>
      <PageHeader title="Pending" lead="Agents asking for tokens they have not been allowed yet. Nothing is released until you approve." />
      {pending.error ? <ErrorNotice error={pending.error} onRetry={() => void pending.reload()} /> : null}
      {!pending.loaded && !pending.error ? <p className="muted" aria-live="polite">Loading requests…</p> : null}
      {pending.loaded && pending.items.length === 0 ? (
        <EmptyState title="Nothing waits for you">
          <p>When an agent calls <code>authenticate</code> for a provider and scopes it has not been allowed, the request shows up here at once, without a reload.</p>
          <p>No provider yet? Add one on the <a href="#/providers">Providers</a> page first.</p>
        </EmptyState>
      ) : null}
      {pending.items.length > 0 ? (
        <ol className="cards" aria-label="Pending requests">
          {pending.items.map((item) => (
            <li key={item.auth_id}>
              <PendingCard item={item} now={now} onDecided={pending.removed} />
            </li>
          ))}
        </ol>
      ) : null}
    </>
  );
}
