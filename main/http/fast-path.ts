/**
 * The two calls agents make all the time — `POST /v2/auth/authenticate` and
 * `GET /v2/auth/wait/{id}` (also under /api-host) — dispatched on plain node:http in front of
 * Express. Profiling showed Express's middleware chain cost more per call than all of
 * Latchkey's own work, and ~13 KB of closures per held long-poll.
 *
 * Only the dispatch is different: the request runs the same pipeline as the Express mount
 * (sdk-pipeline.ts: every check, in the same order, with the same answers). A path this
 * dispatcher does not match exactly — a trailing slash, a malformed %-escape in the id — is
 * left to Express's router, which runs that same pipeline.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collapseLeadingSlashes } from './guards.ts';
import type { RunSdkRoute } from './sdk-pipeline.ts';

const AUTHENTICATE = /^(?:\/api-host)?\/v2\/auth\/authenticate$/;
const WAIT = /^(?:\/api-host)?\/v2\/auth\/wait\/([^/]+)$/;

/** Returns a request listener that answers what it can and returns false for everything else. */
export function sdkFastPath(run: RunSdkRoute) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = collapseLeadingSlashes(req);
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (req.method === 'POST') {
      if (!AUTHENTICATE.test(path)) return false;
      run('authenticate', req, res, {});
      return true;
    }
    if (req.method !== 'GET') return false;
    const m = WAIT.exec(path);
    if (!m) return false;
    let authId: string;
    try {
      authId = decodeURIComponent(m[1] ?? '');
    } catch {
      return false;
    }
    run('wait', req, res, { authId });
    return true;
  };
}
