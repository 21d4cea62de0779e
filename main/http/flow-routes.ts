/**
 * Browser routes of the OAuth flow: `/start/<t>` (who asks for what; the owner decides),
 * `/consent/<ticket>` (single-use link the CLI or the window opens), and the provider's
 * redirect back to `/host-oauth-callback/<id>` and its `/v2/auth/callback|setup/<id>` aliases.
 *
 * No cookie is read or set here (S33): every cookie for 127.0.0.1 also reaches every other
 * port, so the owner's credential is the `x-latchkey-session` header (owner-auth.ts) and the
 * browser binding of a flow is a secret the page keeps in localStorage and sends in JSON.
 * GET and HEAD only render pages; every step that changes something is a same-origin JSON
 * POST made by /assets/flow.js, so a link preview, a HEAD or a cross-site arrival uses up
 * nothing and starts nothing (S40).
 */
import express, { Router, type Request, type Response } from 'express';
import type { Core } from '../core/core.ts';
import { BadRequest, Forbidden, NotFound, Unauthorized } from '../core/errors.ts';
import { sha256 } from '../core/hash.ts';
import { mintOwnerPrincipal } from '../core/owner-principal.ts';
import type { AuthRequestRecord } from '../core/ports.ts';
import { approvedPage, callbackPage, consentPage, continuePage, decisionPage, statusPage, unknownLinkPage, failedPage, type RequestView } from './flow-pages.ts';
import { FLOW_PAGE_JS, FLOW_SCRIPT_PATH } from './flow-page-script.ts';
import { MAX_BODY_BYTES, requireJson, safeJsonReviver } from './guards.ts';
import { FLOW_PAGE_CSP, page, html } from './html.ts';
import { callbackPageBody, continueBody, startDecisionBody } from './owner-api/schemas.ts';
import { ownerOf, sameOrigin } from './owner-auth.ts';
import { parse } from './schemas.ts';
import { LINK_PATHS, startPath } from '../core/links.ts';

const INVALID_INSTALLATION = 'installation_id must be an integer. Start the installation again from GitHub.';

/** A GitHub App installation id: absent, an integer, or invalid (anything else). */
function installationIdOf(raw: unknown): number | undefined | 'invalid' {
  if (raw === undefined) return undefined;
  return typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : 'invalid';
}

function sendPage(res: Response, status: number, body: string): void {
  res.status(status).set('Content-Security-Policy', FLOW_PAGE_CSP).type('html').send(body);
}

/** Where a flow step sends the browser next: the provider's authorization URL, or back to the page. */
interface NextStep { status: string; redirect_url: string | null }

