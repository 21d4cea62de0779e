import { useEffect, useRef } from 'react';
import { useApp } from '../app-context.ts';
import type { StreamListener } from '../api/event-stream.ts';

/** Calls `listener` for every live event and stream signal while the component is mounted. */
export function useStream(listener: StreamListener): void {
  const { stream } = useApp();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => stream.subscribe((message) => latest.current(message)), [stream]);
}
