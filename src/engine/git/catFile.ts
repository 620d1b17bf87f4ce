import { spawn } from 'node:child_process';
import { JobError } from '../errors';
import { GIT_ENV, gitFailure } from './gitCommand';

/** One object from `git cat-file --batch`: its whole content, or only its first bytes when it is bigger than asked. */
export interface GitObject {
  id: string;
  size: number;
  /** The whole content when `size <= keepUpTo`, else its first `headBytes`. */
  content: Buffer;
  complete: boolean;
}

export interface ReadObjectsOptions {
  /** Objects up to this size are handed over whole. */
  keepUpTo: number;
  /** Bytes kept of a bigger object (enough to tell text from binary). */
  headBytes: number;
}

/**
 * Reads many objects through one `git cat-file --batch` process, in the order asked, handing
 * each to `onObject` before reading on: back-pressure keeps memory to one object at a time
 * however big the repository is.
 */
export async function readObjects(
  cwd: string,
  ids: readonly string[],
  opts: ReadObjectsOptions,
  onObject: (o: GitObject) => Promise<void> | void,
): Promise<void> {
  if (ids.length === 0) return;
  const child = spawn('git', ['-C', cwd, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'], env: GIT_ENV });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<{ code: number | null; error: NodeJS.ErrnoException | null }>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    child.on('close', (code) => resolve({ code, error: null }));
  });
  // EPIPE when git dies early is reported through its exit status below.
  child.stdin.on('error', () => undefined);
  child.stdin.end(ids.join('\n') + '\n');

  const parser = new BatchParser(opts, cwd);
  let next = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      for (const o of parser.push(chunk)) {
        const wanted = ids[next++];
        if (o.id !== wanted) throw new JobError(`git cat-file answered ${o.id} where ${wanted ?? 'nothing'} was asked`);
        await onObject(o);
      }
    }
  } finally {
    if (next < ids.length) child.kill();
  }
  const { code, error } = await exited;
  if (error) throw gitFailure(cwd, ['cat-file'], error, stderr);
  if (next < ids.length)
    throw new JobError(
      `git cat-file stopped after ${next} of ${ids.length} objects (exit ${code ?? 'signal'}): ${stderr.trim() || 'no message'}`,
    );
}

type State = { kind: 'header' } | { kind: 'body'; id: string; size: number; parts: Buffer[]; kept: number; remaining: number };

/** Splits cat-file's `<id> <type> <size>\n<content>\n` records out of the byte stream. */
class BatchParser {
  private pending: Buffer = Buffer.alloc(0);
  private state: State = { kind: 'header' };
  constructor(
    private readonly opts: ReadObjectsOptions,
    private readonly cwd: string,
  ) {}

  push(chunk: Buffer): GitObject[] {
    const out: GitObject[] = [];
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (this.state.kind === 'header') {
        const nl = buf.indexOf(0x0a);
        if (nl < 0) break;
        const header = buf.subarray(0, nl).toString('utf8');
        buf = buf.subarray(nl + 1);
        const m = /^([0-9a-f]{40,64}) (\S+) (\d+)$/.exec(header);
        if (!m) {
          throw new JobError(
            `git object ${header.split(' ')[0] ?? header} is missing from the repository in ${this.cwd} (a shallow or damaged clone?): run \`git fsck\``,
          );
        }
        const size = Number(m[3]);
        // +1 for the newline git writes after every object.
        this.state = { kind: 'body', id: m[1] as string, size, parts: [], kept: 0, remaining: size + 1 };
        continue;
      }
      const s = this.state;
      if (buf.length === 0) break;
      const take = Math.min(buf.length, s.remaining);
      const limit = s.size <= this.opts.keepUpTo ? s.size : this.opts.headBytes;
      if (s.kept < limit) {
        const part = buf.subarray(0, Math.min(take, limit - s.kept));
        // Copied: the chunk is reused by the stream once this returns.
        s.parts.push(Buffer.from(part));
        s.kept += part.length;
      }
      s.remaining -= take;
      buf = buf.subarray(take);
      if (s.remaining > 0) break;
      out.push({ id: s.id, size: s.size, content: Buffer.concat(s.parts), complete: s.size <= this.opts.keepUpTo });
      this.state = { kind: 'header' };
    }
    this.pending = Buffer.from(buf);
    return out;
  }
}
