/**
 * Short confirmations and window-wide errors, read out politely and gone after a while.
 * They live in their own row of the window's grid (never over the page), so they cannot
 * cover a button; a toast with a topic is replaced or withdrawn when its news goes stale.
 */
import { useCallback, useRef, useState } from 'react';

export interface Toast { id: number; tone: 'ok' | 'bad' | 'info'; text: string; topic?: string | undefined }
export type ToastInput = Omit<Toast, 'id'>;

const LIFETIME_MS = { ok: 4000, info: 8000, bad: 10000 };
const MAX_SHOWN = 3;

export function useToasts(): { items: Toast[]; push: (t: ToastInput) => void; dismiss: (id: number) => void; withdraw: (topic: string) => void } {
  const [items, setItems] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setItems((all) => all.filter((t) => t.id !== id)), []);
  const withdraw = useCallback((topic: string) => setItems((all) => all.filter((t) => t.topic !== topic)), []);
  const push = useCallback((t: ToastInput) => {
    const id = next.current++;
    setItems((all) => [...all.filter((x) => t.topic === undefined || x.topic !== t.topic).slice(-(MAX_SHOWN - 1)), { ...t, id }]);
    setTimeout(() => dismiss(id), LIFETIME_MS[t.tone]);
  }, [dismiss]);
  return { items, push, dismiss, withdraw };
}

export function Toasts({ items, onDismiss }: { items: readonly Toast[]; onDismiss: (id: number) => void }) {
  return (
    <div className="toasts" role="status" aria-live="polite">
      {items.map((t) => (
        <div key={t.id} className={`toast ${t.tone}`}>
          <span>{t.text}</span>
          <button type="button" className="btn small ghost" onClick={() => onDismiss(t.id)} aria-label="Dismiss">×</button>
        </div>
      ))}
    </div>
  );
}
