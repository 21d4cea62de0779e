import { useApp } from '../app-context.ts';
import { explainError } from '../logic/explain-error.ts';

/**
 * A failure in words with its fix, announced to screen readers. A broker that does not
 * answer is said once, by the shell's banner, so this shows nothing for it.
 */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { offline } = useApp();
  const { message, fix, unreachable } = explainError(error);
  if (unreachable && offline) return null;
  return (
    <div className="notice bad" role="alert">
      <p className="notice-title">{message}</p>
      {fix ? <p>{fix}</p> : null}
      {onRetry ? <button type="button" className="btn small" onClick={onRetry}>Try again</button> : null}
    </div>
  );
}
