// ESLint 9 flat config: typescript-eslint's type-checked rules over the TypeScript of src, test,
// bench, scripts and migrations. `npm run lint`; .ci/run runs it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-output/**', 'templates/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // `const { hrNotes: _hrNotes, ...rest }` leaves a field out on purpose; `_x` marks a parameter a signature needs.
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Off: our control-character regexes exist to find and strip those characters (input guard, file names, PDF text).
      'no-control-regex': 'off',
    },
  },
  {
    // Plain JavaScript (this file, jest.config.js, scripts/*.mjs) is outside the TypeScript project.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
