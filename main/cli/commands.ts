/**
 * Every `latchkey` command, declared once: name, summary, arguments, flags and an example.
 * run.ts resolves and parses with this table, help prints it, and typos are matched against it.
 * Each command loads its own modules when it runs, so start-up pays only for what runs.
 */
import type { Command, CommandGroup, Entry } from './command-table.ts';
import { bool, list, str, type FlagTable } from './flags.ts';
import type { CliContext } from './context.ts';

type Cmd = Command<CliContext>;

const JSON_FLAG: FlagTable = { json: { type: 'boolean', help: 'print JSON instead of a table' } };
const PORT_FLAG: FlagTable = { port: { type: 'string', value: 'N', help: 'the broker\'s port (default: LATCHKEY_PORT or 24817)' } };
const VAULT_FLAG: FlagTable = { vault: { type: 'string', value: 'keychain|passphrase', help: 'where the master key lives; remembered for this home. passphrase: typed at start, or LATCHKEY_PASSPHRASE_FILE' } };
const INSECURE_FLAG: FlagTable = { 'allow-insecure-endpoints': { type: 'boolean', help: 'allow http:// provider endpoints other than loopback (testing only)' } };
const DURATIONS = 'once|1h|8h|30d|forever';

const serve: Cmd = {
  name: 'serve',
  summary: 'run the broker in this terminal (npm start runs this where there is no desktop)',
  flags: {
    ...PORT_FLAG,
    approval: { type: 'string', value: 'ask|auto-owner', help: 'ask for each new agent request (default), or let the owner key skip the questions' },
    headless: { type: 'boolean', help: 'never try to open the desktop app' },
    'log-level': { type: 'string', value: 'LEVEL', help: 'fatal|error|warn|info|debug|trace|silent (default info)' },
    ...VAULT_FLAG,
    ...INSECURE_FLAG,
  },
  examples: ['latchkey serve', 'latchkey serve --vault passphrase   # no Secret Service (SSH, WSL, containers)'],
  run: async (ctx, { values }) => {
    const { serveCommand } = await import('./commands/serve-command.ts');
    return serveCommand(ctx, values);
  },
};

const env: Cmd = {
  name: 'env',
  summary: 'print export lines for LANGSMITH_API_URL and LANGSMITH_API_KEY (asks the running broker)',
  flags: PORT_FLAG,
  examples: ['eval "$(latchkey env)"'],
  run: async (ctx, { values }) => (await import('./commands/env.ts')).env(ctx, values),
};

const ui: Cmd = {
  name: 'ui',
  summary: 'print (and open) a one-time sign-in link for the browser UI; --logout-all signs every browser and window out',
  flags: { 'logout-all': { type: 'boolean', help: 'end every owner session (S33) instead of printing a link' } },
  examples: ['latchkey ui', 'latchkey ui --logout-all'],
  run: async (ctx, { values }) => (await import('./commands/ui.ts')).ui(ctx.owner(values), ctx.out, { logoutAll: values['logout-all'] === true }),
};

const doctor: Cmd = {
  name: 'doctor',
  summary: 'check this machine and home: Node, vault, permissions, port, broker, providers',
  flags: { ...PORT_FLAG, offline: { type: 'boolean', help: 'skip the reachability checks of provider endpoints' } },
  examples: ['latchkey doctor'],
  run: async (ctx, { values }) => (await import('./commands/doctor.ts')).doctor(ctx, values),
};

