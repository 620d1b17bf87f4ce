// Randomised rounds of snapshot, prune, retention and kill -9 from several processes at once
// against one store, for the store's collection rule (docs/ARCHITECTURE.md). `npm test` runs a
// short seeded version (test/engine/store/collectionRace.test.ts), `npm run stress` a long one.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
// A small seeded generator (mulberry32), so a failing round can be replayed from its seed.
import { ServingWatch } from '../../../../scripts/bench/servingWatch';
import { rng } from '../../../../scripts/bench/synthetic';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const LONG_LIVED = path.join(__dirname, 'longLivedStore.ts');

export interface RaceOptions {
  rounds: number;
  seed: number;
  /** Rounds that kill a process with SIGKILL mid-operation (the rest run to completion). */
  killEvery?: number;
  log?: (line: string) => void;
}

export interface RaceResult {
  workspace: string;
  rounds: number;
  snapshotsTaken: number;
  prunes: number;
  kills: number;
  /** `fsck --json` at the end. */
  fsck: { problems: { message: string }[]; snapshotsChecked: number; objectsChecked: number };
  /** Snapshots whose `diff` against the latest failed (fsck should have found each). */
  undiffable: string[];
  /** CLI snapshots the serving process took and reported (not counting those of a server killed later). */
  served: number;
  elapsedMs: number;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

function startCli(ws: string, args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [CLI, '--workspace', ws, ...args], {
    env: { ...process.env, INCIDENT_REPLAY_LOCK_STALE_MS: '2000', ...env },
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
  return { child, done };
}

async function cli(ws: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return startCli(ws, args, env).done;
}

/** Half the race's CLI snapshots are taken by the serving process, half by the CLI itself. */
function servedOrNot(next: () => number): NodeJS.ProcessEnv {
  return next() < 0.5 ? {} : { INCIDENT_REPLAY_NO_SERVICE: '1' };
}

/** The JSON a CLI call printed; its stderr if it printed none. */
async function cliJson<T>(ws: string, args: string[]): Promise<T> {
  const r = await cli(ws, args);
  try {
    return JSON.parse(r.out) as T;
  } catch {
    throw new Error(`incident-replay ${args.join(' ')} exited ${r.code} without JSON: ${r.err.trim()}`);
  }
}

class LongLived {
  private readonly child: ChildProcess;
  private readonly replies: readline.Interface;
  private readonly waiting: ((line: string) => void)[] = [];

  constructor(ws: string) {
    this.child = spawn(process.execPath, ['--import', TSX, LONG_LIVED, ws], {
      env: { ...process.env, INCIDENT_REPLAY_LOCK_STALE_MS: '2000' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.replies = readline.createInterface({ input: this.child.stdout as NodeJS.ReadableStream });
    this.replies.on('line', (line) => this.waiting.shift()?.(line));
  }

  async ask(command: string): Promise<{ id?: string; removed?: number; error?: string }> {
    const reply = new Promise<string>((resolve) => this.waiting.push(resolve));
    this.child.stdin?.write(command + '\n');
    return JSON.parse(await reply) as { id?: string; error?: string };
  }

  close(): void {
    this.child.stdin?.end();
    this.child.kill();
  }

  /** kill -9, mid-operation or not; a reply that never comes is dropped. */
  kill(): void {
    this.child.kill('SIGKILL');
    this.waiting.length = 0;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Changes a few files. Half the writes are new content; the other half go back to a version
 * an older snapshot had (agents undo edits all the time): a blob that a prune is deleting
 * right then is exactly what a capture with a stale object index would wrongly skip writing.
 */
function mutate(ws: string, next: () => number, round: number): void {
  const n = 1 + Math.floor(next() * 4);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(next() * 12);
    const f = path.join(ws, `src/file${k}.txt`);
    if (next() < 0.15) fs.rmSync(f, { force: true });
    else if (next() < 0.7) fs.writeFileSync(f, `file ${k % 3} version ${Math.floor(next() * 3)}\n`);
    else fs.writeFileSync(f, `round ${round} change ${i} ${next()}\n`.repeat(1 + Math.floor(next() * 50)));
  }
}

export async function runCollectionRace(opts: RaceOptions): Promise<RaceResult> {
  const started = Date.now();
  const next = rng(opts.seed);
  const log = opts.log ?? ((): void => undefined);
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-race-'));
  fs.mkdirSync(path.join(ws, 'src'));
  for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(ws, `src/file${i}.txt`), `initial ${i}\n`);
  const first = await cli(ws, ['snapshot', '--baseline']);
  if (first.code !== 0) throw new Error(`baseline failed: ${first.err}`);
  let longLived = new LongLived(ws);
  // `watch` takes the CLI's snapshots (src/cli/service/) under the same store lock as everything
  // else, and is sometimes killed -9 in the middle of one.
  const serve = (): Promise<ServingWatch> => ServingWatch.start(['--workspace', ws], { INCIDENT_REPLAY_LOCK_STALE_MS: '2000' });
  let server = await serve();
  let served = 0;
  let snapshotsTaken = 1;
  let prunes = 0;
  let kills = 0;
  const damage: { message: string }[] = [];
  try {
    for (let round = 0; round < opts.rounds; round++) {
      mutate(ws, next, round);
      const shape = Math.floor(next() * 3);
      const killing = opts.killEvery !== undefined && round % opts.killEvery === opts.killEvery - 1;
      if (killing) {
        // kill -9 one of snapshot, prune, the long-lived process's retention or the process
        // serving a CLI's snapshot, at a random moment.
        const pick = next();
        if (pick < 1 / 4) {
          const list = await cliJson<{ snapshots: { id: string }[] }>(ws, ['snapshots', '--json']);
          void longLived.ask(
            `drop ${list.snapshots
              .slice(0, -1)
              .map((s) => s.id)
              .join(' ')}`,
          );
          await sleep(next() * 250);
          longLived.kill();
          longLived = new LongLived(ws);
          log(`round ${round}: killed the long-lived process during retention`);
        } else if (pick < 2 / 4) {
          // The CLI whose snapshot it was serving takes it itself, and must succeed.
          const client = startCli(ws, ['snapshot']);
          await sleep(next() * 150);
          await server.kill();
          const r = await client.done;
          if (r.code !== 0) throw new Error(`round ${round}: snapshot whose server was killed exited ${r.code} (${r.err.trim()})`);
          snapshotsTaken++;
          server = await serve();
          log(`round ${round}: killed the process serving a snapshot`);
        } else {
          const victim = startCli(ws, pick < 3 / 4 ? ['snapshot'] : ['prune', '--keep', '1']);
          await sleep(next() * 250);
          victim.child.kill('SIGKILL');
          await victim.done;
          log(`round ${round}: killed ${victim.child.spawnargs.slice(4).join(' ')}`);
        }
        kills++;
      } else {
        // Either side may start first, by up to the time a CLI takes to open the store.
        const lead = (next() - 0.5) * 240;
        const how = servedOrNot(next);
        const delay = Math.max(0, lead);
        if (shape === 0) {
          // Two CLIs: snapshot and prune --keep 1 at the same moment.
          const [s, p] = await Promise.all([
            sleep(-Math.min(0, lead)).then(() => cli(ws, ['snapshot'], how)),
            sleep(delay).then(() => cli(ws, ['prune', '--keep', '1'])),
          ]);
          if (s.code !== 0 || p.code !== 0)
            throw new Error(`round ${round}: snapshot exit ${s.code} (${s.err.trim()}), prune exit ${p.code} (${p.err.trim()})`);
          snapshotsTaken++;
          prunes++;
        } else if (shape === 1) {
          // The long-lived process snapshots while a CLI prunes.
          const [s, p] = await Promise.all([
            sleep(-Math.min(0, lead)).then(() => longLived.ask('snapshot')),
            sleep(delay).then(() => cli(ws, ['prune', '--keep', '1'])),
          ]);
          if (s.error || p.code !== 0)
            throw new Error(`round ${round}: long-lived snapshot ${s.error ?? 'ok'}, prune exit ${p.code} (${p.err.trim()})`);
          snapshotsTaken++;
          prunes++;
        } else {
          // A CLI snapshots while the long-lived process runs retention over older snapshots.
          const list = await cliJson<{ snapshots: { id: string }[] }>(ws, ['snapshots', '--json']);
          const victims = list.snapshots
            .slice(0, -1)
            .filter(() => next() < 0.7)
            .map((s) => s.id);
          const [s, d] = await Promise.all([
            sleep(-Math.min(0, lead)).then(() => cli(ws, ['snapshot'], how)),
            sleep(delay).then(() => longLived.ask(`drop ${victims.join(' ')}`)),
          ]);
          if (s.code !== 0 || d.error)
            throw new Error(`round ${round}: snapshot exit ${s.code} (${s.err.trim()}), long-lived drop ${d.error ?? 'ok'}`);
          snapshotsTaken++;
          prunes++;
        }
      }
      // Checked every round: a damaged snapshot would be pruned away by a later round.
      const check = await cliJson<RaceResult['fsck']>(ws, ['fsck', '--json']);
      if (check.problems.length > 0) {
        for (const p of check.problems) damage.push({ message: `after round ${round}: ${p.message}` });
        break;
      }
    }
    // The serving process (restarted after each kill -9) still serves once the race is over.
    const last = await cli(ws, ['snapshot']);
    if (last.code !== 0) throw new Error(`the last snapshot exited ${last.code} (${last.err.trim()})`);
    snapshotsTaken++;
  } finally {
    longLived.close();
    served += await server.stop();
  }
  const fsck = await cliJson<RaceResult['fsck']>(ws, ['fsck', '--json']);
  fsck.problems.unshift(...damage);
  const undiffable: string[] = [];
  const list = await cliJson<{ snapshots: { id: string }[] }>(ws, ['snapshots', '--json']);
  for (const s of list.snapshots) {
    const d = await cli(ws, ['diff', s.id, 'latest', '--stat']);
    if (d.code !== 0) undiffable.push(`${s.id}: ${d.err.trim()}`);
  }
  return { workspace: ws, rounds: opts.rounds, snapshotsTaken, prunes, kills, fsck, undiffable, served, elapsedMs: Date.now() - started };
}
