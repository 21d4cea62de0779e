import type { ReactNode, RefObject } from 'react';

/** What an empty list means and what to do next. `focusRef` lets a page move focus here (after the last item goes). */
export function EmptyState({ title, children, focusRef }: { title: string; children: ReactNode; focusRef?: RefObject<HTMLDivElement | null> }) {
  return (
    <div className="empty" ref={focusRef} tabIndex={focusRef ? -1 : undefined}>
      <p className="empty-title">{title}</p>
      <div className="empty-body">{children}</div>
    </div>
  );
}
