import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';
import { JobError } from '../errors';

const WASM_NAME = 'sql-wasm.wasm';

/**
 * Where the sql.js wasm may live, most specific first: next to the running bundle
 * (the build copies it into `dist/`), then inside the installed `sql.js` package.
 */
function defaultWasmCandidates(): string[] {
  const candidates: string[] = [];
  if (typeof __dirname === 'string') {
    candidates.push(path.join(__dirname, WASM_NAME));
    // The bundles' copy: resolving the package below walks node_modules (some milliseconds per process).
    if (fs.existsSync(candidates[0] as string)) return candidates;
  }
  try {
    candidates.push(require.resolve(`sql.js/dist/${WASM_NAME}`));
  } catch {
    // Not resolvable from a bundle that ships without node_modules: the copy beside it must do.
  }
  return candidates;
}

/** The wasm file to load: `wasmPath` when given, else the first default that exists. */
export function locateSqlWasm(wasmPath?: string): string {
  if (wasmPath !== undefined) {
    if (!fs.existsSync(wasmPath)) {
      throw new JobError(`the SQLite engine (sql.js wasm) is missing at ${wasmPath}; reinstall Incident Replay`);
    }
    return path.resolve(wasmPath);
  }
  const candidates = defaultWasmCandidates();
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (found === undefined) {
    throw new JobError(
      `the SQLite engine (sql.js wasm) was not found; looked in ${candidates.join(', ') || 'no location'}; reinstall Incident Replay`,
    );
  }
  return found;
}

// Instantiating the wasm costs tens of milliseconds and megabytes of memory, so it happens
// once per process (per wasm file, which in practice is one); a failed load is not cached.
const engines = new Map<string, Promise<SqlJsStatic>>();

export function loadSqlEngine(wasmPath?: string): Promise<SqlJsStatic> {
  let resolved: string;
  try {
    resolved = locateSqlWasm(wasmPath);
  } catch (err) {
    return Promise.reject(err);
  }
  let engine = engines.get(resolved);
  if (engine === undefined) {
    engine = instantiate(resolved);
    engines.set(resolved, engine);
    void engine.catch(() => engines.delete(resolved));
  }
  return engine;
}

async function instantiate(wasmFile: string): Promise<SqlJsStatic> {
  // Handing over the bytes (rather than a locateFile hook) keeps sql.js from guessing its
  // environment, which differs between plain Node, the CLI bundle and the extension host.
  const bytes = fs.readFileSync(wasmFile);
  const wasmBinary = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  try {
    return await initSqlJs({ wasmBinary });
  } catch (err) {
    throw new JobError(`could not start the SQLite engine from ${wasmFile}: ${errorMessage(err)}`);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