const approvals: CommandGroup<CliContext> = {
  name: 'approvals',
  summary: 'decide on agents\' pending requests as the owner',
  default: 'list',
  subcommands: [
    { name: 'list', summary: 'pending requests', flags: JSON_FLAG, examples: ['latchkey approvals list'],
      run: async (ctx, { values }) => (await import('./commands/approvals.ts')).approvalsList(ctx.owner(values), ctx.out, bool(values, 'json')) },
    { name: 'approve', summary: 'approve a request (prints a provider sign-in link when one is needed)', args: [{ name: 'auth_id' }],
      flags: { for: { type: 'string', value: DURATIONS, help: 'how long the approval lasts (default 1h)' } }, examples: ['latchkey approvals approve 3f2c… --for 8h'],
      run: async (ctx, { values, args }) => (await import('./commands/approvals.ts')).approvalsApprove(ctx.owner(values), ctx.out, args[0] ?? '', str(values, 'for') ?? '1h') },
    { name: 'deny', summary: 'deny a request', args: [{ name: 'auth_id' }],
      flags: { remember: { type: 'string', value: DURATIONS, help: 'keep denying identical requests for this long (default once)' } }, examples: ['latchkey approvals deny 3f2c… --remember 1h'],
      run: async (ctx, { values, args }) => (await import('./commands/approvals.ts')).approvalsDeny(ctx.owner(values), ctx.out, args[0] ?? '', str(values, 'remember') ?? 'once') },
  ],
};

const grants: CommandGroup<CliContext> = {
  name: 'grants',
  summary: 'who may get what, until when',
  default: 'list',
  subcommands: [
    { name: 'list', summary: 'live grants', flags: JSON_FLAG, examples: ['latchkey grants list'],
      run: async (ctx, { values }) => (await import('./commands/grants.ts')).grantsCommand(ctx.owner(values), ctx.out, 'list', undefined, bool(values, 'json')) },
    { name: 'revoke', summary: 'revoke a grant: the next matching request asks again', args: [{ name: 'id' }], examples: ['latchkey grants revoke 9a1b…'],
      run: async (ctx, { values, args }) => (await import('./commands/grants.ts')).grantsCommand(ctx.owner(values), ctx.out, 'revoke', args[0], false) },
  ],
};

const ROLE_FLAG: FlagTable = { role: { type: 'string', value: 'agent|owner', help: 'agent (default) or owner' } };
const keysRun = (sub: string): Cmd['run'] => async (ctx, { values, args }) => (await import('./commands/keys.ts')).keysCommand(ctx.owner(values), ctx.out, sub, args[0], { label: str(values, 'label'), role: str(values, 'role'), json: bool(values, 'json') });
const keys: CommandGroup<CliContext> = {
  name: 'keys',
  summary: 'API keys for agents; adopt an unknown key an agent already uses; reissue the owner key',
  default: 'list',
  subcommands: [
    { name: 'list', summary: 'all keys', flags: JSON_FLAG, examples: ['latchkey keys list'], run: keysRun('list') },
    { name: 'create', summary: 'a new key, shown once', flags: { label: { type: 'string', value: 'NAME', help: 'what the key is for (required)' }, ...ROLE_FLAG, ...JSON_FLAG },
      examples: ['latchkey keys create --label triage-bot'], run: keysRun('create') },
    { name: 'revoke', summary: 'revoke a key: its requests get 401', args: [{ name: 'id' }], examples: ['latchkey keys revoke 5e0d…'], run: keysRun('revoke') },
    { name: 'pairings', summary: 'unknown keys that tried to use Latchkey', flags: JSON_FLAG, examples: ['latchkey keys pairings'], run: keysRun('pairings') },
    { name: 'pair', summary: 'adopt a key from a pairing request', args: [{ name: 'pairing_id' }], flags: { label: { type: 'string', value: 'NAME', help: 'a name for the key (required)' }, ...ROLE_FLAG },
      examples: ['latchkey keys pair Xy3… --label ci-agent'], run: keysRun('pair') },
    { name: 'reject', summary: 'drop a pairing request', args: [{ name: 'pairing_id' }], examples: ['latchkey keys reject Xy3…'], run: keysRun('reject') },
    { name: 'reissue-owner', summary: 'a new owner key (printed once); the old one is revoked', flags: JSON_FLAG, examples: ['latchkey keys reissue-owner'], run: keysRun('reissue-owner') },
  ],
};

