/**
 * The signed-in window: navigation (with the pending count), the current page, and the
 * toasts area. Keeps the pending list live on every page so the tab title can count it.
 */
import { useEffect, useRef, useState } from 'react';
import { useApp } from './app-context.ts';
import { useHashRoute } from './hooks/use-hash-route.ts';
import { usePending } from './hooks/use-pending.ts';
import { useStream } from './hooks/use-stream.ts';
import { awaitingDecision } from './logic/pending-reducer.ts';
import { PAGES, hashFor, type PageId } from './logic/routes.ts';
import { titleWithBadge } from './logic/title.ts';
import { ActivityPage } from './pages/activity-page.tsx';
import { ConnectionsPage } from './pages/connections-page.tsx';
import { GrantsPage } from './pages/grants-page.tsx';
import { PendingPage } from './pages/pending-page.tsx';
import { ProvidersPage } from './pages/providers-page.tsx';
import { SettingsPage } from './pages/settings-page.tsx';
import { Brand } from './sign-in-screen.tsx';
import type { Pending } from './hooks/use-pending.ts';

export function Shell() {
  const { session, signOut } = useApp();
  const page = useHashRoute();
  const pending = usePending();
  const waiting = awaitingDecision(pending.items);
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  const [offline, setOffline] = useState(false);
  useStream((m) => {
    if (m.name === 'offline' || m.name === 'closed') setOffline(true);
    else if (m.name === 'resync') setOffline(false);
  });

  useEffect(() => { document.title = titleWithBadge(waiting); }, [waiting]);
  useEffect(() => {
    // After navigating, put keyboard and screen-reader focus at the top of the new page.
    if (firstRender.current) firstRender.current = false;
    else main.current?.focus();
  }, [page]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); main.current?.focus(); }}>Skip to content</a>
      <nav className="sidebar" aria-label="Latchkey">
        <Brand />
        <ul>
          {PAGES.map((p) => (
            <li key={p.id}>
              <a href={hashFor(p.id)} aria-current={p.id === page ? 'page' : undefined}>
                <span>{p.label}</span>
                {p.id === 'pending' && waiting > 0 ? <span className="count" aria-label={`${waiting} waiting`}>{waiting}</span> : null}
              </a>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot">
          <span><span className={session.keychain.ok ? 'dot ok' : 'dot bad'} aria-hidden="true" />{session.keychain.ok ? 'Keychain OK' : 'Keychain unavailable'}</span>
          <span className="mono muted">127.0.0.1:{session.port}</span>
          {session.via === 'session' ? <button type="button" className="btn" onClick={() => void signOut()}>Sign out</button> : null}
        </div>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        {offline ? (
          <div className="notice bad" role="status">
            <p className="notice-title">Lost contact with Latchkey; retrying.</p>
            <p>Lists may be out of date until it answers again. If it stopped, start it with <code>npm start</code> (or <code>npx latchkey serve</code>).</p>
          </div>
        ) : null}
        <CurrentPage page={page} pending={pending} />
      </main>
    </div>
  );
}

function CurrentPage({ page, pending }: { page: PageId; pending: Pending }) {
  switch (page) {
    case 'pending': return <PendingPage pending={pending} />;
    case 'providers': return <ProvidersPage />;
    case 'connections': return <ConnectionsPage />;
    case 'grants': return <GrantsPage />;
    case 'activity': return <ActivityPage />;
    case 'settings': return <SettingsPage />;
  }
}
