/**
 * The window's root: trades a sign-in link's one-time token (if the page was opened with
 * one) for a session, reads the session (401 → "sign in again"), then starts the
 * live event stream and shows the signed-in shell. Failures that concern the whole window
 * land here: a lost session, or a broker that stopped answering.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SessionView } from '../../main/http/owner-api-types.ts';
import type { EventStream } from './api/event-stream.ts';
import type { OwnerClient } from './api/owner-client.ts';
import { AppContext, type AppServices } from './app-context.ts';
import { explainError } from './logic/explain-error.ts';
import { Shell } from './shell.tsx';
import { SignInScreen, UnreachableScreen } from './sign-in-screen.tsx';
import { Toasts, useToasts } from './toasts.tsx';

type Phase =
  | { kind: 'loading' }
  | { kind: 'signed-out' }
  | { kind: 'unreachable'; message: string; fix: string | null }
  | { kind: 'ready'; session: SessionView };

export function App({ client, stream, loginToken = null }: { client: OwnerClient; stream: EventStream; loginToken?: string | null }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const toasts = useToasts();
  // The one-time token works once: StrictMode's second effect run must not spend it again.
  const [pendingLogin] = useState(() => ({ token: loginToken, spent: null as Promise<void> | null }));

  const loadSession = useCallback(async () => {
    try {
      if (pendingLogin.token) {
        // A used or expired link falls back to whatever session this browser already has.
        pendingLogin.spent ??= client.signIn(pendingLogin.token).catch(() => undefined);
        await pendingLogin.spent;
      }
      if (!client.hasSession()) {
        setPhase({ kind: 'signed-out' });
        return;
      }
      setPhase({ kind: 'ready', session: await client.session() });
    } catch (error) {
      const e = explainError(error);
      setPhase(e.signedOut ? { kind: 'signed-out' } : { kind: 'unreachable', message: e.message, fix: e.fix });
    }
  }, [client, pendingLogin]);

  useEffect(() => { void loadSession(); }, [loadSession]);

  const signOut = useCallback(async () => {
    stream.stop();
    try { await client.signOut(); } catch { /* signed out here either way */ }
    setPhase({ kind: 'signed-out' });
  }, [client, stream]);

  const ready = phase.kind === 'ready';
  useEffect(() => {
    if (!ready) return undefined;
    stream.start();
    // A refused stream usually means the session ended: check, and show sign-in if so.
    const unsubscribe = stream.subscribe((m) => { if (m.name === 'closed') void loadSession(); });
    return () => { unsubscribe(); stream.stop(); };
  }, [ready, stream, loadSession]);

  const { push } = toasts;
  const reportError = useCallback((error: unknown) => {
    const e = explainError(error);
    if (e.signedOut) setPhase({ kind: 'signed-out' });
    else push({ tone: 'bad', text: e.fix ? `${e.message} ${e.fix}` : e.message });
  }, [push]);
  const announce = useCallback((text: string) => push({ tone: 'ok', text }), [push]);

  const services = useMemo<AppServices | null>(
    () => (phase.kind === 'ready' ? { client, stream, session: phase.session, reportError, announce, signOut } : null),
    [phase, client, stream, reportError, announce, signOut],
  );

  if (phase.kind === 'loading') return <main className="standalone" id="main"><p className="muted" aria-live="polite">Connecting to Latchkey…</p></main>;
  if (phase.kind === 'signed-out') return <SignInScreen />;
  if (phase.kind === 'unreachable') return <UnreachableScreen message={phase.message} fix={phase.fix} onRetry={() => void loadSession()} />;
  return (
    <AppContext.Provider value={services}>
      <Shell />
      <Toasts items={toasts.items} onDismiss={toasts.dismiss} />
    </AppContext.Provider>
  );
}
