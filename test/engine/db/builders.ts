// Test-data builders for the metadata database tests and their child-process writer.
import type { FileChange, Incident, ManifestEntry, SnapshotRecord, TimelineEvent, Trigger } from '../../../src/engine/types';

export function snapshot(id: string, overrides: Partial<SnapshotRecord> = {}): SnapshotRecord {
  return {
    id,
    label: null,
    baseline: false,
    createdAt: 1_714_560_000_000,
    manifestId: `m-${id}`,
    fileCount: 10_000,
    byteCount: 250_000_000,
    ...overrides,
  };
}

/** Deterministic pseudo-random hex, so payloads are not unrealistically compressible. */
function hexStream(seed: number): () => string {
  let state = seed >>> 0 || 1;
  return () => {
    let out = '';
    for (let i = 0; i < 5; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      out += (state >>> 0).toString(16).padStart(8, '0');
    }
    return out;
  };
}

function entry(path: string, id: string, size: number): ManifestEntry {
  return { path, type: 'file', size, mode: 0o644, mtimeMs: 1_714_560_000_000 + size, id, binary: false, stored: true };
}

/**
 * An incident shaped like a real analysis: a few dozen triggers, timeline events and
 * changed files with manifest entries, and some decisions.
 */
export function incident(id: string, overrides: Partial<Incident> = {}, seed = 1): Incident {
  const hex = hexStream(seed);
  const createdAt = overrides.createdAt ?? 1_714_560_000_000;
  const triggers: Trigger[] = Array.from({ length: 12 }, (_, i) => ({
    id: `T${i + 1}`,
    kind: i % 3 === 0 ? 'log_error' : i % 3 === 1 ? 'config_change' : 'deletion',
    severity: i % 2 === 0 ? 'error' : 'warning',
    file: `logs/run-${i}.log`,
    line: 40 + i,
    column: 1,
    endLine: 52 + i,
    message: `ZeroDivisionError: division by zero in step ${i} (${hex().slice(0, 12)})`,
    evidence: `Traceback (most recent call last):\n  File "src/pipeline/step_${i}.py", line ${10 + i}, in run\n    ratio = total / count\nZeroDivisionError: division by zero`,
    timestamp: createdAt - 60_000 + i * 1000,
    timestampEstimated: false,
    errorType: 'ZeroDivisionError',
    frames: [{ file: `src/pipeline/step_${i}.py`, line: 10 + i, function: 'run', inWorkspace: true }],
    rule: 'python_traceback',
  }));
  const changes: FileChange[] = Array.from({ length: 30 }, (_, i) => ({
    status: 'modified',
    path: `src/pipeline/module_${i}/handler_${hex().slice(0, 6)}.py`,
    before: entry(`src/pipeline/module_${i}/handler.py`, hex(), 1000 + i * 37),
    after: entry(`src/pipeline/module_${i}/handler.py`, hex(), 1100 + i * 41),
    additions: i + 3,
    deletions: i,
    binary: false,
  }));
  const timeline: TimelineEvent[] = Array.from({ length: 60 }, (_, i) => ({
    id: `E${i + 1}`,
    timestamp: createdAt - 120_000 + i * 2000,
    estimated: i % 5 === 0,
    kind: i % 4 === 0 ? 'trigger' : 'file_change',
    severity: 'warning',
    title: `modified src/pipeline/module_${i % 30}/handler.py`,
    detail: `+${i + 3} -${i} (${hex().slice(0, 10)})`,
    file: `src/pipeline/module_${i % 30}/handler.py`,
    diff: { from: 'S-base', to: 'S-post', path: `src/pipeline/module_${i % 30}/handler.py` },
  }));
  return {
    id,
    title: 'Pipeline crashed with ZeroDivisionError after config change',
    createdAt,
    severity: 'high',
    status: 'open',
    resolvedAt: null,
    baselineId: 'S-base',
    postId: 'S-post',
    snapshotIds: ['S-base', 'S-mid', 'S-post'],
    rootCause: {
      category: 'config_error',
      confidence: 0.82,
      description: 'batch_size set to 0 in config/pipeline.yaml made count zero',
      alternatives: [{ category: 'logic_error', confidence: 0.31 }],
      evidence: triggers.slice(0, 5).map((t) => ({
        kind: 'trigger' as const,
        ref: t.id,
        category: 'config_error' as const,
        description: t.message,
        file: t.file,
        line: t.line,
        weight: 0.4,
      })),
      contributingFactors: ['no validation of batch_size', 'job retried without backoff'],
      triggeringChange: {
        path: 'config/pipeline.yaml',
        status: 'modified',
        role: 'config',
        reason: 'changed key batch_size',
        keys: ['batch_size'],
      },
    },
    triggers,
    timeline,
    decisions: Array.from({ length: 20 }, (_, i) => ({
      id: `D${i + 1}`,
      timestamp: createdAt - 100_000 + i * 3000,
      timestampEstimated: false,
      kind: i % 2 === 0 ? ('plan' as const) : ('tool_call' as const),
      text: `Step ${i}: update config/pipeline.yaml to speed up the run (${hex().slice(0, 16)})`,
      file: 'agent/transcript.jsonl',
      line: i + 1,
      source: 'jsonl' as const,
    })),
    changes,
    remediation: ['Validate batch_size > 0 at load time', 'Add a guard before dividing by count'],
    signature: 'config_error:config/pipeline.yaml:ZeroDivisionError',
    repeatOf: null,
    ...overrides,
  };
}
