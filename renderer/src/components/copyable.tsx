import { CopyButton } from './copy-button.tsx';

/** A value shown in full (monospace, selectable) with a copy button beside it. */
export function Copyable({ value, label, block = false }: { value: string; label: string; block?: boolean }) {
  return (
    <div className={block ? 'copyable block' : 'copyable'}>
      {block ? <pre className="mono" aria-label={label}>{value}</pre> : <code className="mono" aria-label={label}>{value}</code>}
      <CopyButton text={value} label={label} />
    </div>
  );
}
