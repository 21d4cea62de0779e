/**
 * The `latchkey` command line (entry: latchkey.ts). Parses arguments, loads configuration once, runs one
 * command, and turns known failures into a sentence and a non-zero exit code.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type ConfigInput } from '../config.ts';
import { CliError, stdOut, type Out } from './output.ts';
import { ownerClient } from './owner-client.ts';

export const USAGE = `Usage: latchkey <command> [options]

Commands:
  serve [--port N] [--home DIR] [--approval ask|auto-owner] [--headless]
                         run the broker in this terminal (npm start runs this without a desktop)
  env [--home DIR]       print export lines for LANGSMITH_API_URL and LANGSMITH_API_KEY
  ui [--home DIR]        print (and open) a one-time sign-in link for the browser UI
  ui --logout-all        sign every browser and window out of Latchkey
  approvals list [--json]
  approvals approve <auth_id> [--for once|1h|8h|30d|forever]
  approvals deny <auth_id> [--remember once|1h|8h|30d|forever]
                         decide on agents' pending requests as the owner
  grants list|revoke <id>
  keys create --label NAME [--role agent|owner] | list | revoke <id>
  keys pairings | pair <id> --label NAME [--role agent|owner] | reject <id>
                         API keys for agents; adopt an unknown key an agent already uses
  activity [--since 1h] [--provider ID] [--limit N] [--json]
  providers templates [--json]
  providers list [--json] | remove <provider_id>
  providers add --template ID --client-id X [--client-secret Y] [--var name=value] [--id ID]
  providers add --issuer URL --id ID --name NAME --client-id X [--client-secret Y]
  providers add --id ID --name NAME --auth-url URL --token-url URL --client-id X [--client-secret Y]
  providers export --to <Agent Auth base URL> --api-key KEY [--overwrite]
  providers import --from <Agent Auth base URL> --api-key KEY [--client-secret id=secret ...] [--overwrite]
                         copy provider configurations (never tokens) to or from a LangSmith Agent Auth deployment
  connections list [--json] | refresh <id> | revoke <id>
  mcp <server-url> [--home DIR] [--wait-for-approval SECONDS]
                         a stdio MCP server for MCP clients: relays to the remote server with tokens from Latchkey
  mcp config <server-url> [--client claude|cursor|vscode]
                         print the snippet to paste into the MCP client's config
  mcp list [--json] | reset-key
                         bridged servers, their connections and last use; forget the bridge's key

Environment: LATCHKEY_PORT, LATCHKEY_HOME, LATCHKEY_APPROVAL, LATCHKEY_LOG_LEVEL.`;

const OPTIONS = {
  port: { type: 'string' },
  home: { type: 'string' },
  approval: { type: 'string' },
  headless: { type: 'boolean' },
  'logout-all': { type: 'boolean' },
  'log-level': { type: 'string' },
  'allow-insecure-endpoints': { type: 'boolean' },
  for: { type: 'string' },
  remember: { type: 'string' },
  json: { type: 'boolean' },
  label: { type: 'string' },
  role: { type: 'string' },
  since: { type: 'string' },
  provider: { type: 'string' },
  limit: { type: 'string' },
  template: { type: 'string' },
  issuer: { type: 'string' },
  id: { type: 'string' },
  name: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string', multiple: true },
  to: { type: 'string' },
  from: { type: 'string' },
  'api-key': { type: 'string' },
  overwrite: { type: 'boolean' },
  'auth-url': { type: 'string' },
  'token-url': { type: 'string' },
  var: { type: 'string', multiple: true },
  client: { type: 'string' },
  'wait-for-approval': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function run(argv: string[], out: Out = stdOut, extra: { headlessReason?: string } = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    out.error(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    out.line(USAGE);
    return command || values.help ? 0 : 2;
  }
  try {
    const flags: ConfigInput = {
      port: values.port, home: values.home, approval: values.approval, headless: values.headless,
      logLevel: values['log-level'], allowInsecureEndpoints: values['allow-insecure-endpoints'],
    };
    const config = loadConfig(flags);
    switch (command) {
      case 'serve': {
        // Commands load their modules on demand: start-up time is paid only for what runs.
        const { serve } = await import('./commands/serve.ts');
        await serve({ config, out, headlessReason: extra.headlessReason });
        return 0;
      }
      case 'env':
        (await import('./commands/env.ts')).env(config, out);
        return 0;
      case 'ui':
        await (await import('./commands/ui.ts')).ui(ownerClient(config.home), out, { logoutAll: values['logout-all'] === true });
        return 0;
      case 'approvals': {
        const { approvalsApprove, approvalsDeny, approvalsList } = await import('./commands/approvals.ts');
        const client = ownerClient(config.home);
        if (sub === 'list' || sub === undefined) await approvalsList(client, out, values.json ?? false);
        else if (sub === 'approve' && arg) await approvalsApprove(client, out, arg, values.for ?? '1h');
        else if (sub === 'deny' && arg) await approvalsDeny(client, out, arg, values.remember ?? 'once');
        else throw new CliError(`Unknown approvals command.\n\n${USAGE}`, 2);
        return 0;
      }
      case 'grants':
        await (await import('./commands/grants.ts')).grantsCommand(ownerClient(config.home), out, sub, arg, values.json ?? false);
        return 0;
      case 'keys':
        await (await import('./commands/keys.ts')).keysCommand(ownerClient(config.home), out, sub, arg, { label: values.label, role: values.role, json: values.json ?? false });
        return 0;
      case 'activity':
        await (await import('./commands/activity.ts')).activityCommand(ownerClient(config.home), out, { since: values.since, provider: values.provider, limit: values.limit, json: values.json ?? false });
        return 0;
      case 'connections':
        await (await import('./commands/connections.ts')).connectionsCommand(ownerClient(config.home), out, sub, arg, values.json ?? false);
        return 0;
      case 'providers': {
        const { providersAdd, providersList, providersRemove, providersTemplates } = await import('./commands/providers.ts');
        const { providersExport, providersImport } = await import('./commands/providers-transfer.ts');
        if (sub === 'templates') providersTemplates(out, values.json ?? false);
        else if (sub === 'list' || sub === undefined) await providersList(ownerClient(config.home), out, values.json ?? false);
        else if (sub === 'remove') await providersRemove(ownerClient(config.home), out, arg);
        else if (sub === 'add') {
          await providersAdd(ownerClient(config.home), out, {
            template: values.template, issuer: values.issuer, id: values.id, name: values.name, clientId: values['client-id'],
            clientSecret: values['client-secret']?.[0], authUrl: values['auth-url'], tokenUrl: values['token-url'], vars: values.var ?? [],
          });
        } else if (sub === 'export' || sub === 'import') {
          const apiKey = values['api-key'];
          const target = sub === 'export' ? values.to : values.from;
          if (!target || !apiKey) throw new CliError(`providers ${sub} needs ${sub === 'export' ? '--to' : '--from'} <Agent Auth base URL> and --api-key <key>.`, 2);
          const report = sub === 'export'
            ? await providersExport(config, out, { to: target, apiKey, overwrite: values.overwrite ?? false })
            : await providersImport(config, out, { from: target, apiKey, clientSecrets: values['client-secret'] ?? [], overwrite: values.overwrite ?? false });
          return report.failed.length > 0 ? 1 : 0;
        } else throw new CliError(`Unknown providers command '${sub}'.\n\n${USAGE}`, 2);
        return 0;
      }
      case 'mcp': {
        const { mcpCommand } = await import('./commands/mcp-command.ts');
        return await mcpCommand(config, out, { sub, arg, home: values.home, client: values.client, wait: values['wait-for-approval'], json: values.json ?? false });
      }
      default:
        throw new CliError(`Unknown command '${command}'.\n\n${USAGE}`, 2);
    }
  } catch (err) {
    if (err instanceof CliError) {
      out.error(err.message);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      out.error(err.message);
      return 2;
    }
    throw err;
  }
}
