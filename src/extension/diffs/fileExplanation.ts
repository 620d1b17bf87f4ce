import type { ManifestEntry } from '../../engine/types';
import { formatBytes } from '../../model/format';

/**
 * What a diff side shows instead of content that has no meaningful line diff. Each side
 * states size and blob id, so the diff of two explanations still tells what changed.
 * Null when the entry's text can be shown as is.
 */
export function explanationFor(e: ManifestEntry, snapshotName: string): string | null {
  if (e.type === 'symlink')
    return `Symbolic link ${e.path} → ${e.target ?? '(unknown target)'}\n(snapshot ${snapshotName}; links are recorded, never followed)\n`;
  if (!e.stored) {
    return [
      `Oversized file: ${e.path}`,
      `Size: ${formatBytes(e.size)} · git blob ${e.id}`,
      `Snapshot: ${snapshotName}`,
      '',
      'It was over the snapshot size limit (maxFileSizeBytes) when captured, so only its size and',
      'blob id were recorded: there is no content to compare.',
      '',
    ].join('\n');
  }
  if (e.binary) {
    return [
      `Binary file: ${e.path}`,
      `Size: ${formatBytes(e.size)} · git blob ${e.id}`,
      `Snapshot: ${snapshotName}`,
      '',
      'Binary files have no line diff; compare the size and blob id with the other side.',
      '',
    ].join('\n');
  }
  return null;
}

/** Whether a diff of these two sides is an explanation rather than text (for the tab title). */
export function diffNote(a: ManifestEntry | undefined, b: ManifestEntry | undefined): string | undefined {
  const sides = [a, b].filter((e): e is ManifestEntry => e !== undefined);
  if (sides.some((e) => e.type === 'file' && !e.stored)) return '(oversized)';
  if (sides.some((e) => e.type === 'file' && e.binary)) return '(binary)';
  return undefined;
}
