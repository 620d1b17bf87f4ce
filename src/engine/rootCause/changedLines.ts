import type { ClassifyInput } from './input';
import { textHas } from './textMatch';

export interface LineHit {
  path: string;
  token: string;
  line: string;
}

/** The added and removed lines of a unified diff, trimmed, without their `+`/`-` and without file headers. */
function* changedLines(patch: string): Generator<string> {
  for (const raw of patch.split('\n')) {
    if (/^[+-](?![+-]{2} )/.test(raw)) yield raw.slice(1).trim();
  }
}

const COMMON_TOKENS = new Set([
  'from',
  'true',
  'false',
  'null',
  'none',
  'this',
  'that',
  'with',
  'install',
  'version',
  'latest',
  'require',
  'import',
  'python',
  'error',
]);

/** Distinctive tokens of the changed lines of config files that have no key structure. */
export function configLineTokens(input: Pick<ClassifyInput, 'changes' | 'configKeys' | 'roles'>): LineHit[] {
  const out: LineHit[] = [];
  for (const c of input.changes) {
    if (!c.patch || input.configKeys.has(c.path) || input.roles(c.path) !== 'config') continue;
    const seen = new Set<string>();
    for (const line of changedLines(c.patch)) {
      for (const token of line.split(/[^\w.-]+/)) {
        const t = token.replace(/^[.-]+|[.-]+$/g, '');
        const distinctive = (t.length >= 5 && /[a-z]/i.test(t)) || (/[_.-]/.test(t) && t.length >= 4 && /[a-z]/i.test(t));
        if (!distinctive || COMMON_TOKENS.has(t.toLowerCase()) || seen.has(t)) continue;
        seen.add(t);
        out.push({ path: c.path, token: t, line });
      }
    }
  }
  return out;
}

/**
 * For changed config files that have no key structure (requirements.txt, Dockerfile, Makefile):
 * a distinctive token of a changed line that the error text names (`No module named 'requests'`
 * after `requests==2.31` left requirements.txt).
 */
export function namedConfigLines(
  text: string,
  input: Pick<ClassifyInput, 'changes' | 'configKeys' | 'roles'>,
  tokens?: readonly LineHit[],
): LineHit[] {
  return (tokens ?? configLineTokens(input)).filter((h) => textHas(text, h.token));
}

/** Changed data file → tokens of its first changed lines, each with the line it came from. */
export type DataTokens = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** Only the first changed lines of a data file are read: headers and schemas come first, rows are many. */
const DATA_LINES_READ = 200;

export function dataLineTokens(input: Pick<ClassifyInput, 'changes' | 'roles'>): DataTokens {
  const out = new Map<string, Map<string, string>>();
  for (const c of input.changes) {
    if (!c.patch || input.roles(c.path) !== 'data') continue;
    const tokens = new Map<string, string>();
    let read = 0;
    for (const line of changedLines(c.patch)) {
      if (++read > DATA_LINES_READ) break;
      for (const token of line.split(/[^\w.-]+/)) if (token.length >= 2 && !tokens.has(token)) tokens.set(token, line);
    }
    if (tokens.size) out.set(c.path, tokens);
  }
  return out;
}

const QUOTED_NAME = /['"`]([\w.-]{2,60})['"`]/g;

/** Quoted names in an error text (`KeyError: 'price'`) found among the tokens of changed data lines. */
export function dataHitsIn(text: string, dataTokens: DataTokens): LineHit[] {
  if (dataTokens.size === 0) return [];
  const hits: LineHit[] = [];
  const names = new Set([...text.matchAll(QUOTED_NAME)].map((m) => m[1] ?? ''));
  for (const [path, tokens] of dataTokens) {
    for (const name of names) {
      const line = tokens.get(name);
      if (line !== undefined && !/^\d+$/.test(name)) hits.push({ path, token: name, line });
    }
  }
  return hits;
}

/** Quoted names in an error text that appear on changed lines of data files. */
export function namedDataLines(text: string, input: ClassifyInput): LineHit[] {
  return dataHitsIn(text, dataLineTokens(input));
}
