/**
 * Browser routes of the OAuth flow: `/start/<t>` (who asks for what; the owner decides),
 * `/consent/<ticket>` (single-use link the CLI prints), and the provider's redirect back
 * to `/host-oauth-callback/<id>` and its `/v2/auth/callback|setup/<id>` aliases.
 */
import express, { Router, type Request, type Response } from 'express';
import type { Core } from '../core/core.ts';
import { BadRequest, LatchkeyError } from '../core/errors.ts';
import { isGrantDuration } from '../core/grants.ts';
import { sha256 } from '../core/hash.ts';
import { mintOwnerPrincipal } from '../core/owner-principal.ts';
import type { AuthRequestRecord } from '../core/ports.ts';
import { BINDING_COOKIE, sameOrigin, sessionFrom } from './owner-auth.ts';
import { connectedPage, decisionPage, failedPage, needsOwnerPage, statusPage, unknownLinkPage, type RequestView } from './flow-pages.ts';
import { MAX_BODY_BYTES, parseCookies } from './guards.ts';
import { page, html } from './html.ts';
import { startPath } from '../core/links.ts';

/** The binding cookie ties a provider redirect to the browser that started it (S11). */
function bindBrowser(core: Core, req: Request, res: Response): string {
  let value = parseCookies(req.headers.cookie).get(BINDING_COOKIE);
  if (!value || value.length < 32) {
    value = core.sessions.mintBindingValue();
    // Lax, not Strict: the provider's redirect back is a cross-site top-level navigation.
    res.append('Set-Cookie', `${BINDING_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600`);
  }
  return sha256(value);
}

function sendPage(res: Response, status: number, body: string): void {
  res.status(status).type('html').send(body);
}