const activity: Cmd = {
  name: 'activity',
  summary: 'the activity log: requests, decisions, tokens released, refreshes',
  flags: {
    since: { type: 'string', value: 'DURATION', help: 'only entries newer than this, e.g. 1h, 30m, 7d' },
    provider: { type: 'string', value: 'ID', help: 'only this provider' },
    limit: { type: 'string', value: 'N', help: 'at most N entries (default 100)' },
    ...JSON_FLAG,
  },
  examples: ['latchkey activity --since 1h'],
  run: async (ctx, { values }) => (await import('./commands/activity.ts')).activityCommand(ctx.owner(values), ctx.out, { since: str(values, 'since'), provider: str(values, 'provider'), limit: str(values, 'limit'), json: bool(values, 'json') }),
};

const SECRET_STDIN: FlagTable = { 'client-secret-stdin': { type: 'boolean', help: 'read the client secret from standard input (typed without echo on a terminal)' } };
const providers: CommandGroup<CliContext> = {
  name: 'providers',
  summary: 'the provider catalog, configured providers, and copying them to or from LangSmith',
  default: 'list',
  subcommands: [
    { name: 'list', summary: 'configured providers and their redirect URIs', flags: JSON_FLAG, examples: ['latchkey providers list'],
      run: async (ctx, { values }) => (await import('./commands/providers.ts')).providersList(ctx.owner(values), ctx.out, bool(values, 'json')) },
    { name: 'templates', summary: 'the built-in provider templates', flags: JSON_FLAG, examples: ['latchkey providers templates'],
      run: async (ctx, { values }) => (await import('./commands/providers.ts')).providersTemplates(ctx.out, bool(values, 'json')) },
    {
      name: 'add',
      summary: 'add a provider from a template, an OIDC issuer, or explicit endpoints',
      flags: {
        template: { type: 'string', value: 'ID', help: 'a template id (latchkey providers templates)' },
        issuer: { type: 'string', value: 'URL', help: 'an OpenID issuer to discover endpoints from (with --id and --name)' },
        id: { type: 'string', value: 'ID', help: 'the provider id agents ask for' },
        name: { type: 'string', value: 'NAME', help: 'a display name' },
        'client-id': { type: 'string', value: 'ID', help: 'the OAuth app\'s client id (required)' },
        ...SECRET_STDIN,
        'client-secret': { type: 'string', value: 'SECRET', help: 'the client secret on the command line (visible to ps and shell history; prefer --client-secret-stdin)' },
        'auth-url': { type: 'string', value: 'URL', help: 'authorization endpoint (without --template/--issuer)' },
        'token-url': { type: 'string', value: 'URL', help: 'token endpoint (without --template/--issuer)' },
        var: { type: 'string', value: 'NAME=VALUE', multiple: true, help: 'a template variable, e.g. tenant=organizations' },
      },
      examples: ['latchkey providers add --template github --client-id Iv1.abc --client-secret-stdin'],
      run: async (ctx, { values }) => (await import('./commands/providers.ts')).providersAdd(ctx.owner(values), ctx.out, {
        template: str(values, 'template'), issuer: str(values, 'issuer'), id: str(values, 'id'), name: str(values, 'name'), clientId: str(values, 'client-id'),
        clientSecret: bool(values, 'client-secret-stdin') ? await ctx.secret('Client secret: ', 'client secret') : str(values, 'client-secret'),
        authUrl: str(values, 'auth-url'), tokenUrl: str(values, 'token-url'), vars: list(values, 'var'),
      }),
    },
    { name: 'remove', summary: 'remove a provider with its connections and grants', args: [{ name: 'provider_id' }], examples: ['latchkey providers remove github'],
      run: async (ctx, { values, args }) => (await import('./commands/providers.ts')).providersRemove(ctx.owner(values), ctx.out, args[0]) },
    {
      name: 'export',
      summary: 'copy provider configurations (never tokens) to another Agent Auth deployment',
      flags: {
        to: { type: 'string', value: 'URL', help: 'the target Agent Auth base URL (required)' },
        'api-key-stdin': { type: 'boolean', help: 'read the target\'s API key from standard input (prompted on a terminal when --api-key is not given)' },
        'api-key': { type: 'string', value: 'KEY', help: 'the target\'s API key on the command line (prefer the prompt or --api-key-stdin)' },
        overwrite: { type: 'boolean', help: 'update providers that already exist there' },
        ...INSECURE_FLAG,
      },
      examples: ['latchkey providers export --to https://api.host.langchain.com'],
      run: async (ctx, { values }) => (await import('./commands/providers-transfer.ts')).exportCommand(ctx, values),
    },
    {
      name: 'import',
      summary: 'copy provider configurations from another Agent Auth deployment',
      flags: {
        from: { type: 'string', value: 'URL', help: 'the source Agent Auth base URL (required)' },
        'api-key-stdin': { type: 'boolean', help: 'read the source\'s API key from standard input (prompted on a terminal when --api-key is not given)' },
        'api-key': { type: 'string', value: 'KEY', help: 'the source\'s API key on the command line (prefer the prompt or --api-key-stdin)' },
        'client-secrets-stdin': { type: 'boolean', help: 'read provider_id=secret lines from standard input (the source never returns secrets)' },
        'client-secret': { type: 'string', value: 'ID=SECRET', multiple: true, help: 'a client secret on the command line (prefer --client-secrets-stdin)' },
        overwrite: { type: 'boolean', help: 'replace providers that already exist here' },
        ...INSECURE_FLAG,
      },
      examples: ['latchkey providers import --from https://api.host.langchain.com --client-secrets-stdin < secrets.txt'],
      run: async (ctx, { values }) => (await import('./commands/providers-transfer.ts')).importCommand(ctx, values),
    },
  ],
};

