import type { ReactNode } from 'react';

/** The page's one h1, a sentence on what it is for, and its main actions. */
export function PageHeader({ title, lead, children }: { title: string; lead: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        <p className="lead">{lead}</p>
      </div>
      {children ? <div className="page-actions">{children}</div> : null}
    </header>
  );
}
