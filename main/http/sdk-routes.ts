/**
 * The Agent Auth API (agent-auth-api.md §2) on Express, under `/v2/auth` and
 * `/api-host/v2/auth`: every route of the contract's table, each run through the one
 * pipeline (sdk-pipeline.ts) that the node:http fast path runs too. Paths under the prefix
 * that are not in the table are checked the same way (host, browser, key) and then get 404.
 */
import { Router } from 'express';
import { AGENT_AUTH_ROUTES, type RouteName } from '../contract/agent-auth.ts';
import { UNKNOWN_ROUTE, type RunSdkRoute } from './sdk-pipeline.ts';

const EXPRESS_METHOD = { GET: 'get', POST: 'post', PATCH: 'patch', DELETE: 'delete' } as const;

export function sdkRoutes(run: RunSdkRoute): Router {
  const r = Router();
  for (const name of Object.keys(AGENT_AUTH_ROUTES) as RouteName[]) {
    const spec = AGENT_AUTH_ROUTES[name];
    // The table's paths have only `:name` parameters (no wildcards), so each is one string.
    r[EXPRESS_METHOD[spec.method]](spec.path, (req, res) => run(name, req, res, req.params as Record<string, string>));
  }
  r.use((req, res) => run(UNKNOWN_ROUTE, req, res, {}));
  return r;
}
