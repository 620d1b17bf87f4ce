import { minimatch } from 'minimatch';
import type { EngineConfig } from '../config/types';
import type { configKeyChanges as ConfigKeyChangesFn } from '../rootCause/configKeys';
import type { DraftTrigger, FileChange, FileRole, SnapshotRecord } from '../types';
import type { OutputRecords } from './outputRecords';
import { plural } from '../../model/format';

export type KeyChanges = ReturnType<typeof ConfigKeyChangesFn>;

export interface FileTriggerInput {
  changes: readonly FileChange[];
  post: SnapshotRecord;
  /** When each removed path was last seen, and the snapshot where it was gone. */
  removedAt: ReadonlyMap<string, number>;
  /** Paths the file watcher saw change, with when: their times are real, not estimated. */
  watched?: ReadonlyMap<string, number>;
  configKeys: ReadonlyMap<string, KeyChanges>;
  /** Records of the changed outputs that are not zero bytes (see outputRecords.ts). */
  outputRecords?: ReadonlyMap<string, { before: OutputRecords | null; after: OutputRecords }>;
  roles: (path: string) => FileRole;
  config: EngineConfig;
}

/** A finding before it gets its id (ids are given once every trigger is known and sorted). */
export function matchesAny(path: string, globs: readonly string[]): boolean {
  return globs.some((g) => minimatch(path, g, { dot: true, matchBase: !g.includes('/') }));
}

/** Triggers that come from the shape of the change alone: deletions, config edits, empty outputs, growth. */
export function fileTriggers(input: FileTriggerInput): DraftTrigger[] {
  const { config } = input;
  const t = config.triggers;
  const out: DraftTrigger[] = [];
  for (const c of input.changes) {
    const role = input.roles(c.path);
    if (c.status === 'removed') {
      if (matchesAny(c.path, t.deletionAllow)) continue;
      const important = role === 'config' || role === 'code' || role === 'data';
      out.push({
        kind: 'deletion',
        severity: important ? 'error' : 'warning',
        file: c.path,
        line: 1,
        column: 1,
        endLine: 1,
        message: `${c.path} was deleted (${role} file, ${c.before?.size ?? 0} bytes)`,
        evidence: `deleted: ${c.path}`,
        timestamp: input.removedAt.get(c.path) ?? input.post.createdAt,
        timestampEstimated: !input.watched?.has(c.path),
        rule: 'unexpected_deletion',
      });
      continue;
    }
    const after = c.after;
    if (!after) continue;

    if (role === 'config' && (c.status === 'modified' || c.status === 'added')) {
      const keys = input.configKeys.get(c.path) ?? [];
      const broken = keys.some((k) => k.key === '<parse error>');
      const shown = keys
        .filter((k) => k.key !== '<parse error>')
        .slice(0, 5)
        .map((k) =>
          k.change === 'changed'
            ? `${k.key} ${k.before ?? ''} → ${k.after ?? ''}`
            : k.change === 'added'
              ? `${k.key} added (${k.after ?? ''})`
              : `${k.key} removed`,
        );
      const more = keys.length > 5 ? ` and ${keys.length - 5} more` : '';
      out.push({
        kind: 'config_change',
        severity: broken ? 'error' : 'warning',
        file: c.path,
        line: firstChangedLine(c),
        column: 1,
        endLine: firstChangedLine(c),
        message: broken
          ? `${c.path} ${c.status === 'added' ? 'was created and' : 'changed and'} no longer parses`
          : `${c.path} ${c.status === 'added' ? 'was created' : 'changed'}${shown.length ? ': ' + shown.join(', ') + more : ''}`,
        evidence: excerptOfPatch(c.patch),
        timestamp: after.mtimeMs,
        timestampEstimated: false,
        rule: broken ? 'config_parse_error' : 'config_modified',
      });
    }

    if (after.type === 'file' && after.size === 0 && matchesAny(c.path, t.outputGlobs)) {
      const wasFull = c.status === 'modified' && (c.before?.size ?? 0) > 0;
      out.push({
        kind: 'empty_output',
        severity: wasFull ? 'error' : 'warning',
        file: c.path,
        line: 1,
        column: 1,
        endLine: 1,
        message: wasFull ? `${c.path} is empty now (was ${c.before?.size ?? 0} bytes)` : `${c.path} was created empty`,
        evidence: wasFull ? `size ${c.before?.size ?? 0} → 0 bytes` : 'size 0 bytes',
        timestamp: after.mtimeMs,
        timestampEstimated: false,
        rule: wasFull ? 'output_emptied' : 'output_created_empty',
      });
    }

    // Not zero bytes, but nothing in it: a CSV with only its header, `[]`, `{}`, blank lines.
    const records = input.outputRecords?.get(c.path);
    const had = records?.before?.count ?? 0;
    if (records && records.after.count === 0 && (c.status === 'added' || had > 0)) {
      const holds = records.after.headerOnly ? 'only its header line' : `no ${records.after.unit}s`;
      const wasFull = c.status === 'modified';
      out.push({
        kind: 'empty_output',
        severity: wasFull ? 'error' : 'warning',
        file: c.path,
        line: 1,
        column: 1,
        endLine: 1,
        message: wasFull
          ? `${c.path} holds ${holds} now (had ${plural(had, records.before?.unit ?? records.after.unit)})`
          : `${c.path} was created with ${holds}`,
        evidence: `${wasFull ? `${had} → ` : ''}0 ${records.after.unit}s, ${plural(after.size, 'byte')}`,
        timestamp: after.mtimeMs,
        timestampEstimated: false,
        rule: wasFull ? 'output_emptied' : 'output_created_empty',
      });
    }

    const before = c.before;
    if (
      c.status === 'modified' &&
      before &&
      before.size > 0 &&
      after.size >= t.sizeGrowthMinBytes &&
      after.size >= before.size * t.sizeGrowthFactor
    ) {
      const factor = after.size / before.size;
      out.push({
        kind: 'size_growth',
        severity: 'warning',
        file: c.path,
        line: 1,
        column: 1,
        endLine: 1,
        message: `${c.path} grew ${factor.toFixed(1)}× (${before.size} → ${after.size} bytes)`,
        evidence: `size ${before.size} → ${after.size} bytes`,
        timestamp: after.mtimeMs,
        timestampEstimated: false,
        rule: 'size_growth',
      });
    }
  }
  return out;
}

/** The first line a patch adds or changes, in the new file (1 when unknown). */
export function firstChangedLine(c: FileChange): number {
  if (!c.patch) return 1;
  let line = 0;
  for (const l of c.patch.split('\n')) {
    const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(l);
    if (m) {
      line = Number(m[1]);
      continue;
    }
    if (line === 0) continue;
    if (l.startsWith('+')) return line;
    if (l.startsWith('-')) return line;
    if (l.startsWith(' ')) line++;
  }
  return 1;
}

function excerptOfPatch(patch: string | undefined): string {
  if (!patch) return '';
  return patch
    .split('\n')
    .filter((l) => (l.startsWith('+') || l.startsWith('-')) && !l.startsWith('+++') && !l.startsWith('---'))
    .slice(0, 12)
    .join('\n');
}
