/**
 * The VS Code API, imported once. The bundle is CommonJS, and esbuild turns every
 * `import * as vscode from 'vscode'` into its own copy of the API object's ~350 properties:
 * in 34 modules that was about half of the extension's activation time. Modules of the
 * extension import this one instead.
 */
export * from 'vscode';
