/** Pending requests and the owner's decisions on them. */
import { Router } from 'express';
import type { Core } from '../../core/core.ts';
import type { ApproveResponse, PendingRequestView } from '../owner-api-types.ts';
import { ownerPrincipal } from '../request-context.ts';
import { parse } from '../schemas.ts';
import { approveBody, denyBody } from './schemas.ts';
import { pendingView } from './views.ts';
import { consentLink } from '../../core/links.ts';

export function decisionRoutes(core: Core, baseUrl: () => string): Router {
  const r = Router();

  r.get('/requests', (_req, res) => {
    const body: PendingRequestView[] = core.requests.listPending().map((p) => pendingView(core, p));
    res.json(body);
  });

  r.post('/requests/:authId/approve', async (req, res) => {
    const b = parse(approveBody, req.body ?? {}, 'body');
    const { request, consentRequired } = await core.approve(ownerPrincipal(res), req.params.authId, b.duration);
    const answer: ApproveResponse = {
      auth_id: request.authId,
      status: request.status,
      consent_url: consentRequired ? consentLink(baseUrl(), core.sessions.mintConsentTicket(request.authId)) : null,
    };
    res.json(answer);
  });

  r.post('/requests/:authId/deny', (req, res) => {
    const b = parse(denyBody, req.body ?? {}, 'body');
    const request = core.deny(ownerPrincipal(res), req.params.authId, b.remember);
    res.json({ auth_id: request.authId, status: request.status });
  });

  return r;
}
