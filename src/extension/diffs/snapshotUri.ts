/**
 * Addresses of read-only documents on the `incident-replay:` scheme. A URI names where the
 * content is (workspace folder, snapshot id, path), never the content itself, so the diff
 * editor can reopen a tab after a reload by asking the store again.
 *
 *   incident-replay:/config/app.json?folder=file%3A%2F%2F%2Fws&snapshot=1a2b3c4d
 *
 * The path is the workspace-relative file path, so tab titles and language detection work as
 * for the real file. `snapshot=` (empty) stands for "no such file on this side" and serves an
 * empty document.
 */

export const SNAPSHOT_SCHEME = 'incident-replay';

export type SnapshotDocRef =
  { kind: 'file'; folder: string; snapshot: string; path: string } | { kind: 'empty'; folder: string; path: string };

/** The path and query of the URI (the scheme is always {@link SNAPSHOT_SCHEME}). */
export interface UriParts {
  path: string;
  query: string;
}

export function encodeDocRef(ref: SnapshotDocRef): UriParts {
  const q = new URLSearchParams({ folder: ref.folder });
  switch (ref.kind) {
    case 'file':
      q.set('snapshot', ref.snapshot);
      return { path: '/' + ref.path, query: q.toString() };
    case 'empty':
      q.set('snapshot', '');
      return { path: '/' + ref.path, query: q.toString() };
  }
}

/** The reference a URI carries, or null when it is not one of ours (hand-edited, truncated). */
export function decodeDocRef(parts: UriParts): SnapshotDocRef | null {
  const q = new URLSearchParams(parts.query);
  const folder = q.get('folder');
  if (!folder) return null;
  const snapshot = q.get('snapshot');
  const path = parts.path.replace(/^\/+/, '');
  if (snapshot === null || path === '') return null;
  return snapshot === '' ? { kind: 'empty', folder, path } : { kind: 'file', folder, snapshot, path };
}