const connections: CommandGroup<CliContext> = {
  name: 'connections',
  summary: 'stored tokens per provider, user and agent (never the tokens themselves)',
  default: 'list',
  subcommands: [
    { name: 'list', summary: 'all connections', flags: JSON_FLAG, examples: ['latchkey connections list'],
      run: async (ctx, { values }) => (await import('./commands/connections.ts')).connectionsCommand(ctx.owner(values), ctx.out, 'list', undefined, bool(values, 'json')) },
    { name: 'refresh', summary: 'refresh a connection\'s tokens now', args: [{ name: 'id' }], examples: ['latchkey connections refresh 7c2e…'],
      run: async (ctx, { values, args }) => (await import('./commands/connections.ts')).connectionsCommand(ctx.owner(values), ctx.out, 'refresh', args[0], false) },
    { name: 'revoke', summary: 'revoke at the provider and delete the tokens', args: [{ name: 'id' }], examples: ['latchkey connections revoke 7c2e…'],
      run: async (ctx, { values, args }) => (await import('./commands/connections.ts')).connectionsCommand(ctx.owner(values), ctx.out, 'revoke', args[0], false) },
  ],
};

const vault: CommandGroup<CliContext> = {
  name: 'vault',
  summary: 'where this home\'s master key lives: the OS keychain or a passphrase',
  default: 'status',
  subcommands: [
    { name: 'status', summary: 'which vault this home uses, and whether it opens', examples: ['latchkey vault status'],
      run: async (ctx, { values }) => (await import('./commands/vault.ts')).vaultStatus(ctx, values) },
    { name: 'switch', summary: 'move every secret to the other vault (stop Latchkey first)', args: [{ name: 'keychain|passphrase' }], examples: ['latchkey vault switch passphrase', 'LATCHKEY_PASSPHRASE_FILE=~/.latchkey-pass latchkey vault switch passphrase'],
      run: async (ctx, { values, args }) => (await import('./commands/vault.ts')).vaultSwitch(ctx, values, args[0] ?? '') },
  ],
};

export const COMMANDS: readonly Entry<CliContext>[] = [serve, env, ui, doctor, approvals, grants, keys, activity, providers, connections, vault];

export const FOOTER = 'Environment: LATCHKEY_PORT, LATCHKEY_HOME, LATCHKEY_APPROVAL, LATCHKEY_LOG_LEVEL, LATCHKEY_PASSPHRASE_FILE, NO_COLOR.';
