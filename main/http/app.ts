/**
 * The express app: guards first (cheapest, and in front of the hot path), then the
 * browser flow pages, the SDK API under both prefixes, the owner routes, and one error
 * handler. Knows core only through its services.
 */
import express, { type Express } from 'express';
import type { Core } from '../core/core.ts';
import { NotFound } from '../core/errors.ts';
import type { Logger } from '../core/ports.ts';
import { brokerProofRoute } from './broker-proof-route.ts';
import { errorHandler } from './error-handler.ts';
import { SECURITY_HEADERS } from './security-headers.ts';
import { flowRoutes } from './flow-routes.ts';
import { allowedOrigins, collapseLeadingSlashes, hostGuard, noCors } from './guards.ts';
import { API_PREFIXES } from '../contract/agent-auth.ts';
import type { RunSdkRoute } from './sdk-pipeline.ts';
import { LOGO_SVG, PAGE_CSS } from './html.ts';
import { ownerRoutes } from './owner-routes.ts';
import { sdkRoutes } from './sdk-routes.ts';
import { uiStatic } from './ui-static.ts';
import { loopbackBaseUrl } from '../core/links.ts';

export interface AppOptions {
  port: () => number;
  logger: Logger;
  envBlock: () => string;
  now: () => number;
  /** The Agent Auth pipeline (sdk-pipeline.ts), shared with the fast path. */
  sdk: RunSdkRoute;
}

export function createApp(core: Core, options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  const baseUrl = (): string => loopbackBaseUrl(options.port());
  let originsPort = -1;
  let origins = new Set<string>();
  const currentOrigins = (): Set<string> => {
    if (originsPort !== options.port()) {
      originsPort = options.port();
      origins = allowedOrigins(originsPort);
    }
    return origins;
  };

  app.use((req, _res, next) => {
    collapseLeadingSlashes(req);
    next();
  });
  app.use(hostGuard(options.port));
  app.use((req, res, next) => {
    res.set(SECURITY_HEADERS);
    // No answer carries an ETag, yet `If-None-Match: *` makes Express's freshness check turn
    // any GET into an empty 304 (found by the S31 fuzz test: a completed wait lost its body).
    delete req.headers['if-none-match'];
    next();
  });
  app.use(noCors);

  app.get('/assets/page.css', (_req, res) => {
    res.type('css').send(PAGE_CSS);
  });
  app.get('/assets/logo.svg', (_req, res) => {
    res.type('image/svg+xml').send(LOGO_SVG);
  });

  // Browser-facing flow routes come before the SDK guards: provider redirects are
  // cross-site navigations without an API key.
  app.use(flowRoutes(core, currentOrigins));

  const sdk = sdkRoutes(options.sdk);
  for (const prefix of API_PREFIXES) app.use(prefix, sdk);

  app.use(brokerProofRoute(core, options.port));
  app.use(ownerRoutes(core, {
    baseUrl, port: options.port, origins: currentOrigins, envBlock: options.envBlock, now: options.now,
    ui: uiStatic({}),
  }));

  app.use((req, _res, next) => next(new NotFound(`No route for ${req.method} ${req.path}.`)));
  app.use(errorHandler(options.logger));
  return app;
}
