/**
 * Issue 12's scale rows of `npm run bench --scale`: the same tree shape at 10,000 and at
 * 100,000 files (`--scale-files`), each snapshotted cold and then warm (nothing changed) by a
 * fresh process, so that its peak RSS is its own. Time per file must not grow with the tree, and
 * the stat cache and manifest sizes are reported because both are read or written whole.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../../src/engine/config/defaults';
import { SnapshotStore } from '../../src/engine/snapshotStore';
import { RACY_WINDOW_MS } from '../../src/engine/store/capture';
import { encodeManifest } from '../../src/engine/store/manifest';
import { STAT_CACHE_FILE } from '../../src/engine/store/statCache';
import type { AddRow } from './recorder';
import { generateWorkspace } from './synthetic';
import { peakRssKb } from './peakRss';

/** Mean file size: small source-like files, so the 100k tree stays a few hundred MB. */
const MEAN_BYTES = 2_048;

interface ChildReport {
  coldMs: number;
  warmMs: number;
  maxRssKb: number;
  statCacheBytes: number;
  manifestBytes: number;
  files: number;
}

/** Runs in the child process: one cold and one warm snapshot, timed by the capture itself. */
export async function scaleChild(ws: string, storeDir: string): Promise<void> {
  const store = await SnapshotStore.open({ workspaceRoot: ws, storeDir, config: DEFAULT_CONFIG });
  try {
    const cold = await store.snapshot({ label: 'scale-cold' });
    const warm = await store.snapshot({ label: 'scale-warm' });
    const report: ChildReport = {
      coldMs: cold.stats.durationMs,
      warmMs: warm.stats.durationMs,
      maxRssKb: peakRssKb(),
      statCacheBytes: statSync(path.join(storeDir, STAT_CACHE_FILE)).size,
      manifestBytes: encodeManifest(await store.manifest(warm.snapshot)).length,
      files: warm.snapshot.fileCount,
    };
    process.stdout.write(JSON.stringify(report));
  } finally {
    store.close();
  }
}

function measure(benchScript: string, base: string, files: number): ChildReport {
  const ws = path.join(base, `scale-${files}`);
  mkdirSync(ws);
  process.stderr.write(`scale: generating ${files} files...\n`);
  generateWorkspace(ws, files, files * MEAN_BYTES, 5);
  // Older than the racy window, so the warm snapshot takes the stat-only path.
  spawnSync('sleep', [String((RACY_WINDOW_MS + 1100) / 1000)]);
  spawnSync('sync');
  const r = spawnSync(process.execPath, ['--expose-gc', benchScript, '--scale-child', ws, path.join(base, `scale-${files}-store`)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`scale child (${files} files) failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ChildReport;
}

export function benchScale(benchScript: string, base: string, add: AddRow, bigFiles: number): void {
  const small = measure(benchScript, base, 10_000);
  const big = measure(benchScript, base, bigFiles);
  const perK = (ms: number, n: number): number => (ms * 1000) / n;
  const k = `${Math.round(bigFiles / 1000)}k`;
  add(`scale: cold ms per 1k files, ${k} vs 10k`, perK(big.coldMs, big.files), perK(small.coldMs, small.files), 'ms', 1.2, '≤ 1.2× 10k');
  add(`scale: warm ms per 1k files, ${k} vs 10k`, perK(big.warmMs, big.files), perK(small.warmMs, small.files), 'ms', 1.2, '≤ 1.2× 10k');
  add(`scale: peak RSS at ${k} files (10k: ${(small.maxRssKb / 1024).toFixed(0)} MB)`, big.maxRssKb / 1024, null, 'MB', 250, '≤ 250 MB');
  add(`scale: stat cache at ${k} (10k in 2nd col)`, big.statCacheBytes / 1e6, small.statCacheBytes / 1e6, 'MB', null, 'reported');
  add(`scale: manifest at ${k} (10k in 2nd col)`, big.manifestBytes / 1e6, small.manifestBytes / 1e6, 'MB', null, 'reported');
}