export function flowRoutes(core: Core, origins: () => Set<string>): Router {
  const r = Router();
  const view = (request: AuthRequestRecord): RequestView => ({
    request, provider: core.providers.get(request.providerId), keyLabel: core.keyLabel(request.keyId),
    accounts: core.requests.accountChoices(request).map((c) => ({ id: c.id, label: c.label, isDefault: c.isDefault, needsReauth: c.status === 'needs_reauth' })),
  });

  const toProvider = async (req: Request, res: Response, request: AuthRequestRecord): Promise<void> => {
    const url = await core.flows.begin(request, bindBrowser(core, req, res));
    res.redirect(302, url);
  };

  r.get('/start/:t', async (req, res) => {
    const request = core.requests.byStartToken(req.params.t ?? '');
    if (!request) return sendPage(res, 404, unknownLinkPage());
    if (request.status !== 'pending') return sendPage(res, 200, statusPage(view(request)));
    const session = sessionFrom(core, req);
    if (request.approved && request.needsConsent && (request.autoApproved || session)) return toProvider(req, res, request);
    if (session) return sendPage(res, 200, decisionPage(view(request), session.csrf, `${startPath(req.params.t ?? '')}/decision`));
    // SameSite=Strict hides the session on a cross-site arrival (say, a link in a chat UI);
    // reloading from our own page makes it a same-site request that carries the cookie.
    if (req.headers['sec-fetch-site'] === 'cross-site' && req.query.r === undefined) {
      return sendPage(res, 200, page('Loading', html`<p>Checking your Latchkey session…</p>`, { refreshTo: `${startPath(req.params.t ?? '')}?r=1` }));
    }
    return sendPage(res, 200, needsOwnerPage(view(request)));
  });

  r.post('/start/:t/decision', express.urlencoded({ extended: false, limit: MAX_BODY_BYTES, parameterLimit: 10 }), async (req, res) => {
    const request = core.requests.byStartToken(req.params.t ?? '');
    if (!request) return sendPage(res, 404, unknownLinkPage());
    const session = sessionFrom(core, req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!session) return sendPage(res, 401, needsOwnerPage(view(request)));
    if (!sameOrigin(req, origins()) || !core.sessions.csrfMatches(session, typeof body._csrf === 'string' ? body._csrf : undefined)) {
      return sendPage(res, 403, failedPage('Refused', 'This approval did not come from the Latchkey page (CSRF check failed). Reload the page and try again.'));
    }
    if (request.status !== 'pending') return sendPage(res, 200, statusPage(view(request)));
    // S39: the session and its CSRF token are checked above; only now is this the owner.
    const owner = mintOwnerPrincipal('browser');
    if (body.decision === 'deny') {
      // "Remember" beside Deny, as on the window's Pending card; absent or unknown means just this request.
      core.deny(owner, request.authId, isGrantDuration(body.remember) ? body.remember : 'once');
      return res.redirect(303, startPath(req.params.t ?? ''));
    }
    if (body.decision !== 'approve' || !isGrantDuration(body.duration)) {
      return sendPage(res, 400, failedPage('Unknown choice', 'Choose Approve with a duration, or Deny.'));
    }
    if (typeof body.account === 'string') core.requests.chooseAccount(request.authId, body.account === 'new' ? null : body.account);
    const approved = await core.approve(owner, request.authId, body.duration);
    if (approved.consentRequired) return toProvider(req, res, approved.request);
    return res.redirect(303, startPath(req.params.t ?? ''));
  });

  r.get('/consent/:ticket', async (req, res) => {
    const authId = core.sessions.redeemConsentTicket(req.params.ticket ?? '');
    const request = authId ? core.requests.get(authId) : undefined;
    if (!request) return sendPage(res, 404, failedPage('Link used or expired', 'Consent links work once, for 10 minutes. Run `npx latchkey approvals approve <auth_id>` again for a new one.'));
    if (request.status !== 'pending') return sendPage(res, 200, statusPage(view(request)));
    return toProvider(req, res, request);
  });

  const callback = async (req: Request, res: Response, extra: { installationId?: number | undefined } = {}): Promise<void> => {
    const providerId = String(req.params.providerId ?? '');
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') params.set(k, v);
    const binding = parseCookies(req.headers.cookie).get(BINDING_COOKIE);
    try {
      const outcome = await core.flows.callback(providerId, params, { hash: binding ? sha256(binding) : null }, extra);
      if (outcome.status === 'completed') return sendPage(res, 200, connectedPage(outcome.providerName));
      return sendPage(res, 200, failedPage('Sign-in failed', outcome.detail ?? 'The provider did not grant access.'));
    } catch (err) {
      if (err instanceof LatchkeyError && err.expose) return sendPage(res, err.status, failedPage(err instanceof BadRequest ? 'Sign-in link refused' : 'Sign-in failed', err.message));
      throw err;
    }
  };

  r.get('/host-oauth-callback/:providerId', (req, res) => callback(req, res));
  for (const base of ['/v2/auth', '/api-host/v2/auth']) {
    r.get(`${base}/callback/:providerId`, (req, res) => callback(req, res));
    r.get(`${base}/setup/:providerId`, (req, res) => setup(req, res));
  }

  /**
   * GitHub App "Setup URL" (upstream §5 #31): `installation_id` must be an integer (422
   * otherwise); an `update` (repository access changed on GitHub) changes nothing; a new
   * installation with code+state is the normal callback and the account keeps the
   * installation id; an error is shown; anything else is a neutral page.
   */
  const setup = async (req: Request, res: Response): Promise<void> => {
    const q = req.query;
    const rawInstallation = q.installation_id;
    let installationId: number | undefined;
    if (rawInstallation !== undefined) {
      if (typeof rawInstallation !== 'string' || !/^\d{1,15}$/.test(rawInstallation)) {
        return sendPage(res, 422, failedPage('Invalid installation', 'installation_id must be an integer. Start the installation again from GitHub.'));
      }
      installationId = Number(rawInstallation);
    }
    if (q.setup_action === 'update') {
      return sendPage(res, 200, page('Updated', html`<h1 class="ok">Installation updated</h1><p>The app's repository access changed on GitHub. Nothing changed in Latchkey; you can close this tab.</p>`));
    }
    if (typeof q.state === 'string' && (typeof q.code === 'string' || typeof q.error === 'string')) return callback(req, res, { installationId });
    if (typeof q.error === 'string') {
      const description = typeof q.error_description === 'string' ? q.error_description : null;
      return sendPage(res, 200, failedPage('Installation failed', `GitHub answered ${q.error}${description ? ` — ${description}` : ''}.`));
    }
    return sendPage(res, 200, page('Installed', html`<h1>App installation noted</h1><p>Nothing to sign in to here. You can close this tab and return to your agent.</p>`));
  };
  return r;
}
