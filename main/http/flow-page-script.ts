/**
 * The script of the server-rendered flow pages (/start, /consent, the provider callback),
 * served as /assets/flow.js so the CSP needs no inline code. It is what keeps the owner's
 * credentials out of reach of other ports on 127.0.0.1 (S33):
 *  - the owner session token is read from localStorage (scoped to this exact origin,
 *    port included) and sent in the `x-latchkey-session` header, never as a cookie;
 *  - the browser binding of an OAuth flow is 32 random bytes kept in the same storage,
 *    sent in the JSON body when a flow starts and again from the callback page, so a
 *    provider redirect completes only in a browser that holds it;
 *  - nothing moves to the provider without a click on a Latchkey page (S40), except a
 *    consent link the owner got from the CLI or the window.
 * Untrusted text (details from the server) is only ever set with textContent.
 * Storage keys are shared with the window (renderer/src/api/session-store.ts).
 */
export const SESSION_STORAGE_KEY = 'latchkey.session';
export const BINDING_STORAGE_KEY = 'latchkey.binding';
export const FLOW_SCRIPT_PATH = '/assets/flow.js';

export const FLOW_PAGE_JS = `'use strict';
(function () {
  var SESSION_KEY = ${JSON.stringify(SESSION_STORAGE_KEY)};
  var BINDING_KEY = ${JSON.stringify(BINDING_STORAGE_KEY)};
  var root = document.querySelector('[data-flow]');
  if (!root) return;

  function store() { try { return window.localStorage; } catch (e) { return null; } }
  function sessionToken() { var s = store(); return s ? s.getItem(SESSION_KEY) : null; }
  function binding() {
    var s = store();
    var value = s ? s.getItem(BINDING_KEY) : null;
    if (value && /^[A-Za-z0-9_-]{43}$/.test(value)) return value;
    var bytes = new Uint8Array(32);
    crypto.getRandomValues(bytes);
    var bin = '';
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    value = btoa(bin).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
    if (s) s.setItem(BINDING_KEY, value);
    return value;
  }
  function show(id, visible) { var el = document.getElementById(id); if (el) el.hidden = !visible; }
  function say(text, bad) {
    var el = document.getElementById('lk-status');
    if (!el) return;
    el.textContent = text;
    el.className = bad ? 'bad' : 'muted';
  }
  function detailOf(body, status) {
    if (body && typeof body.detail === 'string') return body.detail;
    return 'Latchkey answered ' + status + '.';
  }
  function post(path, body) {
    var headers = { 'content-type': 'application/json', accept: 'application/json' };
    var token = sessionToken();
    if (token) headers['x-latchkey-session'] = token;
    return fetch(path, { method: 'POST', headers: headers, body: JSON.stringify(body), credentials: 'omit', cache: 'no-store' })
      .then(function (res) {
        return res.text().then(function (text) {
          var parsed = null;
          try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
          return { ok: res.ok, status: res.status, body: parsed };
        });
      });
  }
  function follow(answer) {
    if (!answer.ok) {
      if (answer.status === 401) show('lk-signed-out', true);
      say(detailOf(answer.body, answer.status), true);
      return;
    }
    if (answer.body && typeof answer.body.redirect_url === 'string') { window.location.assign(answer.body.redirect_url); return; }
    window.location.reload();
  }
  function busy(form, on) {
    var buttons = form.querySelectorAll('button');
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = on;
  }

  var kind = root.getAttribute('data-flow');
  var path = root.getAttribute('data-path') || '';

  if (kind === 'start') {
    var decision = document.getElementById('lk-decision');
    var proceed = document.getElementById('lk-continue');
    if (decision) {
      var token = sessionToken();
      var check = token
        ? fetch('/ui/api/session', { headers: { 'x-latchkey-session': token, accept: 'application/json' }, credentials: 'omit', cache: 'no-store' }).then(function (r) { return r.ok; }, function () { return false; })
        : Promise.resolve(false);
      check.then(function (signedIn) {
        show('lk-decision', signedIn);
        show('lk-signed-out', !signedIn);
      });
      decision.addEventListener('submit', function (event) {
        event.preventDefault();
        var submitter = event.submitter;
        var choice = submitter && submitter.value === 'deny' ? 'deny' : 'approve';
        var duration = document.getElementById('duration');
        var remember = document.getElementById('remember');
        var account = document.getElementById('account');
        var body = { decision: choice, duration: duration ? duration.value : '1h', remember: remember ? remember.value : 'once', binding: binding() };
        // The account picker (only when the namespace already has accounts) matters for approve only.
        if (account && choice === 'approve') body.account = account.value;
        busy(decision, true);
        say(choice === 'deny' ? 'Denying…' : 'Approving…', false);
        post(path + '/decision', body)
          .then(follow, function () { say('Latchkey is not answering.', true); })
          .then(function () { busy(decision, false); });
      });
    }
    if (proceed) {
      proceed.addEventListener('submit', function (event) {
        event.preventDefault();
        busy(proceed, true);
        say('Opening the sign-in…', false);
        post(path + '/continue', { binding: binding() })
          .then(follow, function () { say('Latchkey is not answering.', true); })
          .then(function () { busy(proceed, false); });
      });
    }
  } else if (kind === 'consent') {
    post(path, { binding: binding() }).then(follow, function () { say('Latchkey is not answering.', true); });
  } else if (kind === 'callback') {
    var query = window.location.search;
    // The code is spent by this one request; keep it out of history and screenshots.
    try { history.replaceState(null, '', window.location.pathname); } catch (e) { /* not fatal */ }
    post(path, { query: query, binding: binding() }).then(function (answer) {
      var heading = document.getElementById('lk-result');
      var body = answer.body || {};
      var ok = answer.ok && body.status === 'completed';
      if (heading) {
        heading.textContent = ok ? 'Connected to ' + (body.provider_name || 'the provider') : (answer.ok ? 'Sign-in failed' : 'Sign-in link refused');
        heading.className = ok ? 'ok' : 'bad';
      }
      say(ok ? 'The agent has its token. You can close this tab.' : (typeof body.detail === 'string' ? body.detail : 'The sign-in did not complete.'), !ok);
    }, function () { say('Latchkey is not answering.', true); });
  }
})();
`;
