// Lint rules that keep the layers honest: only main/shell may import electron,
// and main/core depends on ports, never on the adapter libraries or Express.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const adapterLibraries = ['express', 'better-sqlite3', '@napi-rs/keyring', 'oauth4webapi', 'pino'];

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
    // Tests read JSON answers loosely on purpose: the assertions are the types.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
