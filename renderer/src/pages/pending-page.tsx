/**
 * Requests waiting for the owner, live: rows appear when an agent asks and leave when a
 * decision lands (here, in the tray, the CLI or on /start). Oldest first, so new requests
 * join the end and nothing under the pointer moves. After a decision made here, focus
 * moves to the card that took its place (or the empty state), never to the page's top.
 */
import { useEffect, useRef, useState } from 'react';
import { EmptyState } from '../components/empty-state.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { useNow } from '../hooks/use-now.ts';
import type { Pending } from '../hooks/use-pending.ts';
import { PendingCard } from './pending-card.tsx';

export function PendingPage({ pending }: { pending: Pending }) {
  const now = useNow(5000);
  const list = useRef<HTMLOListElement>(null);
  const empty = useRef<HTMLDivElement>(null);
  const { items, removed } = pending;
  /** Each card's last known position: the live event may remove a card before its own answer arrives. */
  const positions = useRef(new Map<string, number>());
  items.forEach((p, i) => positions.current.set(p.auth_id, i));
  const [decided, setDecided] = useState<{ authId: string; at: number } | null>(null);

  const onDecided = (authId: string): void => {
    setDecided({ authId, at: positions.current.get(authId) ?? 0 });
    removed(authId);
  };

  useEffect(() => {
    if (!decided || items.some((p) => p.auth_id === decided.authId)) return;
    setDecided(null);
    const cards = list.current?.querySelectorAll<HTMLElement>('article[data-auth-id]') ?? [];
    const next = cards.length > 0 ? cards[Math.min(decided.at, cards.length - 1)] : empty.current;
    next?.focus();
  }, [decided, items]);

  return (
    <>
      <PageHeader title="Pending" lead="Agents asking for tokens they have not been allowed yet. Nothing is released until you approve." />
      {pending.error ? <ErrorNotice error={pending.error} onRetry={() => void pending.reload()} /> : null}
      {!pending.loaded && !pending.error ? <p className="muted" aria-live="polite">Loading requests…</p> : null}
      {pending.loaded && items.length === 0 ? (
        <EmptyState title="Nothing waits for you" focusRef={empty}>
          <p>When an agent calls <code>authenticate</code> for a provider and scopes it has not been allowed, the request shows up here at once, without a reload.</p>
          <p>No provider yet? Add one on the <a href="#/providers">Providers</a> page first.</p>
        </EmptyState>
      ) : null}
      {items.length > 0 ? (
        <ol className="cards" aria-label="Pending requests" ref={list}>
          {items.map((item) => (
            <li key={item.auth_id}>
              <PendingCard item={item} now={now} onDecided={onDecided} />
            </li>
          ))}
        </ol>
      ) : null}
    </>
  );
}
