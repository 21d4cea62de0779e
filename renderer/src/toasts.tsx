/** Short confirmations and window-wide errors, read out politely and gone after a while. */
import { useCallback, useRef, useState } from 'react';

export interface Toast { id: number; tone: 'ok' | 'bad'; text: string }

const LIFETIME_MS = { ok: 4000, bad: 10000 };

export function useToasts(): { items: Toast[]; push: (t: Omit<Toast, 'id'>) => void; dismiss: (id: number) => void } {
  const [items, setItems] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setItems((all) => all.filter((t) => t.id !== id)), []);
  const push = useCallback((t: Omit<Toast, 'id'>) => {
    const id = next.current++;
    setItems((all) => [...all.slice(-3), { ...t, id }]);
    setTimeout(() => dismiss(id), LIFETIME_MS[t.tone]);
  }, [dismiss]);
  return { items, push, dismiss };
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
