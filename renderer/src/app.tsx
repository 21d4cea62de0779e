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

const OFFLINE_RETRY_MS = 3000;

type Phase =
  | { kind: 'loading' }
  | { kind: 'signed-out' }
  | { kind: 'unreachable'; message: string; fix: string | null }
  | { kind: 'ready'; session: SessionView };

export function App({ client, stream, loginToken = null }: { client: OwnerClient; stream: EventStream; loginToken?: string | null }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const toasts = useToasts();
  const [offline, setOffline] = useState(false);
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
    // A refused stream usually means the session ended: check, and show sign-in if so. A
    // broker that does not answer keeps the window (with its one banner) rather than replacing it.
    const recheck = async (): Promise<void> => {
      try {
        await client.session();
      } catch (error) {
        const e = explainError(error);
        if (e.signedOut) setPhase({ kind: 'signed-out' });
        else if (e.unreachable) setOffline(true);
      }
    };
    const unsubscribe = stream.subscribe((m) => { if (m.name === 'closed') void recheck(); });
    return () => { unsubscribe(); stream.stop(); };
  }, [ready, stream, client]);

  const { push, withdraw } = toasts;
  const reportError = useCallback((error: unknown) => {
    const e = explainError(error);
    if (e.signedOut) setPhase({ kind: 'signed-out' });
    else if (e.unreachable) setOffline(true); // the shell's one banner says it; no toast on top
    else push({ tone: 'bad', text: e.fix ? `${e.message} ${e.fix}` : e.message });
  }, [push]);
  const announce = useCallback((text: string, topic?: string) => push({ tone: 'ok', text, topic }), [push]);

  // The broker answers or not: the stream's signals and every data call say which.
  const noteReachable = useCallback((reachable: boolean) => setOffline(!reachable), []);
  // While offline, ask every few seconds; when it answers, bump the epoch so pages re-read.
  const [onlineEpoch, setOnlineEpoch] = useState(0);
  useEffect(() => {
    if (!offline || !ready) return undefined;
    const timer = setInterval(() => {
      client.session().then(() => { setOffline(false); setOnlineEpoch((n) => n + 1); }, (error: unknown) => {
        if (explainError(error).signedOut) setPhase({ kind: 'signed-out' });
      });
    }, OFFLINE_RETRY_MS);
    return () => clearInterval(timer);
  }, [offline, ready, client]);
  useEffect(() => {
    if (!ready) return undefined;
    return stream.subscribe((m) => {
      if (m.name === 'offline' || m.name === 'closed') setOffline(true);
      else if (m.name === 'resync') setOffline(false);
    });
  }, [ready, stream]);

  const services = useMemo<AppServices | null>(
    () => (phase.kind === 'ready'
      ? { client, stream, session: phase.session, reportError, announce, toast: push, withdrawToast: withdraw, offline, noteReachable, onlineEpoch, signOut }
      : null),
    [phase, client, stream, reportError, announce, push, withdraw, offline, noteReachable, onlineEpoch, signOut],
  );

  if (phase.kind === 'loading') return <main className="standalone" id="main"><p className="muted" aria-live="polite">Connecting to Latchkey…</p></main>;
  if (phase.kind === 'signed-out') return <SignInScreen />;
  if (phase.kind === 'unreachable') return <UnreachableScreen message={phase.message} fix={phase.fix} onRetry={() => void loadSession()} />;
  return (
    <AppContext.Provider value={services}>
      <Shell toasts={<Toasts items={toasts.items} onDismiss={toasts.dismiss} />} />
    </AppContext.Provider>
  );
}
