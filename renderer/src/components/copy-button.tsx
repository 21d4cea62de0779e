import { useState } from 'react';
import { useApp } from '../app-context.ts';

/** Copies `text` and says so; `label` names what is copied for screen readers. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const { announce, reportError } = useApp();
  const [copied, setCopied] = useState(false);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      announce(`${label} copied`);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      reportError(new Error(`Could not copy the ${label.toLowerCase()}: the browser refused clipboard access. Select the text and copy it by hand.`));
    }
  };
  return (
    <button type="button" className="btn small copy" onClick={() => void copy()} aria-label={`Copy ${label}`}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
