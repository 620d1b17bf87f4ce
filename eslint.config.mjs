// Lint: typescript-eslint's type-checked rules over every TypeScript file, plus the layering rules
// (which folder may import which) that keep the engine, the protocol, the vocabulary and the webview
// free of `vscode` and of each other's code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const VSCODE = { name: 'vscode', message: 'only src/extension runs inside VS Code: keep vscode there' };
const restrict = (patterns, paths = [VSCODE]) => ({
  'no-restricted-imports': 'off',
  '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }],
});
const layer = (group, message, allowTypeImports = false) => ({ group, message, allowTypeImports });

/**
 * Which way imports run (docs/ARCHITECTURE.md). The extension's value imports of the engine are
 * refused by the build (scripts/build.mjs), its vscode-free modules by test/extension/layering.test.ts,
 * which follows imports transitively.
 */
const layering = [
  {
    files: ['src/model/**/*.ts'],
    rules: restrict([{ regex: '^(?!\\./)', message: 'src/model is plain data and pure functions: it imports nothing outside src/model' }]),
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: restrict([
      layer(
        ['**/protocol/**', '**/cli/**', '**/extension/**'],
        'the engine is used by the CLI, the extension and the MCP server, never the other way round',
      ),
    ]),
  },
  {
    files: ['src/protocol/**/*.ts'],
    rules: restrict([
      layer(['**/engine/**'], 'the protocol names engine shapes as types only, so no engine code reaches the webview bundle', true),
      layer(['**/extension/**', '**/cli/**', '**/mcp/**'], 'the protocol sits between the extension and the webview and imports neither'),
    ]),
  },
  {
    files: ['webview/**/*.ts'],
    rules: restrict([
      layer(
        ['**/engine/**', '**/extension/**', '**/cli/**', '**/mcp/**'],
        'the webview runs in a browser page: it imports src/protocol and src/model only, not even engine types',
      ),
    ]),
  },
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      '.e2e/**',
      '.bench/**',
      'node_modules/**',
      'test-results/**',
      'test/fixtures/**',
      'samples/**',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits loses its error: the one rule review misses most.
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test() returns a promise the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      // Log scanners match control bytes on purpose (ANSI escapes, NUL in binary logs).
      'no-control-regex': 'off',
      // An escaped '-' in a character class stays literal wherever it is moved.
      'no-useless-escape': ['error', { allowRegexCharacters: ['-'] }],
      // A failure caught as `unknown` is passed on as it came (a stored stream error, a rejection re-raised).
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // Flags String(x) where x was already narrowed to a primitive: TypeScript cannot say "not an object" of `unknown`.
      '@typescript-eslint/no-base-to-string': 'off',
      // tsc's noUnusedLocals/noUnusedParameters already report these, once.
      '@typescript-eslint/no-unused-vars': 'off',
      // Handlers keep `async` to satisfy an interface that returns a promise.
      '@typescript-eslint/require-await': 'off',
    },
  },
  ...layering,
);
