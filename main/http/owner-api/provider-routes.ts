/** Providers for the window: create from a template, an issuer URL, or by hand; edit; delete. */
import { Router } from 'express';
import type { Core } from '../../core/core.ts';
import type { Provider } from '../../core/model.ts';
import { TEMPLATES } from '../../core/templates/catalog.ts';
import { templateSummary } from '../../core/templates/instantiate.ts';
import type { DeleteProviderResponse, TemplateView } from '../owner-api-types.ts';
import { ownerPrincipal } from '../request-context.ts';
import { providerPatchFromWire } from '../../contract/provider-fields.ts';
import { parse } from '../schemas.ts';
import { createProviderBody, updateProviderBody } from './schemas.ts';
import { providerView } from './views.ts';

export function providerRoutes(core: Core): Router {
  const r = Router();

  r.get('/templates', (_req, res) => {
    const body: TemplateView[] = TEMPLATES.map(templateSummary);
    res.json(body);
  });

  r.get('/providers', (_req, res) => {
    res.json(core.providers.list().map((p) => providerView(core, p)));
  });

  r.post('/providers', async (req, res) => {
    const b = parse(createProviderBody, req.body, 'body');
    const owner = ownerPrincipal(res);
    let created: Provider;
    if (b.kind === 'template') {
      created = core.createFromTemplate({ templateId: b.template_id, providerId: b.provider_id, clientId: b.client_id, clientSecret: b.client_secret, variables: b.variables }, owner);
    } else if (b.kind === 'mcp') {
      created = await core.discoverMcpProvider({ providerId: b.provider_id, name: b.name, mcpServerUrl: b.mcp_server_url, clientId: b.client_id, clientSecret: b.client_secret, forClient: b.for_client }, owner);
    } else if (b.kind === 'issuer') {
      created = await core.discoverProvider({ providerId: b.provider_id, name: b.name, issuer: b.issuer, clientId: b.client_id, clientSecret: b.client_secret }, owner);
    } else {
      created = core.createProvider({
        providerId: b.provider_id, name: b.name, clientId: b.client_id, clientSecret: b.client_secret, authUrl: b.auth_url,
        tokenUrl: b.token_url, revocationUrl: b.revocation_url, usesPkce: b.uses_pkce,
        tokenEndpointAuthMethod: b.token_endpoint_auth_method ?? (b.client_secret ? 'client_secret_post' : 'none'),
        authorizationParams: b.authorization_params,
      }, owner);
    }
    res.json(providerView(core, created));
  });

  r.patch('/providers/:providerId', (req, res) => {
    const b = parse(updateProviderBody, req.body ?? {}, 'body');
    const updated = core.updateProvider(req.params.providerId, providerPatchFromWire(b, { nullMeans: 'clear', pathProviderId: req.params.providerId }), ownerPrincipal(res));
    res.json(providerView(core, updated));
  });

  r.delete('/providers/:providerId', async (req, res) => {
    const removed = await core.deleteProvider(req.params.providerId, ownerPrincipal(res));
    const body: DeleteProviderResponse = { provider_id: req.params.providerId, connections_removed: removed.connections, grants_removed: removed.grants, requests_removed: removed.requests };
    res.json(body);
  });

  return r;
}
