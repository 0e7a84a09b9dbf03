import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
