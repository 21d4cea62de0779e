import { explainError } from '../logic/explain-error.ts';

/** A failure in words with its fix, announced to screen readers. */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { message, fix } = explainError(error);
  return (
    <div className="notice bad" role="alert">
      <p className="notice-title">{message}</p>
      {fix ? <p>{fix}</p> : null}
      {onRetry ? <button type="button" className="btn small" onClick={onRetry}>Try again</button> : null}
    </div>
  );
}
