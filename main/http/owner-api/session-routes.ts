/**
 * Signed-in sessions (S33): the list in Settings, logout of one, of this one, or of all
 * (`latchkey ui --logout-all`), and single-use tickets for the event stream.
 */
import { Router } from 'express';
import type { Core } from '../../core/core.ts';
import { NotFound } from '../../core/errors.ts';
import { EVENT_TICKET_TTL_MS, type OwnerSession } from '../../core/owner-sessions.ts';
import type { EventTicketResponse, LogoutResponse, OwnerSessionView } from '../owner-api-types.ts';
import { owner } from '../request-context.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

function sessionView(s: OwnerSession, currentId: string | null): OwnerSessionView {
  return { id: s.id, client: s.client, created_at: iso(s.createdAt), last_seen_at: iso(s.lastSeenAt), expires_at: iso(s.expiresAt), current: s.id === currentId };
}

export function sessionRoutes(core: Core): Router {
  const r = Router();
  const currentId = (res: Parameters<typeof owner>[0]): string | null => {
    const o = owner(res);
    return o.via === 'session' ? o.session.id : null;
  };

  r.get('/sessions', (_req, res) => {
    const current = currentId(res);
    const body: OwnerSessionView[] = core.sessions.list().map((s) => sessionView(s, current));
    res.json(body);
  });

  r.delete('/sessions', (_req, res) => {
    const body: LogoutResponse = { ended: core.sessions.endAll() };
    res.json(body);
  });

  r.delete('/sessions/current', (_req, res) => {
    const current = currentId(res);
    const body: LogoutResponse = { ended: current !== null && core.sessions.end(current) ? 1 : 0 };
    res.json(body);
  });

  r.delete('/sessions/:id', (req, res) => {
    if (!core.sessions.end(req.params.id ?? '')) throw new NotFound('No signed-in session has that id (it may have ended already).');
    const body: LogoutResponse = { ended: 1 };
    res.json(body);
  });

  r.post('/events/tickets', (_req, res) => {
    const body: EventTicketResponse = { ticket: core.sessions.mintEventTicket(currentId(res)), expires_in: EVENT_TICKET_TTL_MS / 1000 };
    res.json(body);
  });

  return r;
}
