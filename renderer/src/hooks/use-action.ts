/**
 * Runs one owner action (approve, delete, save…) with a busy flag and an inline error.
 * A lost session is handed to the window, which switches to the sign-in screen.
 */
import { useCallback, useState } from 'react';
import { useApp } from '../app-context.ts';
import { explainError } from '../logic/explain-error.ts';

export interface Action {
  busy: boolean;
  error: unknown;
  /** Resolves true when `action` finished without throwing. */
  run: (action: () => Promise<void>) => Promise<boolean>;
  clearError: () => void;
}

export function useAction(): Action {
  const { reportError, noteReachable } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(e);
      const explained = explainError(e);
      if (explained.signedOut) reportError(e);
      if (explained.unreachable) noteReachable(false);
      return false;
    } finally {
      setBusy(false);
    }
  }, [reportError, noteReachable]);
  const clearError = useCallback(() => setError(null), []);
  return { busy, error, run, clearError };
}
