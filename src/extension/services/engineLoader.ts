import path from 'node:path';

/**
 * The engine's API, typed from its sources but loaded from the separately built `dist/engine.js`
 * on first use: the extension bundle stays small and activation never pays for sql.js, secretlint
 * and the rest. The build fails if the extension bundle imports an engine value directly.
 */
export type Engine = typeof import('../../engine/index');

export class EngineLoader {
  private engine: Engine | undefined;

  constructor(private readonly extensionPath: string) {}

  get(): Engine {
    // A plain require: the engine is CommonJS beside this bundle, and Node caches it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known at run time
    this.engine ??= require(path.join(this.extensionPath, 'dist', 'engine.js')) as Engine;
    return this.engine;
  }

  /** The engine if something loaded it already (an engine error implies it was). */
  ifLoaded(): Engine | undefined {
    return this.engine;
  }

  get wasmPath(): string {
    return path.join(this.extensionPath, 'dist', 'sql-wasm.wasm');
  }
}
