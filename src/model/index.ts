/**
 * The shared vocabulary: plain data and pure functions with no imports, loadable by the engine,
 * the protocol, the CLI, the extension and the webview alike.
 */
export * from './config';
export * from './format';
export * from './freeze';
export * from './incident';
