import { InputError } from '../errors';

/** Times in exports: UTC with milliseconds, the precision the timeline is recorded at. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
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
