import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { scanLogStream } from '../../../src/engine/logs/logScanner';
import { removeWorkspace, tempWorkspace } from './helpers';

const ws = tempWorkspace();
after(() => removeWorkspace(ws));

const TARGET_BYTES = 200 * 1024 * 1024;
const RSS_LIMIT = 300 * 1024 * 1024;

/** Writes a ~200 MB log in 1 MB pieces; returns the findings it planted. */
function generate(file: string): { errors: number; tracebacks: number; lines: number } {
  const fd = fs.openSync(file, 'w');
  let written = 0;
  let line = 0;
  let errors = 0;
  let tracebacks = 0;
  const base = Date.UTC(2024, 4, 20, 0, 0, 0);
  try {
    while (written < TARGET_BYTES) {
      const parts: string[] = [];
      let size = 0;
      while (size < 1024 * 1024) {
        line++;
        const ts = new Date(base + line * 7).toISOString();
        let text: string;
        if (line % 40_000 === 0) {
          errors++;
          text = `${ts} ERROR worker-${line % 13} batch ${line} failed: upstream timeout\n`;
        } else if (line % 250_000 === 0) {
          tracebacks++;
          text =
            'Traceback (most recent call last):\n' +
            `  File "${ws}/jobs/etl.py", line 42, in run\n` +
            '    rows = fetch(batch)\n' +
            `ValueError: bad batch ${line}\n`;
          line += 3;
        } else {
          text = `${ts} INFO worker-${line % 13} processed batch ${line} in ${line % 97} ms, 0 errors, queue depth ${line % 1000}\n`;
        }
        parts.push(text);
        size += text.length;
      }
      const chunk = parts.join('');
      fs.writeSync(fd, chunk);
      written += chunk.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { errors, tracebacks, lines: line };
}

describe('a 200 MB log', () => {
  it('is scanned line by line with flat memory', async () => {
    const file = path.join(ws, 'big.log');
    const planted = generate(file);
    assert.ok(fs.statSync(file).size >= TARGET_BYTES);

    let maxRss = 0;
    async function* sampled(): AsyncGenerator<Buffer> {
      let n = 0;
      for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 })) {
        if (n++ % 8 === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss);
        yield chunk as Buffer;
      }
    }
    const { findings, linesSeen } = await scanLogStream(sampled(), { workspaceRoot: ws, defaultZone: 'utc' });
    maxRss = Math.max(maxRss, process.memoryUsage().rss);

    assert.equal(linesSeen, planted.lines);
    assert.equal(findings.filter((f) => f.rule === 'level_error').length, planted.errors);
    const tracebacks = findings.filter((f) => f.rule === 'python_traceback');
    assert.equal(tracebacks.length, planted.tracebacks);
    assert.ok(tracebacks.every((t) => t.frames[0]?.file === 'jobs/etl.py' && t.frames[0]?.inWorkspace));
    assert.equal(findings.length, planted.errors + planted.tracebacks);
    assert.ok(maxRss < RSS_LIMIT, `rss peaked at ${Math.round(maxRss / 1024 / 1024)} MB`);
    fs.rmSync(file);
  });
});
