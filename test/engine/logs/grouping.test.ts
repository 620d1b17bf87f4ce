/**
 * An Apache error log with thousands of repeats of a handful of messages, read through the CLI
 * as users do: each message is one trigger with its count and occurrences, not one per line.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Trigger } from '../../../src/engine/types';
import { cli, settle, TempWorkspace } from '../../support/workspace';

const spaces: TempWorkspace[] = [];
after(() => spaces.forEach((w) => w.dispose()));

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const T0 = Date.UTC(2005, 11, 4, 4, 47, 44);

/** Apache 2.2's error-log time, `Sun Dec 04 04:47:44 2005`. */
function apacheTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

interface Written {
  text: string;
  /** Line numbers of each message kind, in order. */
  lines: Record<string, number[]>;
  /** Time of each line. */
  times: number[];
}

/** Thousands of lines: three recurring errors with varying clients, paths and numbers, notices between them, one critical error. */
function apacheLog(): Written {
  const out: string[] = [];
  const lines: Record<string, number[]> = { missing: [], state: [], forbidden: [], crit: [] };
  const times: number[] = [];
  const add = (kind: string | null, ms: number, text: string): void => {
    out.push(`[${apacheTime(ms)}] ${text}`);
    times.push(ms);
    if (kind) lines[kind]?.push(out.length);
  };
  for (let i = 0; i < 3000; i++) {
    const ms = T0 + i * 1000;
    const client = `[client ${10 + (i % 200)}.${i % 7}.${(i * 13) % 250}.${(i * 7) % 250}]`;
    if (i % 5 === 0) add(null, ms, `[notice] jk2_init() Found child ${6000 + i} in scoreboard slot ${i % 10}`);
    else if (i % 5 === 1 || i % 5 === 3) add('missing', ms, `[error] ${client} File does not exist: /var/www/html/images/img_${i}.png`);
    else if (i % 5 === 2) add('state', ms, `[error] mod_jk child workerEnv in error state ${6 + (i % 3)}`);
    else add('forbidden', ms, `[error] ${client} Directory index forbidden by rule: /var/www/html/${i % 2 ? 'docs' : 'static'}/`);
    if (i === 1500) add('crit', ms, '[crit] (28)No space left on device: mod_rewrite: could not create rewrite_log_lock');
  }
  return { text: out.join('\n') + '\n', lines, times };
}

test('thousands of repeats of a few Apache errors are a handful of triggers with their counts and occurrences', async () => {
  const w = new TempWorkspace({
    'logs/error.log': '[Sun Dec 04 04:00:00 2005] [notice] Apache configured -- resuming normal operations\n',
  });
  spaces.push(w);
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  const log = apacheLog();
  w.write({ 'logs/error.log': '[Sun Dec 04 04:00:00 2005] [notice] Apache configured -- resuming normal operations\n' + log.text });
  assert.equal(cli(w, 'snapshot').code, 0);
  const r = cli(w, 'triggers', 'baseline', 'latest', '--json');
  assert.equal(r.code, 0, r.stderr);
  const triggers = (JSON.parse(r.stdout) as { triggers: Trigger[] }).triggers.filter((t) => t.file === 'logs/error.log');
  // The log's first line is the old one: the new lines start at 2.
  const at = (kind: string): number[] => (log.lines[kind] ?? []).map((n) => n + 1);
  const timeOf = (line: number): number => log.times[line - 2] ?? -1;
  const byLine = [...triggers].sort((a, b) => a.line - b.line);
  assert.deepEqual(
    byLine.map((t) => [t.line, t.count ?? 1]),
    [
      [at('missing')[0], 1200],
      [at('state')[0], 600],
      [at('forbidden')[0], 600],
      [at('crit')[0], 1],
    ],
  );
  for (const [kind, t] of [
    ['missing', byLine[0]],
    ['state', byLine[1]],
    ['forbidden', byLine[2]],
  ] as const) {
    const lines = at(kind);
    const occ = t?.occurrences ?? [];
    // The first 100 and the last; the trigger's own line is the first, at its own time.
    assert.equal(occ.length, 101, kind);
    assert.deepEqual(
      occ.slice(0, 100).map((o) => o.line),
      lines.slice(0, 100),
      kind,
    );
    assert.deepEqual(occ[100], { line: lines[lines.length - 1], timestamp: timeOf(lines[lines.length - 1] ?? 0) }, kind);
    assert.equal(t?.timestamp, timeOf(t?.line ?? 0));
    assert.equal(occ[0]?.timestamp, t?.timestamp);
    assert.equal(t?.timestampEstimated, false);
    // One error every few seconds for an hour is a steady trickle, not a burst.
    assert.equal(t?.burst, undefined);
  }
  const crit = byLine[3];
  assert.equal(crit?.occurrences, undefined);
  assert.match(crit?.message ?? '', /No space left on device/);
});

