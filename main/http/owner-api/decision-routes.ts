/** Pending requests and the owner's decisions on them. */
import { Router } from 'express';
import type { Core } from '../../core/core.ts';
import type { ApproveResponse, PendingRequestView } from '../owner-api-types.ts';
import { owner } from '../request-context.ts';
import { parse } from '../schemas.ts';
import { approveBody, denyBody } from './schemas.ts';
import { pendingView } from './views.ts';
import { consentLink } from '../../core/links.ts';

export function decisionRoutes(core: Core, baseUrl: () => string): Router {
  const r = Router();
  const channel = (res: Parameters<typeof owner>[0]) => (owner(res).via === 'control' ? 'cli' : 'window');

  r.get('/requests', (_req, res) => {
    const body: PendingRequestView[] = core.requests.listPending().map((p) => pendingView(core, p));
    res.json(body);
  });

  r.post('/requests/:authId/approve', async (req, res) => {
    const b = parse(approveBody, req.body ?? {}, 'body');
    const { request, consentRequired } = await core.requests.approve(req.params.authId, b.duration, channel(res));
    const answer: ApproveResponse = {
      auth_id: request.authId,
      status: request.status,
      consent_url: consentRequired ? consentLink(baseUrl(), core.sessions.mintConsentTicket(request.authId)) : null,
    };
    res.json(answer);
  });

  r.post('/requests/:authId/deny', (req, res) => {
    const b = parse(denyBody, req.body ?? {}, 'body');
    const request = core.requests.deny(req.params.authId, channel(res), b.remember);
    res.json({ auth_id: request.authId, status: request.status });
  });

  return r;
}
