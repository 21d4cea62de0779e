/** Search over the provider templates (GET /templates) and pick one. */
import { useId, useState } from 'react';
import type { TemplateView } from '../../../main/http/owner-api-types.ts';
import { ProviderMark } from '../components/provider-mark.tsx';
import { searchTemplates } from '../logic/provider-draft.ts';

export function TemplatePicker({ templates, selected, onPick }: { templates: readonly TemplateView[]; selected: string; onPick: (t: TemplateView) => void }) {
  const id = useId();
  const [query, setQuery] = useState('');
  const matches = searchTemplates(templates, query);
  return (
    <div className="template-picker">
      <div className="field">
        <label htmlFor={`${id}-search`}>Search templates</label>
        <input id={`${id}-search`} type="search" value={query} placeholder="GitHub, Google, Slack…" onChange={(e) => setQuery(e.target.value)} aria-controls={`${id}-list`} />
      </div>
      <p className="muted small" aria-live="polite">{matches.length === templates.length ? `${templates.length} templates` : `${matches.length} of ${templates.length} templates match`}</p>
      {matches.length === 0 ? (
        <p className="muted">No template matches “{query}”. Use <strong>OIDC issuer</strong> if the provider publishes discovery metadata, or <strong>Generic OAuth 2.0</strong> with its URLs.</p>
      ) : null}
      <ul id={`${id}-list`} className="template-grid" aria-label="Templates">
        {matches.map((t) => (
          <li key={t.id}>
            <button type="button" className={t.id === selected ? 'template selected' : 'template'} aria-pressed={t.id === selected} onClick={() => onPick(t)}>
              <ProviderMark name={t.name} markKey={t.id} size="small" />
              <span className="template-text">
                <span className="template-name">{t.name}</span>
                <span className="template-id mono">{t.id}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
