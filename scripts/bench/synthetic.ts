import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Small deterministic PRNG (mulberry32) so every bench run builds the same workspace. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'const let return function import export class interface async await error value config data result ' +
  'request response user order total item index count buffer stream file path line token model agent ' +
  'retry timeout connect query update delete insert select where from limit offset batch worker job'
).split(' ');

const KINDS = [
  { ext: '.ts', weight: 30, dir: 'src' },
  { ext: '.py', weight: 15, dir: 'lib' },
  { ext: '.json', weight: 10, dir: 'config' },
  { ext: '.md', weight: 10, dir: 'docs' },
  { ext: '.log', weight: 10, dir: 'logs' },
  { ext: '.csv', weight: 10, dir: 'data' },
  { ext: '.bin', weight: 5, dir: 'assets' },
  { ext: '.png', weight: 5, dir: 'assets' },
  { ext: '.txt', weight: 5, dir: 'notes' },
] as const;

function textOf(size: number, rand: () => number, ext: string): Buffer {
  const parts: string[] = [];
  let n = 0;
  let line = 0;
  while (n < size) {
    let s: string;
    if (ext === '.log')
      s = `2026-11-20T02:${String(line % 60).padStart(2, '0')}:00.${String(line % 1000).padStart(3, '0')}Z INFO worker-${line % 7}: ${WORDS[Math.floor(rand() * WORDS.length)]} ok in ${Math.floor(rand() * 900)} ms\n`;
    else if (ext === '.csv') s = `${line},${WORDS[Math.floor(rand() * WORDS.length)]},${(rand() * 1000).toFixed(2)},EUR\n`;
    else {
      const k = 4 + Math.floor(rand() * 10);
      const ws: string[] = [];
      for (let i = 0; i < k; i++) ws.push(WORDS[Math.floor(rand() * WORDS.length)] as string);
      s = '  '.repeat(line % 4) + ws.join(' ') + (ext === '.ts' ? ';\n' : '\n');
    }
    parts.push(s);
    n += s.length;
    line++;
  }
  return Buffer.from(parts.join('').slice(0, size));
}

function binaryOf(size: number, rand: () => number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

/** Size distribution: mostly small files, a tail of larger ones, mean ≈ targetBytes / files. */
function sizeFor(rand: () => number, mean: number): number {
  const r = rand();
  if (r < 0.6) return Math.floor(mean * (0.05 + rand() * 0.5));
  if (r < 0.95) return Math.floor(mean * (0.5 + rand() * 1.5));
  return Math.floor(mean * (4 + rand() * 8));
}

export interface SyntheticResult {
  files: string[];
  bytes: number;
}

/** Writes `files` files totalling about `targetBytes` under `root`, in a realistic folder tree. */
export function generateWorkspace(root: string, files: number, targetBytes: number, seed = 42): SyntheticResult {
  const rand = rng(seed);
  const total = KINDS.reduce((n, k) => n + k.weight, 0);
  const mean = targetBytes / files;
  const out: string[] = [];
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    let pick = rand() * total;
    let kind: (typeof KINDS)[number] = KINDS[0];
    for (const k of KINDS) {
      pick -= k.weight;
      if (pick <= 0) {
        kind = k;
        break;
      }
    }
    const rel = path.join(kind.dir, `m${i % 40}`, `p${Math.floor(i / 40) % 25}`, `f${i}${kind.ext}`);
    mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
    const size = Math.max(16, sizeFor(rand, mean));
    const content = kind.ext === '.bin' || kind.ext === '.png' ? binaryOf(size, rand) : textOf(size, rand, kind.ext);
    writeFileSync(path.join(root, rel), content);
    out.push(rel);
    bytes += content.length;
  }
  return { files: out, bytes };
}

/** Appends a line to `fraction` of the text files (a realistic small edit). */
export function touchFraction(root: string, files: readonly string[], fraction: number, seed = 7): string[] {
  const rand = rng(seed);
  const text = files.filter((f) => !/\.(bin|png)$/.test(f));
  const n = Math.max(1, Math.round(files.length * fraction));
  const chosen = new Set<string>();
  while (chosen.size < n && chosen.size < text.length) chosen.add(text[Math.floor(rand() * text.length)] as string);
  for (const f of chosen) writeFileSync(path.join(root, f), `changed ${f} at run ${seed}\n`, { flag: 'a' });
  return [...chosen];
}

/**
 * A log of about `bytes` bytes, as an agent run leaves it: timestamped INFO lines with, every
 * so often, a WARN, an ERROR line and a Python traceback.
 */
export function writeBigLog(file: string, bytes: number, seed = 3): void {
  const rand = rng(seed);
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'a');
  let written = 0;
  let n = 0;
  const t0 = Date.UTC(2026, 10, 20, 2, 0, 0);
  try {
    while (written < bytes) {
      const chunk: string[] = [];
      for (let i = 0; i < 2000; i++, n++) {
        const ts = new Date(t0 + n * 7).toISOString();
        if (n % 50_000 === 49_999) {
          chunk.push(
            `${ts} ERROR worker: batch ${n} failed`,
            'Traceback (most recent call last):',
            '  File "/srv/agent/worker.py", line 88, in run_batch',
            '    rows = fetch(batch_id)',
            '  File "/srv/agent/db.py", line 21, in fetch',
            '    raise ConnectionRefusedError(111, "Connection refused")',
            'ConnectionRefusedError: [Errno 111] Connection refused',
          );
        } else if (n % 5_000 === 4_999) chunk.push(`${ts} WARN worker: slow batch ${n} took ${Math.floor(rand() * 9000)} ms`);
        else chunk.push(`${ts} INFO worker: batch ${n} ok, ${Math.floor(rand() * 500)} rows in ${Math.floor(rand() * 90)} ms`);
      }
      const text = chunk.join('\n') + '\n';
      writeSync(fd, text);
      written += Buffer.byteLength(text);
    }
  } finally {
    closeSync(fd);
  }
}
