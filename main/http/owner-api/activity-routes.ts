/** The activity log: filtered pages for the window, JSON Lines export for everyone else. */
import { Router, type Request } from 'express';
import type { Core } from '../../core/core.ts';
import type { ActivityFilter } from '../../core/model.ts';
import type { ActivityPage } from '../owner-api-types.ts';
import { parse } from '../schemas.ts';
import { activityQuery } from './schemas.ts';
import { parseTimeParam } from './time-param.ts';
import { activityView } from './views.ts';

function filterFrom(req: Request, now: number): ActivityFilter {
  const q = parse(activityQuery, req.query, 'query');
  return {
    providerId: q.provider || undefined, agentId: q.agent || undefined, keyLabel: q.key || undefined, type: q.type || undefined,
    decision: q.decision || undefined, since: parseTimeParam('since', q.since, now), until: parseTimeParam('until', q.until, now),
    before: q.before, limit: q.limit,
  };
}

export function activityRoutes(core: Core, now: () => number): Router {
  const r = Router();

  r.get('/activity', (req, res) => {
    const filter = filterFrom(req, now());
    const entries = core.activity.query(filter);
    const last = entries[entries.length - 1];
    const body: ActivityPage = { entries: entries.map(activityView), next_before: entries.length === filter.limit && last?.id ? last.id : null };
    res.json(body);
  });

  /** Everything matching the filters, newest first, one JSON object per line. */
  r.get('/activity/export', (req, res) => {
    const filter = { ...filterFrom(req, now()), limit: 1000 };
    res.type('application/x-ndjson').setHeader('Content-Disposition', 'attachment; filename="latchkey-activity.jsonl"');
    for (;;) {
      const page = core.activity.query(filter);
      for (const e of page) res.write(`${JSON.stringify(activityView(e))}\n`);
      const last = page[page.length - 1];
      if (page.length < filter.limit || !last?.id) break;
      filter.before = last.id;
    }
    res.end();
  });

  return r;
}