test('a burst: the same error many times within a minute is flagged, the text output shows the count', async () => {
  const w = new TempWorkspace({ 'logs/app.log': '' });
  spaces.push(w);
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  const lines: string[] = [];
  for (let i = 0; i < 40; i++)
    lines.push(
      `2024-05-20T14:02:${String(10 + (i % 40)).padStart(2, '0')}.${String(i * 7).padStart(3, '0')}Z ERROR db: connect ECONNREFUSED 10.0.0.${i % 4}:5432 (attempt ${i + 1})`,
    );
  lines.push('2024-05-20T14:05:00.000Z ERROR api: upstream returned 503 for /v1/orders/8812');
  w.write({ 'logs/app.log': lines.join('\n') + '\n' });
  assert.equal(cli(w, 'snapshot').code, 0);
  const json = JSON.parse(cli(w, 'triggers', 'baseline', 'latest', '--json').stdout) as { triggers: Trigger[] };
  const db = json.triggers.find((t) => t.message.startsWith('db:'));
  const api = json.triggers.find((t) => t.message.startsWith('api:'));
  assert.equal(db?.count, 40);
  assert.equal(db?.burst, true);
  assert.equal(db?.occurrences?.length, 40);
  assert.equal(db?.occurrences?.[39]?.timestamp, Date.parse('2024-05-20T14:02:49.273Z'));
  assert.equal(api?.count, undefined);
  const text = cli(w, 'triggers', 'baseline', 'latest');
  assert.match(text.stdout, /×40/);
});

test('an error the log already had before the window is recurring; the new one leads the incident', async () => {
  const old = [
    '2024-05-20T13:00:00.000Z INFO cache: warm',
    '2024-05-20T13:00:01.000Z ERROR cache: miss rate 0.31 above 0.25 for shard 4',
    '2024-05-20T13:00:02.000Z ERROR cache: miss rate 0.28 above 0.25 for shard 9',
  ];
  const w = new TempWorkspace({ 'logs/app.log': old.join('\n') + '\n' });
  spaces.push(w);
  assert.equal(cli(w, 'snapshot', '--baseline').code, 0);
  await settle();
  const fresh = [
    '2024-05-20T14:00:00.000Z ERROR cache: miss rate 0.33 above 0.25 for shard 2',
    '2024-05-20T14:00:05.000Z ERROR db: connect ECONNREFUSED 10.0.0.7:5432',
  ];
  w.write({ 'logs/app.log': [...old, ...fresh].join('\n') + '\n' });
  const r = cli(w, 'analyze', '--json');
  assert.equal(r.code, 0, r.stderr);
  const incident = (JSON.parse(r.stdout) as { incident: { title: string; triggers: Trigger[] } }).incident;
  const byMessage = (start: string): Trigger | undefined => incident.triggers.find((t) => t.message.startsWith(start));
  assert.equal(byMessage('cache:')?.recurring, true);
  assert.equal(byMessage('cache:')?.line, 4);
  assert.equal(byMessage('db:')?.recurring, undefined);
  // The cache error came first, but the log had it all along: the title names the new failure.
  assert.match(incident.title, /^ECONNREFUSED in logs\/app\.log/);
});
