/**
 * The pending requests, kept live for the whole window (the tab title and the nav badge
 * count them on every page): read once, then driven by the event stream. While some
 * request waits, the list is also re-read every few seconds, so "nobody is waiting any
 * more" and expiry show without an event for them.
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { PendingRequestView } from '../../../main/http/owner-api-types.ts';
import { useApp } from '../app-context.ts';
import { explainError } from '../logic/explain-error.ts';
import { consentTopic } from '../logic/pending-text.ts';
import { INITIAL_PENDING, pendingReducer } from '../logic/pending-reducer.ts';
import { useStream } from './use-stream.ts';

const PRESENCE_REREAD_MS = 5000;

export interface Pending {
  items: readonly PendingRequestView[];
  loaded: boolean;
  error: unknown;
  reload: () => Promise<void>;
  removed: (authId: string) => void;
}

export function usePending(): Pending {
  const { client, reportError, noteReachable, announce, onlineEpoch } = useApp();
  const [state, dispatch] = useReducer(pendingReducer, INITIAL_PENDING);
  const [error, setError] = useState<unknown>(null);
  const items = useRef(state.items);
  items.current = state.items;

  const reload = useCallback(async () => {
    try {
      dispatch({ type: 'loaded', items: await client.requests() });
      setError(null);
      noteReachable(true);
    } catch (e) {
      setError(e);
      const explained = explainError(e);
      if (explained.signedOut) reportError(e);
      if (explained.unreachable) noteReachable(false);
    }
  }, [client, reportError, noteReachable]);

  useStream((message) => {
    if (message.name === 'resync') dispatch({ type: 'resync' });
    else if (message.name !== 'closed' && message.name !== 'offline') {
      if (message.name === 'request.decided' && message.data.status === 'completed') {
        // "Finish on the consent page" is no longer true: replace it with what happened.
        const done = items.current.find((p) => p.auth_id === message.data.authId);
        if (done) announce(`Connected: ${done.agent_id ?? done.key_label} has its ${done.provider_name} token.`, consentTopic(done.auth_id));
      }
      dispatch({ type: 'event', event: message });
    }
  });

  useEffect(() => { if (state.stale) void reload(); }, [state.stale, reload]);
  useEffect(() => { if (onlineEpoch > 0) void reload(); }, [onlineEpoch, reload]);

  const anyWaiting = state.items.length > 0;
  useEffect(() => {
    if (!anyWaiting) return undefined;
    const timer = setInterval(() => void reload(), PRESENCE_REREAD_MS);
    return () => clearInterval(timer);
  }, [anyWaiting, reload]);

  const removed = useCallback((authId: string) => dispatch({ type: 'removed', authId }), []);
  return { items: state.items, loaded: state.loaded, error, reload, removed };
}
