/** The activity filters: provider, agent, key, decision, time range. Changes apply at once. */
import { useId } from 'react';
import { useApp } from '../app-context.ts';
import { useResource } from '../hooks/use-resource.ts';
import type { ActivityFilters, TimeRange } from '../logic/activity-query.ts';
import { DECISION_OPTIONS } from '../logic/activity-text.ts';

const RANGES: ReadonlyArray<{ value: TimeRange; label: string }> = [
  { value: 'all', label: 'All time' },
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
];

export function ActivityFiltersForm({ filters, onChange }: { filters: ActivityFilters; onChange: (f: ActivityFilters) => void }) {
  const { client } = useApp();
  const id = useId();
  const providers = useResource(() => client.providers());
  const keys = useResource(() => client.keys());
  const set = (patch: Partial<ActivityFilters>): void => onChange({ ...filters, ...patch });
  return (
    <form className="filters" aria-label="Filter activity" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor={`${id}-provider`}>Provider</label>
        <select id={`${id}-provider`} value={filters.provider} onChange={(e) => set({ provider: e.target.value })}>
          <option value="">Any provider</option>
          {(providers.data ?? []).map((p) => <option key={p.provider_id} value={p.provider_id}>{p.name}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-agent`}>Agent id</label>
        <input id={`${id}-agent`} type="search" value={filters.agent} placeholder="any" onChange={(e) => set({ agent: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-key`}>Key</label>
        <select id={`${id}-key`} value={filters.key} onChange={(e) => set({ key: e.target.value })}>
          <option value="">Any key</option>
          {(keys.data ?? []).map((k) => <option key={k.id} value={k.label}>{k.label}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-decision`}>Decision</label>
        <select id={`${id}-decision`} value={filters.decision} onChange={(e) => set({ decision: e.target.value })}>
          <option value="">Any</option>
          {DECISION_OPTIONS.map((g) => (
            <optgroup key={g.group} label={g.group}>
              {g.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
            </optgroup>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-range`}>Time</label>
        <select id={`${id}-range`} value={filters.range} onChange={(e) => set({ range: e.target.value as TimeRange })}>
          {RANGES.map((r) => <option key={r.value} value={r.value}>{r.label}</option>)}
        </select>
      </div>
    </form>
  );
}
