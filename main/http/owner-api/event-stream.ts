/**
 * GET /ui/api/events: the core event bus as Server-Sent Events, so the window updates live.
 * Payloads carry ids and labels only. Every subscription is dropped when the client goes.
 */
import { Router } from 'express';
import type { Core } from '../../core/core.ts';
import { RateLimited } from '../../core/errors.ts';
import type { EventName } from '../../core/events.ts';

const EVENTS: EventName[] = ['request.created', 'request.decided', 'connection.created', 'connection.needs_reauth', 'key.pairing_requested'];
const HEARTBEAT_MS = 25_000;
const MAX_STREAMS = 32;

export function eventStream(core: Core): Router {
  const r = Router();
  let open = 0;

  r.get('/events', (req, res) => {
    if (open >= MAX_STREAMS) throw new RateLimited('Too many open Latchkey windows are listening for events; close some tabs.', 5);
    open++;
    res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write(': connected\n\n');
    const unsubscribe = EVENTS.map((name) => core.events.on(name, (data) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`)));
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    req.on('close', () => {
      open--;
      clearInterval(heartbeat);
      for (const off of unsubscribe) off();
    });
  });

  return r;
}
