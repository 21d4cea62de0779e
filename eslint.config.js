// Lint rules that keep the layers honest: only main/shell may import electron,
// and main/core depends on ports, never on the adapter libraries or Express.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const adapterLibraries = ['express', 'better-sqlite3', '@napi-rs/keyring', 'oauth4webapi', 'pino'];

/** The modules that may mint an OwnerPrincipal (main/core/owner-principal.ts, S39). */
export const OWNER_CHANNELS = ['main/http/owner-auth.ts', 'main/http/flow-routes.ts', 'main/shell/**/*.ts'];
const OWNER_ONLY = 'Only the owner channels (eslint.config.js OWNER_CHANNELS) may mint an OwnerPrincipal (S39).';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'renderer/dist/**', 'test-results/**', 'playwright-report/**'] },
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
    files: ['main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['electron', ...adapterLibraries].map((name) => ({ name, message: 'main/core depends on ports only; put library code in main/adapters.' })),
        patterns: [{ group: ['../adapters/*', '../http/*', '../shell/*', '../cli/*'], message: 'main/core must not import outer layers.' }],
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
);
