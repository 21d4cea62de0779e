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

/**
 * A sentence meant for the terminal too, for a page: `backticked` commands become <code>
 * instead of showing literal backticks. Escaped first, so it stays safe for untrusted text.
 */
export function prose(text: string): Raw {
  return raw(esc(text).replace(/`([^`]+)`/g, '<code>$1</code>'));
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
<header class="brand">${LOGO_INLINE} Latchkey</header>
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
.brand .logo { color: var(--accent); flex-shrink: 0; }
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

/** The key-with-a-latch mark's strokes (one source for the file and the inline copy). */
const LOGO_PATHS = '<circle cx="7.5" cy="12" r="4.5"/><path d="M12 12h10M18 12v3.5M21 12v2.5"/>';

/**
 * The mark as a file (favicon): white strokes on an accent tile, legible on light and
 * dark tab bars alike. Served as a file so the CSP needs no data: URIs.
 */
export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="5" fill="#2457d6"/><g transform="translate(1.2 1.2) scale(0.9)" fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round">${LOGO_PATHS}</g></svg>`;

/** The mark inside pages: drawn in the text's accent colour, so each theme keeps its contrast. */
export const LOGO_INLINE = `<svg class="logo" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round">${LOGO_PATHS}</svg>`;
