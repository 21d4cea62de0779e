/**
 * The pages a human sees during a flow. All values escaped through `html`. Pages that act
 * (decide, continue to the provider, finish a callback) do so through /assets/flow.js,
 * with the owner's header credential and the browser binding from localStorage (S33).
 */
import { DECISION_WORDS as W, DEFAULT_DENY, DEFAULT_GRANT, DENY_CHOICES, GRANT_CHOICES, type DecisionChoice } from '../core/decision-words.ts';
import type { AuthRequest, Provider } from '../core/model.ts';
import { FLOW_SCRIPT_PATH } from './flow-page-script.ts';
import { html, page, prose } from './html.ts';

/** An account of the request's namespace the owner may hand out instead of signing in again. */
export interface AccountChoice {
  id: string;
  label: string | null;
  isDefault: boolean;
  needsReauth: boolean;
}

export interface RequestView {
  request: AuthRequest;
  provider: Provider;
  keyLabel: string;
  /** The key's other accounts at this provider for the same user and agent (issue 14). */
  accounts: AccountChoice[];
}

const accountName = (a: AccountChoice): string => a.label ?? `account ${a.id.slice(0, 8)}`;

function facts(v: RequestView) {
  const r = v.request;
  return html`<dl>
    <dt>Provider</dt><dd>${v.provider.name} <span class="muted">(${v.provider.providerId})</span></dd>
    <dt>Key</dt><dd>${v.keyLabel}</dd>
    <dt>Agent</dt><dd>${r.agentId ?? html`<span class="muted">not given</span>`}</dd>
    <dt>User</dt><dd>${r.userId}</dd>
    ${r.lsUserId ? html`<dt>LangSmith user</dt><dd>${r.lsUserId} <span class="muted">(as the agent says; not checked)</span></dd>` : ''}
    <dt>Scopes</dt><dd>${r.scopes.length ? r.scopes.map((s) => html`<span class="scope">${s}</span>`) : html`<span class="muted">none</span>`}</dd>
    <dt>Consent</dt><dd>${r.needsConsent ? W.consentNeeded : W.alreadyConnected}</dd>
  </dl>`;
}

const choiceOptions = (choices: readonly DecisionChoice[], selected: string) =>
  choices.map((c) => html`<option value="${c.value}"${c.value === selected ? html` selected` : ''}>${c.label}</option>`);

const NO_SCRIPT = html`<noscript><p class="bad">This page needs JavaScript to reach Latchkey safely.</p></noscript>`;

function signedOutNote(v: RequestView) {
  return html`<div id="lk-signed-out">
    <p><strong>Waiting for the Latchkey owner.</strong> This request needs the owner's approval, and this browser is not signed in to Latchkey.</p>
    <p class="muted">Owner: run <code>npx latchkey ui</code> and open the sign-in link it prints in this browser, then reload this page — or approve in the Latchkey window or with <code>npx latchkey approvals approve ${v.request.authId}</code>.</p>
  </div>`;
}

/**
 * A pending, undecided request. The decision form stays hidden until the script has
 * confirmed an owner session in this browser; without one, the signed-out note shows.
 */
export function decisionPage(v: RequestView, path: string): string {
  return page('Approve access', html`
    <h1>An agent asks for ${v.provider.name} access</h1>
    ${facts(v)}
    <div data-flow="start" data-path="${path}">
      ${NO_SCRIPT}
      ${signedOutNote(v)}
      <form id="lk-decision" hidden>
        <div class="actions">
          <label for="duration">${W.allowLabel}</label>
          <select id="duration" name="duration">${choiceOptions(GRANT_CHOICES, DEFAULT_GRANT)}</select>
          ${accountPicker(v)}
          <button class="primary" type="submit" name="decision" value="approve">${v.request.needsConsent ? W.approveWithConsent : W.approve}</button>
        </div>
        <div class="actions">
          <label for="remember">${W.rememberLabel}</label>
          <select id="remember" name="remember">${choiceOptions(DENY_CHOICES, DEFAULT_DENY)}</select>
          <button type="submit" name="decision" value="deny">${W.deny}</button>
        </div>
      </form>
      <p id="lk-status" role="status" aria-live="polite"></p>
    </div>`, { script: FLOW_SCRIPT_PATH });
}

