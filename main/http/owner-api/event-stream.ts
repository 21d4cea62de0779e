/**
 * GET /ui/api/events: the core event bus as Server-Sent Events, so the window updates live.
 * Payloads carry ids and labels only. Every subscription is dropped when the client goes.
 *
 * An EventSource cannot send headers, so the window first asks for a single-use ticket
 * (POST /ui/api/events/tickets, with its session header) and opens `?ticket=`; a ticket
 * lives a minute and opens one stream (S33). The header credential works too (fetch
 * streaming, the CLI). A stream closes when its session ends (logout, expiry).
 */
import { Router, type Request } from 'express';
import type { Core } from '../../core/core.ts';
import { RateLimited, Unauthorized } from '../../core/errors.ts';
import type { EventName } from '../../core/events.ts';
import { SIGN_IN_AGAIN, ownerOf } from '../owner-auth.ts';

const EVENTS: EventName[] = ['request.created', 'request.decided', 'connection.created', 'connection.needs_reauth', 'key.pairing_requested'];
const HEARTBEAT_MS = 25_000;
const MAX_STREAMS = 32;

/** The session a stream belongs to (null: the control-secret CLI), from a ticket or the header credential. */
function streamOwner(core: Core, req: Request, origins: Set<string>): string | null {
  const ticket = req.query.ticket;
  if (typeof ticket === 'string') {
    const redeemed = core.sessions.redeemEventTicket(ticket);
    if (!redeemed) throw new Unauthorized(SIGN_IN_AGAIN);
    return redeemed.sessionId;
  }
  const o = ownerOf(core, req, origins);
  return o.via === 'session' ? o.session.id : null;
}

export function eventStream(core: Core, origins: () => Set<string>): Router {
  const r = Router();
  let open = 0;

  r.get('/events', (req, res) => {
    const sessionId = streamOwner(core, req, origins());
    if (open >= MAX_STREAMS) throw new RateLimited('Too many open Latchkey windows are listening for events; close some tabs.', 5);
    open++;
    res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write(': connected\n\n');
    const unsubscribe = EVENTS.map((name) => core.events.on(name, (data) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)));
    const offEnded = core.sessions.onEnded((ended) => { if (ended === sessionId) res.end(); });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    req.on('close', () => {
      open--;
      clearInterval(heartbeat);
      offEnded();
      for (const off of unsubscribe) off();
    });
  });

  return r;
}
