/**
 * How the CLI talks to a running broker as its owner: the URL and control secret come from
 * `<home>/runtime.json`, readable only by the OS user who started Latchkey.
 */
import { readRuntime, runtimePath } from '../runtime-file.ts';
import { CONTROL_HEADER } from '../http/owner-auth.ts';
import { CliError } from './output.ts';

export interface OwnerClient {
  url: string;
  call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export function ownerClient(home: string): OwnerClient {
  const runtime = readRuntime(home);
  if (!runtime) throw new CliError(`Latchkey is not running for ${home} (no ${runtimePath(home)}). Start it with \`npm start\` or \`npx latchkey serve\`, or pass the right --home.`);
  return {
    url: runtime.url,
    async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${runtime.url}${path}`, {
          method,
          headers: { [CONTROL_HEADER]: runtime.control, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(10_000),
        });
      } catch {
        throw new CliError(`Could not reach Latchkey at ${runtime.url}. Is it still running? (${runtimePath(home)} may be stale.)`);
      }
      const text = await res.text();
      let parsed: unknown = text;
      try { parsed = JSON.parse(text); } catch { /* not JSON */ }
      if (!res.ok) {
        const detail = typeof parsed === 'object' && parsed !== null && 'detail' in parsed ? (parsed as { detail: unknown }).detail : text;
        throw new CliError(typeof detail === 'string' ? detail : JSON.stringify(detail));
      }
      return parsed as T;
    },
  };
}