/**
 * "Use an existing account" / "reconnect" instead of upstream's connection_required and
 * token_expired statuses (upstream §5 #10): the owner picks which account the agent gets.
 */
function accountPicker(v: RequestView) {
  if (v.accounts.length === 0) return '';
  const chosen = v.request.tokenId;
  const options = v.accounts.map((a) => html`<option value="${a.id}"${a.id === chosen || (chosen === null && a.isDefault) ? html` selected` : ''}>${a.needsReauth ? `Reconnect ${accountName(a)} (needs sign-in)` : `Use ${accountName(a)}${a.isDefault ? ' (default)' : ''}`}</option>`);
  return html`<label for="account">Account</label>
      <select id="account" name="account">${options}<option value="new">Sign in to ${v.provider.name} (another account)</option></select>`;
}

/**
 * An approved request that still needs the provider's consent. Opening this page never
 * moves on by itself: one click here starts the provider sign-in (S40).
 */
export function continuePage(v: RequestView, path: string): string {
  return page('Continue to sign-in', html`
    <h1>Approved: sign in to ${v.provider.name}</h1>
    ${facts(v)}
    <div data-flow="start" data-path="${path}">
      ${NO_SCRIPT}
      <p>${v.request.autoApproved ? 'Your Latchkey policy approved this request.' : 'The owner approved this request.'} Continue only if you expect this agent to use your ${v.provider.name} account.</p>
      <div id="lk-signed-out" hidden><p class="muted">This step needs the owner: run <code>npx latchkey ui</code>, open its sign-in link in this browser, then reload this page.</p></div>
      <form id="lk-continue" class="actions">
        <button class="primary" type="submit">Continue to ${v.provider.name}</button>
      </form>
      <p id="lk-status" role="status" aria-live="polite"></p>
    </div>`, { script: FLOW_SCRIPT_PATH });
}

/** A consent link from the CLI or the window: the script starts the provider sign-in at once. */
export function consentPage(path: string): string {
  return page('Opening sign-in', html`
    <h1>Opening the provider's sign-in…</h1>
    <div data-flow="consent" data-path="${path}">${NO_SCRIPT}<p id="lk-status" role="status" aria-live="polite"></p></div>`, { script: FLOW_SCRIPT_PATH });
}

/** The provider's redirect back: the script sends code, state and the binding, then shows the outcome. */
export function callbackPage(path: string): string {
  return page('Finishing sign-in', html`
    <h1 id="lk-result">Finishing the sign-in…</h1>
    <div data-flow="callback" data-path="${path}">${NO_SCRIPT}<p id="lk-status" role="status" aria-live="polite"></p></div>`, { script: FLOW_SCRIPT_PATH });
}

export function approvedPage(v: RequestView): string {
  return page('Approved', html`<h1 class="ok">Approved</h1><p>The agent receives its ${v.provider.name} token on its next call.</p>`);
}

export function statusPage(v: RequestView): string {
  const r = v.request;
  if (r.status === 'completed') return connectedPage(v.provider.name);
  if (r.status === 'denied') return page('Denied', html`<h1 class="bad">Request denied</h1><p>${r.detail ?? ''}</p>`);
  return page('Failed', html`<h1 class="bad">Sign-in failed</h1><p>${r.detail ?? 'The request failed.'}</p><p class="muted">The agent can call authenticate again to start over.</p>`);
}

export function connectedPage(providerName: string): string {
  return page('Connected', html`<h1 class="ok">Connected to ${providerName}</h1><p>The agent has its token. You can close this tab.</p>`);
}

export function failedPage(title: string, detail: string): string {
  return page(title, html`<h1 class="bad">${title}</h1><p>${prose(detail)}</p>`);
}

export function unknownLinkPage(): string {
  return page('Link expired', html`<h1>This link is unknown or has expired</h1><p>Links from agents live 15 minutes. Ask the agent to call authenticate again for a fresh one.</p>`);
}
