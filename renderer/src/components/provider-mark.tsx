import { markHue, monogram } from '../logic/provider-mark.ts';

/** The provider's monogram tile; decorative, since its name is always written beside it. */
export function ProviderMark({ name, markKey, size = 'normal' }: { name: string; markKey: string; size?: 'normal' | 'small' }) {
  return <span className={`mark hue-${markHue(markKey)}${size === 'small' ? ' small' : ''}`} aria-hidden="true">{monogram(name)}</span>;
}
