import { InputError } from '../errors';

/** Times in exports: UTC with milliseconds, the precision the timeline is recorded at. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** `850 ms`, `12.345 s`, `3m 04.500s`, `2h 05m`, `3d 04h`. */
export function formatDurationMs(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(Math.round(ms));
  if (abs < 1000) return `${sign}${abs} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(3)} s`;
  const s = Math.floor(abs / 1000);
  if (abs < 3_600_000) return `${sign}${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}.${String(abs % 1000).padStart(3, '0')}s`;
  const m = Math.floor(s / 60);
  if (abs < 86_400_000) return `${sign}${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
  const h = Math.floor(m / 60);
  return `${sign}${Math.floor(h / 24)}d ${String(h % 24).padStart(2, '0')}h`;
}

/** `2024-Q2`, in UTC so a report means the same quarter wherever it is generated. */
export function quarterOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

/** `1,234.50` without locale dependence, so reports and golden files are the same everywhere. */
export function formatMoney(amount: number): string {
  const [whole, frac] = Math.abs(amount).toFixed(2).split('.');
  const grouped = (whole ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${amount < 0 ? '-' : ''}$${grouped}.${frac ?? '00'}`;
}

/** `2024-05-01` (midnight UTC) or a full ISO 8601 time; anything else is a usage error that says what to type. */
export function parseSinceDate(raw: string): number {
  const text = raw.trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dateOnly ? `${text}T00:00:00Z` : text);
  const isIso = dateOnly || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text);
  if (!isIso || !Number.isFinite(ms) || (dateOnly && new Date(ms).toISOString().slice(0, 10) !== text)) {
    throw new InputError(`--since ${JSON.stringify(raw)} is not a date: use YYYY-MM-DD (UTC) or an ISO time like 2024-05-01T12:00:00Z`);
  }
  return ms;
}
