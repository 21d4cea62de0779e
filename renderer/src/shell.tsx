/**
 * The signed-in window: navigation (with the pending count and the broker/keychain status),
 * the current page, and the toasts row. The page scrolls in its own box, and toasts take
 * their own row under it, so a toast never covers a button. While the broker does not
 * answer, one banner says so, the status stops claiming anything about the keychain, and
 * every control of the page is disabled until it answers again.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { useApp } from './app-context.ts';
import { Brand } from './components/brand.tsx';
import { useHashRoute } from './hooks/use-hash-route.ts';
import { usePending } from './hooks/use-pending.ts';
import { awaitingDecision } from './logic/pending-reducer.ts';
import { PAGES, hashFor, type PageId } from './logic/routes.ts';
import { titleWithBadge } from './logic/title.ts';
import { ActivityPage } from './pages/activity-page.tsx';
import { ConnectionsPage } from './pages/connections-page.tsx';
import { GrantsPage } from './pages/grants-page.tsx';
import { PendingPage } from './pages/pending-page.tsx';
import { ProvidersPage } from './pages/providers-page.tsx';
import { SettingsPage } from './pages/settings-page.tsx';
import type { Pending } from './hooks/use-pending.ts';

export function Shell({ toasts }: { toasts: ReactNode }) {
  const { offline } = useApp();
  const page = useHashRoute();
  const pending = usePending();
  const waiting = awaitingDecision(pending.items);
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  useEffect(() => { document.title = titleWithBadge(waiting); }, [waiting]);
  useEffect(() => {
    // After navigating, put keyboard and screen-reader focus at the top of the new page.
    if (firstRender.current) firstRender.current = false;
    else {
      main.current?.scrollTo(0, 0);
      main.current?.focus();
    }
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
        <BrokerStatus />
      </nav>
      <div className="workspace">
        {offline ? (
          <div className="notice bad banner" role="alert">
            <p className="notice-title">Latchkey is not answering; retrying.</p>
            <p>Actions are paused and lists may be out of date until it answers again. If it stopped, start it with <code>npm start</code> (or <code>npx latchkey serve</code>).</p>
          </div>
        ) : null}
        <main id="main" ref={main} tabIndex={-1}>
          <fieldset className="page" disabled={offline}>
            <CurrentPage page={page} pending={pending} />
          </fieldset>
        </main>
        {toasts}
      </div>
    </div>
  );
}

/** Keychain health while the broker answers; while it does not, only that (it cannot vouch for the keychain). */
function BrokerStatus() {
  const { session, offline, signOut } = useApp();
  const { ok } = session.keychain;
  const [tone, text] = offline ? ['bad', 'Latchkey not answering'] : ok ? ['ok', 'Keychain OK'] : ['bad', 'Keychain unavailable'];
  return (
    <div className="sidebar-foot" role="status">
      <a className="status-line" href="#/settings" aria-label={`${text}. Details in Settings.`}><span className={`dot ${tone}`} aria-hidden="true" />{text}</a>
      <span className="mono muted address">127.0.0.1:{session.port}</span>
      {session.via === 'session' ? <button type="button" className="btn" onClick={() => void signOut()}>Sign out</button> : null}
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
