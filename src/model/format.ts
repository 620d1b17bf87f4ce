/**
 * Numbers and durations as people read them, the same in the CLI, the extension, the webview and
 * every export. Bytes are binary units named as such (KiB, MiB), since every size we show is a
 * count of 1024s.
 */

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** `512 B`, `1.5 KiB`, `70 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${BYTE_UNITS[i]}`;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `850 ms`, `1.2 s`, `12 s`, `3 min 5 s`, `2 h 10 min`, `3 d 4 h`: how long something took. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 10_000) return `${sign}${(abs / 1000).toFixed(1)} s`;
  const s = Math.round(abs / 1000);
  if (s < 60) return `${sign}${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${sign}${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${sign}${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  return `${sign}${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`;
}

/**
 * `850 ms`, `12.345 s`, `3 min 04.500 s`, `2 h 05 min`, `3 d 04 h`: a gap on a timeline, kept to
 * the millisecond the timeline is recorded at.
 */
export function formatPreciseDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(Math.round(ms));
  if (abs < 1000) return `${sign}${abs} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(3)} s`;
  const s = Math.floor(abs / 1000);
  if (abs < 3_600_000) return `${sign}${Math.floor(s / 60)} min ${pad(s % 60)}.${pad(abs % 1000, 3)} s`;
  const m = Math.floor(s / 60);
  if (abs < 86_400_000) return `${sign}${Math.floor(m / 60)} h ${pad(m % 60)} min`;
  const h = Math.floor(m / 60);
  return `${sign}${Math.floor(h / 24)} d ${pad(h % 24)} h`;
}

/** `1 file`, `3 files`; `plural(2, 'entry', 'entries')`. */
/** `644 → 755`: permission bits as `ls -l` and `chmod` write them. */
export function formatModeChange(before: number, after: number): string {
  const octal = (m: number): string => m.toString(8).padStart(3, '0');
  return `${octal(before)} → ${octal(after)}`;
}

/**
 * How an analysis names where its window starts (an incident's `since`), and so what advice
 * restores from: the baseline, the last commit when git's HEAD stood in for one, the snapshot
 * where the job last worked, or the snapshot named.
 */
export function startWords(since: string | undefined, lastWorked?: string): string {
  if (lastWorked !== undefined) return `${lastWorked} (where it last worked)`;
  if (since === undefined || since === 'baseline') return 'the baseline';
  if (since === 'git:HEAD') return 'the last commit';
  return since;
}

/** "since the baseline", "since it last worked (night-1:after)": see {@link startWords}. */
export function sinceWords(since: string | undefined, lastWorked?: string): string {
  return lastWorked !== undefined ? `since it last worked (${lastWorked})` : `since ${startWords(since)}`;
}

/** Quotes an argument for a POSIX shell, when it needs quoting at all. */
export function shellQuote(arg: string): string {
  if (/^[\w@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'"'"'`)}'`;
}

/** `text` with its first letter upper-case, for a sentence whose first word was filled in ("the upstream service answered..."). */
export function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `a, b, c and 2 more`. */
export function listSome(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
