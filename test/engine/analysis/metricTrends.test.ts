import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeldText } from '../../../src/engine/analysis/changedText';
import { logTrends, structuredTrends } from '../../../src/engine/analysis/metricTrends';
import { gitBlobId } from '../../../src/engine/store/gitBlobId';
import type { FileChange, FileRole, ManifestEntry } from '../../../src/engine/types';

function held(path: string, lines: string[], firstNewLine = 1): HeldText {
  const entry = { path, type: 'file', size: 0, mode: 0o644, mtimeMs: 0, id: 'x', binary: false, stored: true } as ManifestEntry;
  return {
    change: { status: 'modified', path, additions: 0, deletions: 0, binary: false },
    path,
    entry,
    text: lines.join('\n') + '\n',
    firstNewLine,
    plain: true,
  };
}

describe('logTrends', () => {
  it('finds name=value numbers that kept moving, and says which way is worse', () => {
    const lines = [0.91, 0.88, 0.84, 0.8].map(
      (a, i) =>
        `2026-11-20T1${i}:00:00Z INFO eval: accuracy=${a} latency_ms=${900 + i * 120} loss=${(0.5 - i * 0.1).toFixed(1)} step=${i} elapsed=${i * 60}s rows=${[431, 12, 377, 90][i]}`,
    );
    const trends = logTrends([held('logs/eval.log', lines)], () => true);
    const byKey = new Map(trends.map((t) => [t.key, t]));
    assert.deepEqual(byKey.get('accuracy')?.values, [0.91, 0.88, 0.84, 0.8]);
    assert.equal(byKey.get('accuracy')?.verdict, 'worse');
    assert.equal(byKey.get('latency_ms')?.verdict, 'worse');
    assert.equal(byKey.get('latency_ms')?.line, 4);
    assert.equal(byKey.get('loss')?.verdict, 'better');
    assert.ok(!byKey.has('step') && !byKey.has('elapsed'), 'counters and running totals grow by nature');
    assert.ok(!byKey.has('rows'), 'a number that goes up and down is no trend');
    assert.deepEqual(
      trends.map((t) => t.verdict),
      ['worse', 'worse', 'better'],
      'worse first',
    );
  });

  it('reads only the new lines, and needs four values and a real change', () => {
    const old = ['accuracy=0.99', 'accuracy=0.98'];
    const fresh = ['accuracy=0.90', 'accuracy=0.89', 'accuracy=0.88'];
    assert.deepEqual(
      logTrends([held('logs/a.log', [...old, ...fresh], 3)], () => true),
      [],
      'three new values are not enough',
    );
    const tiny = ['score=100', 'score=100.1', 'score=100.2', 'score=100.3'];
    assert.deepEqual(
      logTrends([held('logs/b.log', tiny)], () => true),
      [],
      'a 0.3% move is noise',
    );
    assert.deepEqual(
      logTrends([held('src/a.py', ['accuracy=1', 'accuracy=2', 'accuracy=3', 'accuracy=4'])], (p) => p.startsWith('logs/')),
      [],
      'only logs',
    );
  });
});

describe('structuredTrends', () => {
  const blobs = new Map<string, Buffer>();
  const entry = (path: string, text: string): ManifestEntry => {
    const id = gitBlobId(Buffer.from(text));
    blobs.set(id, Buffer.from(text));
    return { path, type: 'file', size: text.length, mode: 0o644, mtimeMs: 0, id, binary: false, stored: true };
  };
  const reader = { get: async (id: string): Promise<Buffer> => blobs.get(id) ?? Buffer.alloc(0) };
  const roles = (p: string): FileRole => (p.startsWith('config/') ? 'config' : 'output');

  function stepsOf(path: string, versions: string[]): { from: { id: string }; to: { id: string }; changes: FileChange[] }[] {
    return versions.slice(1).map((text, i) => ({
      from: { id: `s${i}` },
      to: { id: `s${i + 1}` },
      changes: [
        {
          status: 'modified',
          path,
          before: entry(path, versions[i] as string),
          after: entry(path, text),
          additions: 1,
          deletions: 1,
          binary: false,
        },
      ],
    }));
  }

  it('follows numeric keys of a JSON or YAML file across the snapshots that changed it', async () => {
    const json = [0.91, 0.87, 0.83, 0.79].map((a, i) =>
      JSON.stringify({ eval: { accuracy: a, p95_ms: 800 + i * 100 }, updated_at: 1_763_800_000 + i, run: i }),
    );
    const trends = await structuredTrends(stepsOf('results/metrics.json', json), reader, roles);
    const acc = trends.find((t) => t.key === 'eval.accuracy');
    assert.deepEqual(acc?.values, [0.91, 0.87, 0.83, 0.79]);
    assert.deepEqual(acc?.at, ['s0', 's1', 's2', 's3']);
    assert.equal(acc?.verdict, 'worse');
    assert.equal(trends.find((t) => t.key === 'eval.p95_ms')?.verdict, 'worse');
    assert.ok(!trends.some((t) => t.key === 'updated_at' || t.key === 'run'), 'times and run numbers are not metrics');

    const yaml = ['queue_depth: 10\n', 'queue_depth: 40\n', 'queue_depth: 90\n'];
    assert.equal((await structuredTrends(stepsOf('state/queue.yaml', yaml), reader, roles))[0]?.verdict, 'worse');
  });

  it('leaves config files to the config analysis, and needs three versions', async () => {
    const cfg = ['{"timeout_ms": 100}', '{"timeout_ms": 200}', '{"timeout_ms": 400}'];
    assert.deepEqual(await structuredTrends(stepsOf('config/app.json', cfg), reader, roles), []);
    assert.deepEqual(await structuredTrends(stepsOf('results/m.json', ['{"accuracy": 0.9}', '{"accuracy": 0.5}']), reader, roles), []);
  });
});
