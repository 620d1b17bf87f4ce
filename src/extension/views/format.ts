import type { SnapshotRecord } from '../../engine/types';

/** `just now`, `5 min ago`, `3 h ago`, `2 days ago`: the age of a snapshot as a person reads it. */
export function formatAge(thenMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 45) return 'just now';
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  return d === 1 ? '1 day ago' : `${d} days ago`;
}

/** Short age for the status bar: `5m`, `3h`, `2d`. */
export function formatShortAge(thenMs: number, nowMs: number): string {
  const min = Math.max(0, Math.floor((nowMs - thenMs) / 60_000));
  if (min < 1) return 'now';
  if (min < 60) return `${min}m`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** How a snapshot is named in titles: its label, else `baseline` for the baseline, else its id. */
export function snapshotName(s: Pick<SnapshotRecord, 'id' | 'label' | 'baseline'>): string {
  return s.label ?? (s.baseline ? 'baseline' : s.id);
}

/** Title of a native diff tab: `app.json (baseline ↔ post-incident)`. */
export function diffTitle(path: string, left: string, right: string, note?: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return `${base} (${left} ↔ ${right})${note ? ` ${note}` : ''}`;
}
