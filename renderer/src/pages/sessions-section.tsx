/**
 * Signed-in browsers and windows (S33): each session's client, when it signed in and was
 * last seen; sign one out, or all of them (like `latchkey ui --logout-all`).
 */
import { useId } from 'react';
import { useApp } from '../app-context.ts';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Age } from '../components/time-text.tsx';
import { useAction } from '../hooks/use-action.ts';
import { useNow } from '../hooks/use-now.ts';
import { useResource } from '../hooks/use-resource.ts';

export function SessionsSection() {
  const { client, announce, signOut } = useApp();
  const id = useId();
  const now = useNow();
  const action = useAction();
  const sessions = useResource(() => client.sessions(), []);
  const list = sessions.data ?? [];
  const end = (sessionId: string, current: boolean) => action.run(async () => {
    if (current) return signOut();
    await client.endSession(sessionId);
    announce('Session signed out.');
    sessions.set((all) => all?.filter((s) => s.id !== sessionId));
  });
  const endAll = () => action.run(async () => {
    await client.endAllSessions();
    await signOut();
  });
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Signed-in sessions</h2>
      <p className="hint">Each browser or window signed in with a one-time link. Sessions end after 12 hours, when Latchkey restarts, or here.</p>
      {sessions.error ? <ErrorNotice error={sessions.error} onRetry={() => void sessions.reload()} /> : null}
      <ul className="cards">
        {list.map((s) => (
          <li key={s.id}>
            <article className="card" aria-label={`Session ${s.client}${s.current ? ' (this one)' : ''}`}>
              <p><strong>{s.client}</strong>{s.current ? ' — this one' : ''}: signed in <Age iso={s.created_at} now={now} />, last seen <Age iso={s.last_seen_at} now={now} />.</p>
              <button type="button" className="btn danger-outline" disabled={action.busy} onClick={() => void end(s.id, s.current)}>Sign out</button>
            </article>
          </li>
        ))}
      </ul>
      {list.length > 0 ? <button type="button" className="btn danger-outline" disabled={action.busy} onClick={() => void endAll()}>Sign out everywhere</button> : null}
      {action.error ? <ErrorNotice error={action.error} /> : null}
    </section>
  );
}
