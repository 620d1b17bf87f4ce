import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ManifestEntry } from '../../src/engine/types';
import { diffNote, explanationFor } from '../../src/extension/diffs/fileExplanation';
import { incidentMarkdown } from '../../src/extension/diffs/incidentMarkdown';
import { aRootCause, aTrigger, anIncident } from './builders';

test('the incident summary shows root cause, triggers and remediation', () => {
  const md = incidentMarkdown(
    anIncident({
      triggers: [aTrigger({ kind: 'log_error', file: 'logs/job.log', line: 12, message: 'connect ECONNREFUSED 127.0.0.1:5433' })],
      rootCause: aRootCause({ category: 'config_error', confidence: 0.82, triggeringChange: { path: 'config/app.json', status: 'modified', role: 'config', reason: 'port changed', keys: ['database.port'] } }),
      remediation: ['Restore the last known-good configuration.'],
    }),
  );
  assert.match(md, /^# INC-0001: /);
  assert.match(md, /\*\*config_error\*\* \(confidence 82%\)/);
  assert.match(md, /`config\/app.json` modified \(config\), keys `database.port`/);
  assert.match(md, /`log_error` `logs\/job.log:12`: connect ECONNREFUSED 127\.0\.0\.1:5433/);
  assert.match(md, /1\. Restore the last known-good configuration\./);
});

test('text from workspace files cannot turn into links or html in the summary', () => {
  const md = incidentMarkdown(anIncident({ title: 'see [here](http://evil) <img src=x>', triggers: [aTrigger({ kind: 'secret', file: 'a.env', message: '**bold**\n# heading' })] }));
  assert.doesNotMatch(md, /\[here\]\(/);
  assert.doesNotMatch(md, /(^|[^\\])<img/);
  assert.match(md, /\\<img/, 'shown literally');
  assert.doesNotMatch(md, /\n# heading/);
});

const entry = (fields: Partial<ManifestEntry>): ManifestEntry => ({ path: 'img/logo.png', type: 'file', size: 2048, mode: 0o644, mtimeMs: 0, id: 'a'.repeat(40), binary: false, stored: true, ...fields });

test('binary and oversized files are explained instead of diffed, with size and blob id', () => {
  assert.equal(explanationFor(entry({}), 'baseline'), null, 'text is shown as is');
  const bin = explanationFor(entry({ binary: true }), 'baseline') ?? '';
  assert.match(bin, /Binary file: img\/logo\.png/);
  assert.match(bin, /2\.0 KiB · git blob a{40}/);
  const big = explanationFor(entry({ path: 'data/dump.sql', size: 50 * 1024 * 1024, stored: false }), 'post-incident') ?? '';
  assert.match(big, /Oversized file: data\/dump\.sql/);
  assert.match(big, /maxFileSizeBytes/);
  assert.match(explanationFor(entry({ type: 'symlink', target: '../shared/app.json' }), 'x') ?? '', /→ \.\.\/shared\/app\.json/);
  assert.equal(diffNote(entry({ binary: true }), undefined), '(binary)');
  assert.equal(diffNote(entry({}), entry({ stored: false })), '(oversized)');
  assert.equal(diffNote(entry({}), entry({})), undefined);
});
