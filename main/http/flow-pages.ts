/** The pages a human sees during a flow. All values escaped through `html`. */
import { DECISION_WORDS as W, DEFAULT_DENY, DEFAULT_GRANT, DENY_CHOICES, GRANT_CHOICES, type DecisionChoice } from '../core/decision-words.ts';
import type { AuthRequest, Provider } from '../core/model.ts';
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

/** The same choices, in the same words, as the window's Pending card (core/decision-words.ts). */
export function decisionPage(v: RequestView, csrf: string, action: string): string {
  return page('Approve access', html`
    <h1>An agent asks for ${v.provider.name} access</h1>
    ${facts(v)}
    <form class="actions" method="post" action="${action}">
      <input type="hidden" name="_csrf" value="${csrf}">
      <label for="duration">${W.allowLabel}</label>
      <select id="duration" name="duration">${choiceOptions(GRANT_CHOICES, DEFAULT_GRANT)}</select>
      ${accountPicker(v)}
      <button class="primary" type="submit" name="decision" value="approve">${v.request.needsConsent ? W.approveWithConsent : W.approve}</button>
    </form>
    <form class="actions" method="post" action="${action}">
      <input type="hidden" name="_csrf" value="${csrf}">
      <label for="remember">${W.rememberLabel}</label>
      <select id="remember" name="remember">${choiceOptions(DENY_CHOICES, DEFAULT_DENY)}</select>
      <button type="submit" name="decision" value="deny">${W.deny}</button>
    </form>`);
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

export function needsOwnerPage(v: RequestView): string {
  return page('Approval needed', html`
    <h1>Waiting for the Latchkey owner</h1>
    <p>This request needs the owner's approval, and this browser is not signed in to Latchkey.</p>
    ${facts(v)}
    <p class="muted">Owner: run <code>npx latchkey ui</code> and open the sign-in link it prints, then open this page again — or approve in the Latchkey window or with <code>npx latchkey approvals approve ${v.request.authId}</code>.</p>`);
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
