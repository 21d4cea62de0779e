/**
 * `latchkey ui`: a fresh one-time sign-in link for the browser UI (opened when possible).
 * `latchkey ui --logout-all`: ends every owner session (browsers and the window).
 */
import type { LoginLinkResponse, LogoutResponse } from '../../http/owner-api-types.ts';
import { openUrl } from '../open-url.ts';
import type { Out } from '../output.ts';
import type { OwnerClient } from '../owner-client.ts';

export async function ui(client: OwnerClient, out: Out, options: { logoutAll?: boolean } = {}): Promise<void> {
  if (options.logoutAll) {
    const { ended } = await client.call<LogoutResponse>('DELETE', '/ui/api/sessions');
    out.line(ended === 0 ? 'No browser or window was signed in to Latchkey.' : `Signed out ${ended} ${ended === 1 ? 'session' : 'sessions'}. Run \`npx latchkey ui\` for a new sign-in link.`);
    return;
  }
  const { url } = await client.call<LoginLinkResponse>('POST', '/ui/api/login-links', {});
  const opened = openUrl(url);
  out.line(opened ? 'Opening Latchkey in your browser. If it did not open, use this one-time link (valid 10 minutes):' : 'Open this one-time sign-in link in your browser (valid 10 minutes):');
  out.line(url);
}
