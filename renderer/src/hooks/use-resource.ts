/**
 * One server list or object on a page: loaded on mount, re-read when one of the named live
 * events arrives (or the stream reconnects), and on demand. The previous data stays on
 * screen while a re-read runs, so nothing flickers or jumps.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { OwnerEventName } from '../api/event-stream.ts';
import { useApp } from '../app-context.ts';
import { explainError } from '../logic/explain-error.ts';
import { useStream } from './use-stream.ts';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => Promise<void>;
  /** Replace the data locally (after a change the server confirmed). */
  set: (update: (current: T | undefined) => T | undefined) => void;
}

export function useResource<T>(load: () => Promise<T>, refreshOn: readonly OwnerEventName[] = []): Resource<T> {
  const { reportError, noteReachable, onlineEpoch } = useApp();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const value = await loadRef.current();
      if (mine !== generation.current) return;
      setData(value);
      setError(undefined);
      noteReachable(true);
    } catch (e) {
      if (mine !== generation.current) return;
      setError(e);
      // The page shows its own load error; a lost session or a silent broker concern the whole window.
      const explained = explainError(e);
      if (explained.signedOut) reportError(e);
      if (explained.unreachable) noteReachable(false);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [reportError, noteReachable]);

  useEffect(() => { void reload(); }, [reload]);
  // Back after a silence: what is on screen may be stale (or an error).
  const seenEpoch = useRef(onlineEpoch);
  useEffect(() => {
    if (seenEpoch.current === onlineEpoch) return;
    seenEpoch.current = onlineEpoch;
    void reload();
  }, [onlineEpoch, reload]);

  const watched = refreshOn.join(' ');
  useStream((message) => {
    if (message.name === 'resync' || watched.split(' ').includes(message.name)) void reload();
  });

  return { data, error, loading, reload, set: setData };
}
