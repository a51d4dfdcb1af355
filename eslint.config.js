// ESLint for the TypeScript (flat config). Formatting is prettier's: eslint-config-prettier, last,
// turns off every rule that would argue with it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/',
      'node_modules/',
      '.tools/',
      '.venv/',
      'bench/.work/',
      'dagger/sdk/',
      'dagger/node_modules/',
      'dbt/',
      'test-artifacts/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore names what is taken only to be left out (`{ runId: _run, ...rest }`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // A write that is not awaited can be lost on a crash: the promise rules need the types.
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // The Dagger runtime loads every file of the module; it ships with the SDK and typescript only.
    files: ['dagger/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!@dagger\\.io/dagger$|node:[a-z_/]+$|\\./[a-z-]+\\.js$)',
              message: 'a Dagger module file imports only the SDK, Node built-ins and its own files',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
