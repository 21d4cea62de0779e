// Lint rules that keep the layers honest: only main/shell may import electron,
// and main/core depends on ports, never on the adapter libraries or Express.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const adapterLibraries = ['express', 'better-sqlite3', '@napi-rs/keyring', 'oauth4webapi', 'pino'];
// Node modules that do I/O (with and without the node: prefix); core gets these through ports.
const nodeIo = ['fs', 'fs/promises', 'net', 'http', 'https', 'http2', 'dgram', 'child_process', 'tls', 'dns', 'worker_threads']
  .flatMap((m) => [m, `node:${m}`]);
/** Import patterns that reach a sibling layer from any depth below main/. */
const outerLayers = (layers) => [...layers.flatMap((l) => [`**/${l}/*`, `**/${l}/**`]), '**/compose.ts'];

/** The modules that may mint an OwnerPrincipal (main/core/owner-principal.ts, S39). */
export const OWNER_CHANNELS = ['main/http/owner-auth.ts', 'main/http/flow-routes.ts', 'main/shell/**/*.ts'];
const OWNER_ONLY = 'Only the owner channels (eslint.config.js OWNER_CHANNELS) may mint an OwnerPrincipal (S39).';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'packages/*/dist/**', 'renderer/dist/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only main/shell/ may import electron.' }] }],
    },
  },
  {
    // Core is the domain: ports only. Patterns use `**` so depth does not matter
    // (a file in core/mcp/ importing ../../adapters/x is caught too), and Node's I/O modules
    // are banned so core cannot reach the disk, the network or processes behind the ports.
    files: ['main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['electron', ...adapterLibraries, ...nodeIo].map((name) => ({ name, message: 'main/core depends on ports only; put I/O and library code in main/adapters.' })),
        patterns: [{ group: outerLayers(['adapters', 'http', 'shell', 'cli', 'client']), message: 'main/core must not import outer layers.' }],
      }],
    },
  },
  {
    // Adapters implement core ports; they never reach up into transports or the shell.
    files: ['main/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'Only main/shell/ may import electron.' }],
        patterns: [{ group: outerLayers(['http', 'shell', 'cli']), message: 'main/adapters must not import http, cli or shell.' }],
      }],
    },
  },
  {
    // The HTTP layer sees core and its own modules; adapters are wired in compose.ts only.
    files: ['main/http/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'Only main/shell/ may import electron.' }, ...['better-sqlite3', '@napi-rs/keyring', 'oauth4webapi'].map((name) => ({ name, message: 'main/http gets adapters through compose.ts, never directly.' }))],
        patterns: [{ group: outerLayers(['adapters', 'shell', 'cli']), message: 'main/http must not import adapters, cli or shell; compose.ts wires them.' }],
      }],
    },
  },
  {
    // The Electron shell and its preload script are the only places electron may be imported.
    files: ['main/shell/**/*.ts', 'preload/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // S39: only the owner channels may mint the owner's authority. The owner-session
    // middleware and control-secret CLI path (owner-auth.ts), the /start decision form's
    // session check (flow-routes.ts) and the desktop shell; tests and benches set up as the owner.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: [...OWNER_CHANNELS, 'main/core/owner-principal.ts', 'test/**', 'bench/**'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "ImportSpecifier[imported.name='mintOwnerPrincipal']", message: OWNER_ONLY },
        { selector: "ImportDeclaration[source.value=/owner-principal(\\.ts)?$/] > ImportNamespaceSpecifier", message: OWNER_ONLY },
        { selector: "ImportExpression[source.value=/owner-principal(\\.ts)?$/]", message: OWNER_ONLY },
      ],
    },
  },
  {
    // Tests read JSON answers loosely on purpose: the assertions are the types.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // The client package ships on its own (Node ≥ 18, Deno, Bun, browsers' bundlers): web APIs
    // and its own files only — no Node modules, no dependencies, nothing from the broker.
    files: ['packages/client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', ...nodeIo, 'zod', 'express'], message: 'packages/client has zero dependencies and uses web APIs only.' },
          { group: ['../*', '../**'], message: 'packages/client/src imports only its own files.' },
        ],
      }],
    },
  },
  {
    // The contract is declarations and parsing: core and the client's wire types, never a transport or adapter.
    files: ['main/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'Only main/shell/ may import electron.' }, ...adapterLibraries.map((name) => ({ name, message: 'main/contract is transport- and adapter-free.' })), ...nodeIo.map((name) => ({ name, message: 'main/contract does no I/O.' }))],
        patterns: [{ group: outerLayers(['adapters', 'http', 'shell', 'cli']), message: 'main/contract must not import http, adapters, cli or shell.' }],
      }],
    },
  },
);
