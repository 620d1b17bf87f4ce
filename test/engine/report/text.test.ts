import assert from 'node:assert/strict';
import { test } from 'node:test';
import { code, codeBlock, inline, table } from '../../../src/engine/report/markdownText';
import { mermaidLabel, timelineDiagram } from '../../../src/engine/report/mermaidTimeline';
import { reportFileName, titleSlug } from '../../../src/engine/report/reportFile';
import { formatMoney, parseSinceDate, quarterOf } from '../../../src/engine/report/timeText';
import { fileHref, fileLink, linkBase } from '../../../src/engine/report/workspaceLinks';
import { InputError } from '../../../src/engine/errors';
import type { TimelineEvent } from '../../../src/engine/types';

test('log text shows as typed in markdown: no tables broken, no HTML, no links', () => {
  assert.equal(inline('a | b <script>x</script> [x](y) *z* _w_'), 'a \\| b &lt;script&gt;x&lt;/script&gt; \\[x\\](y) \\*z\\* \\_w\\_');
  assert.equal(inline('line one\n  line two'), 'line one line two');
  // The redaction mark stays readable and recognisable.
  assert.equal(inline('key AKIA…[redacted 16 chars] here'), 'key AKIA…[redacted 16 chars] here');
  assert.equal(table(['a', 'b'], [['1', '2']]), '| a | b |\n| --- | --- |\n| 1 | 2 |');
});

test('a code block cannot be closed by backticks inside it', () => {
  const block = codeBlock('before\n```\nafter', 'text');
  assert.ok(block.startsWith('````text\n'));
  assert.ok(block.endsWith('\n````'));
  assert.equal(code('a `b` c'), '``a `b` c``');
});

test('links are relative to the report folder and encode odd file names', () => {
  const base = linkBase('/ws/docs/incidents', '/ws');
  assert.equal(base.toRoot, '../..');
  assert.equal(fileHref(base, 'config/app.json'), '../../config/app.json');
  assert.equal(fileHref(base, 'logs/job.log', 5), '../../logs/job.log#L5');
  assert.equal(fileHref(base, 'my dir/a#b (1).txt'), '../../my%20dir/a%23b%20(1).txt');
  assert.equal(fileLink(base, 'logs/job_1.log', 5), '[logs/job\\_1.log:5](../../logs/job_1.log#L5)');
  assert.equal(fileHref(linkBase('/ws', '/ws'), 'a.txt'), 'a.txt');
});

test('durations, money and quarters do not depend on the locale or time zone', () => {
  assert.equal(formatMoney(1234567.5), '$1,234,567.50');
  assert.equal(formatMoney(-20), '-$20.00');
  assert.equal(quarterOf(Date.UTC(2024, 2, 31, 23, 59)), '2024-Q1');
  assert.equal(quarterOf(Date.UTC(2024, 3, 1)), '2024-Q2');
});

test('report file names are INC id plus an ASCII slug of the title', () => {
  assert.equal(
    titleSlug('KeyError in run.log after config/settings.json changed'),
    'keyerror-in-run-log-after-config-settings-json-changed',
  );
  assert.equal(titleSlug('Überlauf — «données»!'), 'uberlauf-donnees');
  assert.equal(titleSlug('!!!'), 'incident');
  assert.ok(titleSlug('word '.repeat(40)).length <= 60);
  assert.equal(reportFileName({ id: 'INC-0007', title: 'Disk full' }, 'yaml'), 'INC-0007-disk-full.yaml');
});

test('--since takes a calendar date or an ISO time and rejects anything else with what to type', () => {
  assert.equal(parseSinceDate('2024-05-01'), Date.UTC(2024, 4, 1));
  assert.equal(parseSinceDate('2024-05-01T12:30:00Z'), Date.UTC(2024, 4, 1, 12, 30));
  for (const bad of ['yesterday', '2024-02-30', '05/01/2024', '']) {
    assert.throws(
      () => parseSinceDate(bad),
      (e: unknown) => e instanceof InputError && /YYYY-MM-DD/.test(e.message),
      bad,
    );
  }
});

function event(i: number, kind: TimelineEvent['kind'], title = `event ${i}`): TimelineEvent {
  return { id: `E${i}`, timestamp: Date.UTC(2024, 4, 20, 14, 0, 0, i), estimated: i % 2 === 0, kind, title };
}

test('the mermaid diagram escapes label text and caps the events, keeping triggers and decisions', () => {
  assert.equal(mermaidLabel('say "hi" <b>#1</b> & `x`'), 'say #34;hi#34; #60;b#62;#35;1#60;/b#62; #38; #96;x#96;');
  const events = [
    ...Array.from({ length: 40 }, (_, i) => event(i, 'file_change')),
    event(41, 'trigger', 'KeyError: "retries"'),
    event(42, 'decision', 'Decision: drop the key'),
  ];
  const d = timelineDiagram(events, 10);
  assert.equal(d.shown, 10);
  assert.equal(d.total, 42);
  assert.ok(d.source.startsWith('flowchart TD\n'));
  assert.match(d.source, /KeyError: #34;retries#34;/);
  assert.match(d.source, /Decision: drop the key/);
  // Every node line is `id["label"]:::kind` with no raw quote inside the label.
  for (const line of d.source.split('\n').filter((l) => /^\s+e\d+\[/.test(l))) {
    assert.match(line, /^\s+e\d+\["[^"]*"\]:::[a-z_]+$/, line);
  }
  assert.match(d.source, /~est\./, 'estimated times are marked');
});
