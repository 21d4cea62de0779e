/**
 * The pending requests, kept live for the whole window (the tab title and the nav badge
 * count them on every page): read once, then driven by the event stream.
 */
import { useCallback, useEffect, useReducer, useState } from 'react';
import type { PendingRequestView } from '../../../main/http/owner-api-types.ts';
import { useApp } from '../app-context.ts';
import { explainError } from '../logic/explain-error.ts';
import { INITIAL_PENDING, pendingReducer } from '../logic/pending-reducer.ts';
import { useStream } from './use-stream.ts';

export interface Pending {
  items: readonly PendingRequestView[];
  loaded: boolean;
  error: unknown;
  reload: () => Promise<void>;
  removed: (authId: string) => void;
}

export function usePending(): Pending {
  const { client, reportError } = useApp();
  const [state, dispatch] = useReducer(pendingReducer, INITIAL_PENDING);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(async () => {
    try {
      dispatch({ type: 'loaded', items: await client.requests() });
      setError(null);
    } catch (e) {
      setError(e);
      if (explainError(e).signedOut) reportError(e);
    }
  }, [client, reportError]);

  useStream((message) => {
    if (message.name === 'resync') dispatch({ type: 'resync' });
    else if (message.name !== 'closed' && message.name !== 'offline') dispatch({ type: 'event', event: message });
  });

  useEffect(() => { if (state.stale) void reload(); }, [state.stale, reload]);

  const removed = useCallback((authId: string) => dispatch({ type: 'removed', authId }), []);
  return { items: state.items, loaded: state.loaded, error, reload, removed };
}
