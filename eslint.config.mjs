import { readdirSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layer rule (README, "Architecture"): top to bottom, a folder imports only from layers below its
 * own; folders of one layer do not import each other, except within the composition root, which wires
 * everything. Type-only imports count too. Tests and benchmarks stand outside the layers.
 */
const composition = ['src/main.ts', 'src/runtime.ts', 'src/app.ts', 'src/web-ports.ts', 'src/cli', 'integrations/erp-adapters.ts'];
const layers = [
  ['integrations/severa', 'integrations/sendgrid', 'integrations/keyvault', 'integrations/erp-simulator'],
  ['src/web', 'jobs'],
  ['src/dsr'],
  ['src/sync'],
  ['src/retention'],
  ['src/email'],
  ['src/tenants'],
  ['src/insights'],
  ['src/metrics'],
  ['src/auth', 'src/audit', 'src/scheduler'],
  ['src/crypto', 'integrations/erp', 'integrations/http'],
  ['src/db'],
  ['src/secrets', 'src/logging', 'src/net'],
  ['src/config.ts'],
  ['src/util'],
  ['src/clock.ts', 'src/errors.ts'],
];
const root = fileURLToPath(new URL('.', import.meta.url));
const placed = new Set([...composition, ...layers.flat()]);
const unplaced = ['src', 'integrations'].flatMap((dir) => readdirSync(root + dir).map((name) => `${dir}/${name}`)).filter((p) => !placed.has(p));
if (unplaced.length > 0) throw new Error(`eslint.config.mjs: give ${unplaced.join(', ')} a place in the layer rule (and README's picture)`);
const layerZones = layers.flatMap((layer, i) => {
  const above = [composition, ...layers.slice(0, i)].flat();
  return layer.map((target) => ({
    target,
    from: [...above, ...layer.filter((peer) => peer !== target)],
    message: `${target} imports only what lies below its layer (README, "Architecture"), not its layer's peers or anything above.`,
  }));
});

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', module: 'writable', require: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  { files: ['src/main.ts', 'bench/**', 'src/cli/**'], rules: { 'no-console': 'off' } },
  {
    files: ['src/**/*.ts', 'jobs/**/*.ts', 'integrations/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: layerZones }],
    },
  },
  {
    // The product reads "now" only through an injected Clock (src/clock.ts), so tests can set the date.
    files: ['src/**/*.ts', 'jobs/**/*.ts', 'integrations/**/*.ts'],
    ignores: ['src/clock.ts', 'integrations/erp-simulator/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Read the time from an injected Clock, not new Date().' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Read the time from an injected Clock, not Date.now().' },
        { selector: "CallExpression[callee.object.name='DateTime'][callee.property.name=/^(now|local|utc)$/][arguments.length=0]", message: 'Read the time from an injected Clock, not DateTime.now().' },
      ],
    },
  },
  { files: ['jest.config.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
);
