/** Dispatch of `latchkey mcp …` (see mcp.ts); the bridge and its SDK load only for `mcp <url>`. */
import type { LatchkeyConfig } from '../../config.ts';
import { CliError, type Out } from '../output.ts';
import { ownerClient } from '../owner-client.ts';
import { mcpConfig, mcpList } from './mcp.ts';

const DEFAULT_APPROVAL_WAIT_SECONDS = 20;

export async function mcpCommand(config: LatchkeyConfig, out: Out, o: {
  sub: string | undefined; arg: string | undefined; home: string | undefined; client: string | undefined; wait: string | undefined; json: boolean;
}): Promise<number> {
  if (o.sub === 'config') {
    if (!o.arg) throw new CliError('latchkey mcp config needs <server-url>.', 2);
    const { checkServerUrl } = await import('../mcp/bridge.ts');
    out.line(mcpConfig(checkServerUrl(o.arg), o.client ?? 'claude', o.home));
    return 0;
  }
  if (o.sub === 'list') {
    const { BRIDGE_KEY_LABEL } = await import('../mcp/bridge-key.ts');
    await mcpList(ownerClient(config.home), out, o.json, BRIDGE_KEY_LABEL);
    return 0;
  }
  if (o.sub === 'reset-key') {
    const [{ forgetBridgeKey }, { osKeychain }] = await Promise.all([import('../mcp/bridge-key.ts'), import('../../adapters/keychain.ts')]);
    out.line(forgetBridgeKey(osKeychain(), config.home) ? 'Forgot the MCP bridge\'s key; the next `latchkey mcp` start creates a new one (the owner sees it as key.created).' : 'The MCP bridge has no key stored for this home.');
    return 0;
  }
  if (!o.sub) throw new CliError('latchkey mcp needs <server-url> (or config, list, reset-key).', 2);
  if (o.arg) throw new CliError(`Unexpected argument '${o.arg}' for latchkey mcp <server-url>.`, 2);
  const wait = o.wait === undefined ? DEFAULT_APPROVAL_WAIT_SECONDS : Number(o.wait);
  if (!Number.isFinite(wait) || wait < 0 || wait > 600) throw new CliError(`--wait-for-approval must be 0–600 seconds (got '${o.wait}').`, 2);
  const { checkServerUrl, runBridge } = await import('../mcp/bridge.ts');
  await runBridge({ serverUrl: checkServerUrl(o.sub), home: config.home, approvalWaitMs: wait * 1000 });
  return 0;
}
