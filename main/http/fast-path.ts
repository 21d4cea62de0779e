/**
 * The Agent Auth API dispatched on plain node:http in front of Express: every route of the
 * contract's table (agent-auth.ts), under both prefixes. Profiling showed Express's
 * middleware chain cost more per call than all of Latchkey's own work, and ~13 KB of
 * closures per held long-poll; and an agent-only broker need not load Express at all
 * (compose.ts loads it on the first request this dispatcher leaves alone).
 *
 * Only the dispatch is different: the request runs the same pipeline as the Express mount
 * (sdk-pipeline.ts: every check, in the same order, with the same answers). A path this
 * dispatcher does not match exactly — a trailing slash, other letter case, a malformed
 * %-escape in a parameter, a path under the prefix that is not in the table — is left to
 * Express's router, which runs that same pipeline.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AGENT_AUTH_ROUTES, type RouteName } from '../contract/agent-auth.ts';
import { collapseLeadingSlashes } from './guards.ts';
import type { RunSdkRoute } from './sdk-pipeline.ts';

interface Matcher { name: RouteName; method: string; pattern: RegExp; params: string[] }

/**
 * One matcher per route, in the table's order (Express takes the first route that matches,
 * so static paths listed before `:param` ones win the same way here). A `:name` parameter is
 * one path segment, as in Express.
 */
const MATCHERS: Matcher[] = (Object.keys(AGENT_AUTH_ROUTES) as RouteName[]).map((name) => {
  const spec = AGENT_AUTH_ROUTES[name];
  const params: string[] = [];
  const body = spec.path.split('/').map((segment) => {
    if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    params.push(segment.slice(1));
    return '([^/]+)';
  }).join('/');
  return { name, method: spec.method, pattern: new RegExp(`^(?:/api-host)?/v2/auth${body}$`), params };
});

/** Returns a request listener that answers what it can and returns false for everything else. */
export function sdkFastPath(run: RunSdkRoute) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = collapseLeadingSlashes(req);
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    for (const m of MATCHERS) {
      if (m.method !== req.method) continue;
      const found = m.pattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      try {
        m.params.forEach((p, i) => { params[p] = decodeURIComponent(found[i + 1] ?? ''); });
      } catch {
        return false;
      }
      run(m.name, req, res, params);
      return true;
    }
    return false;
  };
}
