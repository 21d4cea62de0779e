/**
 * How the CLI talks to a running broker as its owner. The URL and control secret come from
 * `<home>/runtime.json`, readable only by the OS user who started Latchkey. Before the first
 * call the CLI makes the server prove it is that broker (S40, main/broker-proof.ts): a stale
 * runtime.json after a crash, or another program squatting the port, gives "Latchkey is not
 * running" — the control secret is not sent to it and nothing it answers is shown or opened.
 */
import { newNonce, PROOF_PATH, proofMatches } from '../broker-proof.ts';
import { CONTROL_HEADER } from '../http/owner-auth.ts';
import { readRuntime, runtimePath, type RuntimeInfo } from '../runtime-file.ts';
import { CliError } from './output.ts';

export interface OwnerClient {
  call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
}

export class NotRunning extends CliError {}

const startHint = 'Start it with `npx latchkey serve` (or `npm start` in a checkout), or pass the right --home.';

/**
 * Is the broker named by this home's runtime.json really there? Resolves to its runtime info,
 * or rejects with NotRunning saying why.
 */
export async function verifiedBroker(home: string, fetchImpl: typeof fetch = fetch): Promise<RuntimeInfo> {
  const runtime = readRuntime(home);
  if (!runtime) throw new NotRunning(`Latchkey is not running for ${home} (no ${runtimePath(home)}). ${startHint}`);
  const stale = (why: string): NotRunning => new NotRunning(`Latchkey is not running for ${home}: ${why}, so ${runtimePath(home)} is stale (left by a broker that stopped). ${startHint}`);
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(runtime.url) || runtime.url !== `http://127.0.0.1:${runtime.port}`) throw stale('its URL is not a loopback address of this machine');
  const nonce = newNonce();
  let proof: unknown;
  try {
    const res = await fetchImpl(`${runtime.url}${PROOF_PATH}?nonce=${nonce}`, { signal: AbortSignal.timeout(5_000), redirect: 'error' });
    proof = res.ok ? ((await res.json()) as { proof?: unknown }).proof : undefined;
  } catch {
    throw stale(`nothing answers at ${runtime.url}`);
  }
  if (!proofMatches(runtime.control, nonce, runtime.port, proof)) throw stale(`the program answering at ${runtime.url} is not the Latchkey broker that wrote it`);
  return runtime;
}

export function ownerClient(home: string, fetchImpl: typeof fetch = fetch): OwnerClient {
  let verified: Promise<RuntimeInfo> | undefined;
  return {
    async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
      const broker = await (verified ??= verifiedBroker(home, fetchImpl));
      let res: Response;
      try {
        res = await fetchImpl(`${broker.url}${path}`, {
          method,
          headers: { [CONTROL_HEADER]: broker.control, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(10_000),
          redirect: 'error',
        });
      } catch {
        throw new CliError(`Could not reach Latchkey at ${broker.url}. Is it still running? (${runtimePath(home)} may be stale.)`);
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
