import type { Incident } from '../types';

export type ReportFormat = 'md' | 'json' | 'yaml';
export const REPORT_FORMATS: readonly ReportFormat[] = ['md', 'json', 'yaml'];

const MAX_SLUG = 60;

/** `Config key "retries" removed!` → `config-key-retries-removed`; ASCII only, so links and shells never need quoting. */
export function titleSlug(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = slug.length <= MAX_SLUG ? slug : slug.slice(0, MAX_SLUG).replace(/-[^-]*$/, '');
  return cut || 'incident';
}

/** `INC-0001-keyerror-in-run-log.md`. */
export function reportFileName(incident: Pick<Incident, 'id' | 'title'>, format: ReportFormat): string {
  return `${incident.id}-${titleSlug(incident.title)}.${format}`;
}
