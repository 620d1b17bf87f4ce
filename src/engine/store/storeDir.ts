/** The store's folder inside the workspace when none is given (--store, the extension's storage). */
export const DEFAULT_STORE_DIRNAME = '.incident-replay';
