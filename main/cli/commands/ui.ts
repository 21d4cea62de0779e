/** `latchkey ui`: a fresh one-time sign-in link for the browser UI (opened when possible). */
import type { LoginLinkResponse } from '../../http/owner-api-types.ts';
import { openUrl } from '../open-url.ts';
import type { Out } from '../output.ts';
import type { OwnerClient } from '../owner-client.ts';

export async function ui(client: OwnerClient, out: Out): Promise<void> {
  const { url } = await client.call<LoginLinkResponse>('POST', '/ui/api/login-links', {});
  const opened = openUrl(url);
  out.line(opened ? 'Opening Latchkey in your browser. If it did not open, use this one-time link (valid 10 minutes):' : 'Open this one-time sign-in link in your browser (valid 10 minutes):');
  out.line(url);
}
