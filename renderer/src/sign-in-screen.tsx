/** Shown when there is no owner session (expired, or the page was opened without a link). */
import { Brand } from './components/brand.tsx';
import { SIGN_IN_COMMAND } from './logic/explain-error.ts';

export function SignInScreen() {
  return (
    <main className="standalone" id="main">
      <div className="card narrow">
        <Brand />
        <h1>Sign in again</h1>
        <p>Your Latchkey session has expired or is missing, so this window cannot show or change anything.</p>
        <p>In a terminal, run</p>
        <pre className="mono command">{SIGN_IN_COMMAND}</pre>
        <p className="muted">It prints (and opens) a one-time sign-in link for this browser. Links work once and expire after a few minutes.</p>
      </div>
    </main>
  );
}

export function UnreachableScreen({ message, fix, onRetry }: { message: string; fix: string | null; onRetry: () => void }) {
  return (
    <main className="standalone" id="main">
      <div className="card narrow" role="alert">
        <Brand />
        <h1>{message}</h1>
        {fix ? <p>{fix}</p> : null}
        <button type="button" className="btn primary" onClick={onRetry}>Try again</button>
      </div>
    </main>
  );
}
