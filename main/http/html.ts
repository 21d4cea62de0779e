/**
 * Server-rendered pages for the browser steps of the OAuth flow (/start, callbacks, login).
 * Every interpolated value is escaped (S14): provider names, scopes and error texts can be
 * provider- or agent-supplied. Styles come from /assets/page.css so the CSP needs no
 * 'unsafe-inline'.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** A tagged template whose interpolations are escaped unless wrapped with `raw()`. */
export interface Raw { readonly __html: string }
export const raw = (html: string): Raw => ({ __html: html });

export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    const piece = Array.isArray(v) ? v.map((x) => (isRaw(x) ? x.__html : esc(x))).join('') : isRaw(v) ? v.__html : esc(v);
    out += piece + (strings[i + 1] ?? '');
  });
  return raw(out);
}

function isRaw(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && '__html' in v;
}

/** The CSP of pages that run /assets/flow.js: our own script and API only, nothing inline (S14, S33). */
export const FLOW_PAGE_CSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function page(title: string, body: Raw, options: { script?: string } = {}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)} · Latchkey</title>
<link rel="stylesheet" href="/assets/page.css">
${options.script ? `<script src="${esc(options.script)}" defer></script>` : ''}
</head>
<body>
<main class="card">
<header class="brand"><img class="logo" src="/assets/logo.svg" alt="" width="20" height="20"> Latchkey</header>
${body.__html}
</main>
</body>
</html>`;
}

export const PAGE_CSS = `
:root { color-scheme: light dark; --bg: #f6f7f9; --fg: #1d2430; --muted: #5b6575; --card: #fff; --line: #d9dee7; --accent: #2457d6; --ok: #1d7a46; --bad: #b3261e; }
@media (prefers-color-scheme: dark) { :root { --bg: #14171c; --fg: #e8ebf0; --muted: #9aa4b2; --card: #1d2128; --line: #333a45; --accent: #7aa2ff; --ok: #5fd08f; --bad: #ff8a80; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
.card { width: min(560px, 94vw); background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 24px 28px; margin: 24px 0; }
.brand { font-weight: 600; color: var(--muted); margin-bottom: 12px; display: flex; align-items: center; gap: 8px; }
h1 { font-size: 1.35rem; margin: 0 0 12px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 16px 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
code, .scope { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
.scope { display: inline-block; border: 1px solid var(--line); border-radius: 6px; padding: 0 6px; margin: 0 4px 4px 0; }
.muted { color: var(--muted); }
.ok { color: var(--ok); }
.bad { color: var(--bad); }
form.actions { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-top: 18px; }
label { color: var(--muted); }
select, button { font: inherit; padding: 8px 14px; border-radius: 8px; border: 1px solid var(--line); background: var(--card); color: var(--fg); }
button { cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button:focus-visible, select:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; overflow-x: auto; }
table { width: 100%; border-collapse: collapse; margin: 8px 0 16px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
a { color: var(--accent); }
`;

/** The Latchkey mark: a key with a latch notch. Served as a file so the CSP needs no data: URIs. */
export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="#2457d6" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"><circle cx="7.5" cy="12" r="4.5"/><path d="M12 12h10M18 12v3.5M21 12v2.5"/></svg>`;