export function flowRoutes(core: Core, origins: () => Set<string>): Router {
  const r = Router();
  const json = express.json({ limit: MAX_BODY_BYTES, strict: true, reviver: safeJsonReviver });
  const view = (request: AuthRequestRecord): RequestView => ({
    request, provider: core.providers.get(request.providerId), keyLabel: core.keyLabel(request.keyId),
    accounts: core.requests.accountChoices(request).map((c) => ({ id: c.id, label: c.label, isDefault: c.isDefault, needsReauth: c.status === 'needs_reauth' })),
  });

  /** Flow steps are JSON posts from our own page; another origin cannot make one without a refused preflight. */
  const fromOurPage = (req: Request): void => {
    if (!sameOrigin(req, origins())) throw new Forbidden('This step must come from the Latchkey page itself (Origin refused).', 'bad_origin');
  };
  const pendingByToken = (t: string): AuthRequestRecord => {
    const request = core.requests.byStartToken(t);
    if (!request) throw new NotFound('This link is unknown or has expired. Ask the agent to call authenticate again.');
    return request;
  };
  /** The owner's pick on the decision form: an account of the request's namespace, or 'new'. */
  const chooseAccount = (request: AuthRequestRecord, account: string): AuthRequestRecord => {
    core.requests.chooseAccount(request.authId, account === 'new' ? null : account);
    return core.requests.get(request.authId) ?? request;
  };
  const startProvider = async (request: AuthRequestRecord, binding: string): Promise<NextStep> => ({
    status: request.status, redirect_url: await core.flows.begin(request, sha256(binding)),
  });

  r.get(FLOW_SCRIPT_PATH, (_req, res) => {
    res.type('text/javascript').send(FLOW_PAGE_JS);
  });

  // Read-only: the same page for every arrival (cross-site or not, GET or HEAD); nothing is written.
  r.get('/start/:t', (req, res) => {
    const request = core.requests.byStartToken(req.params.t ?? '');
    if (!request) return sendPage(res, 404, unknownLinkPage());
    if (request.status !== 'pending') return sendPage(res, 200, statusPage(view(request)));
    const path = startPath(req.params.t ?? '');
    if (request.approved && request.needsConsent) return sendPage(res, 200, continuePage(view(request), path));
    if (request.approved) return sendPage(res, 200, approvedPage(view(request)));
    return sendPage(res, 200, decisionPage(view(request), path));
  });

  // The owner's decision: needs the owner's header credential (a cookie would not do).
  r.post('/start/:t/decision', requireJson, json, async (req, res) => {
    fromOurPage(req);
    const who = ownerOf(core, req, origins());
    const b = parse(startDecisionBody, req.body ?? {}, 'body');
    const request = pendingByToken(String(req.params.t ?? ''));
    // S39: ownerOf vouched for the caller; on this page the owner acts through the browser.
    const owner = who.via === 'control' ? who.principal : mintOwnerPrincipal('browser');
    if (request.status !== 'pending') return res.json({ status: request.status, redirect_url: null } satisfies NextStep);
    if (b.decision === 'deny') {
      // "Remember" beside Deny, as on the window's Pending card; absent means just this request.
      const denied = core.deny(owner, request.authId, b.remember);
      return res.json({ status: denied.status, redirect_url: null } satisfies NextStep);
    }
    // The account picker (issue 14): which account the agent gets, or 'new' for another sign-in.
    // Chosen before approving, since it decides whether a provider sign-in is needed at all.
    const chosen = b.account === undefined ? request : chooseAccount(request, b.account);
    if (chosen.needsConsent && !b.binding) throw new BadRequest('Approving this request starts a provider sign-in; send the browser binding.', 'binding_required');
    const approved = await core.approve(owner, chosen.authId, b.duration);
    if (approved.consentRequired && b.binding) return res.json(await startProvider(approved.request, b.binding));
    return res.json({ status: approved.request.status, redirect_url: null } satisfies NextStep);
  });

  // The one click that moves an approved request on to the provider. A request the policy
  // approved needs only that click on our page; one the owner approved elsewhere needs the
  // owner here too (else a consent link from the CLI or the window).
  r.post('/start/:t/continue', requireJson, json, async (req, res) => {
    fromOurPage(req);
    const b = parse(continueBody, req.body ?? {}, 'body');
    const request = pendingByToken(String(req.params.t ?? ''));
    if (request.status !== 'pending' || !request.approved || !request.needsConsent) {
      return res.json({ status: request.status, redirect_url: null } satisfies NextStep);
    }
    if (!request.autoApproved) ownerOf(core, req, origins());
    return res.json(await startProvider(request, b.binding));
  });

  // GET shows a page; only its script's POST spends the ticket (HEAD and previews never do).
  r.get('/consent/:ticket', (req, res) => {
    const authId = core.sessions.peekConsentTicket(req.params.ticket ?? '');
    const request = authId ? core.requests.get(authId) : undefined;
    if (!request) return sendPage(res, 404, failedPage('Link used or expired', 'Consent links work once, for 10 minutes. Run `npx latchkey approvals approve <auth_id>` again for a new one.'));
    if (request.status !== 'pending') return sendPage(res, 200, statusPage(view(request)));
    return sendPage(res, 200, consentPage(`${LINK_PATHS.consent}${req.params.ticket ?? ''}`));
  });

  r.post('/consent/:ticket', requireJson, json, async (req, res) => {
    fromOurPage(req);
    const b = parse(continueBody, req.body ?? {}, 'body');
    const authId = core.sessions.redeemConsentTicket(String(req.params.ticket ?? ''));
    const request = authId ? core.requests.get(authId) : undefined;
    if (!request) throw new Unauthorized('Consent links work once, for 10 minutes. Run `npx latchkey approvals approve <auth_id>` again for a new one.');
    if (request.status !== 'pending') return res.json({ status: request.status, redirect_url: null } satisfies NextStep);
    return res.json(await startProvider(request, b.binding));
  });

  // The provider's redirect: a page whose script posts code, state and the binding back.
  const callbackView = (req: Request, res: Response): void => {
    if (typeof req.query.state !== 'string') return sendPage(res, 400, failedPage('Sign-in link refused', 'This sign-in link is incomplete. Go back to the agent and start again.'));
    // Every alias finishes at /host-oauth-callback: `POST /v2/auth/callback` is the SDK's route.
    sendPage(res, 200, callbackPage(`${LINK_PATHS.callback}${encodeURIComponent(String(req.params.providerId ?? ''))}`));
  };
  const callbackFinish = async (req: Request, res: Response): Promise<void> => {
    fromOurPage(req);
    const b = parse(callbackPageBody, req.body ?? {}, 'body');
    const params = new URLSearchParams(b.query.startsWith('?') ? b.query.slice(1) : b.query);
    // A GitHub App setup redirect carries the installation; the account keeps its id (issue 14).
    const installationId = installationIdOf(params.get('installation_id') ?? undefined);
    if (installationId === 'invalid') throw new BadRequest(INVALID_INSTALLATION, 'invalid_installation');
    const outcome = await core.flows.callback(String(req.params.providerId ?? ''), params, { hash: sha256(b.binding) }, { installationId });
    res.json({ status: outcome.status, provider_name: outcome.providerName, detail: outcome.detail });
  };

  /**
   * GitHub App "Setup URL" (upstream §5 #31): `installation_id` must be an integer (422
   * otherwise); an `update` (repository access changed on GitHub) changes nothing; a new
   * installation with code+state is the normal callback page (its script posts the whole
   * query, so the account keeps the installation id); an error is shown; anything else is a
   * neutral page. Like every GET here, it only renders.
   */
  const setupView = (req: Request, res: Response): void => {
    const q = req.query;
    if (installationIdOf(q.installation_id) === 'invalid') return sendPage(res, 422, failedPage('Invalid installation', INVALID_INSTALLATION));
    if (q.setup_action === 'update') {
      return sendPage(res, 200, page('Updated', html`<h1 class="ok">Installation updated</h1><p>The app's repository access changed on GitHub. Nothing changed in Latchkey; you can close this tab.</p>`));
    }
    if (typeof q.state === 'string' && (typeof q.code === 'string' || typeof q.error === 'string')) return callbackView(req, res);
    if (typeof q.error === 'string') {
      const description = typeof q.error_description === 'string' ? q.error_description : null;
      return sendPage(res, 200, failedPage('Installation failed', `GitHub answered ${q.error}${description ? ` — ${description}` : ''}.`));
    }
    return sendPage(res, 200, page('Installed', html`<h1>App installation noted</h1><p>Nothing to sign in to here. You can close this tab and return to your agent.</p>`));
  };

  r.get(`${LINK_PATHS.callback}:providerId`, callbackView);
  r.post(`${LINK_PATHS.callback}:providerId`, requireJson, json, callbackFinish);
  for (const base of ['/v2/auth', '/api-host/v2/auth']) {
    r.get(`${base}/callback/:providerId`, callbackView);
    r.get(`${base}/setup/:providerId`, setupView);
  }
  return r;
}
