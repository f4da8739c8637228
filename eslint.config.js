import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/fixtures/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    // Only the CLI writes to the terminal (STYLE.md rule 17); scripts and benches are tools.
    files: ['packages/cli/src/**', 'packages/*/scripts/**', 'bench/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // The resolver is the bottom of the graph: it may not import any other Dokkimi package.
    files: ['packages/resolver/src/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@dokkimi/*'] }] },
  },
  {
    files: ['packages/core/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@dokkimi/runtime-*', '@dokkimi/cli', 'dockerode', '@kubernetes/*'] },
      ],
    },
  },
)
