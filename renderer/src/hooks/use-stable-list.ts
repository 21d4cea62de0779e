import { useMemo, useRef } from 'react';
import { stableMerge } from '../logic/stable-merge.ts';

/** The list in the order it was first shown: re-reads update rows in place (no jumps). */
export function useStableList<T>(items: readonly T[] | undefined, keyOf: (item: T) => string): T[] {
  const previous = useRef<T[]>([]);
  const keyRef = useRef(keyOf);
  keyRef.current = keyOf;
  return useMemo(() => {
    const merged = stableMerge(previous.current, items ?? [], keyRef.current);
    previous.current = merged;
    return merged;
  }, [items]);
}
