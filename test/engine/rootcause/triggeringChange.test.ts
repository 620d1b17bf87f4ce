/**
 * The triggering change is the change the failure is tied to by evidence, not the closest one:
 * each candidate says why it was chosen or rejected.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { classifyRootCause } from '../../../src/engine/rootCause/index';
import { frame, logError, TempWorkspace } from './builders';

const workspaces: TempWorkspace[] = [];
afterEach(() => {
  for (const ws of workspaces.splice(0)) ws.cleanup();
});
function workspace(files: Record<string, string>): TempWorkspace {
  const ws = new TempWorkspace(files);
  workspaces.push(ws);
  return ws;
}

const CLIENT = 'import urllib.request\nprint("fetching")\ndata = urllib.request.urlopen(URL).read()\nprint("recieved", len(data))\n';

test('an upstream 503 names no workspace file, even when the calling script changed elsewhere and a setting changed closer in time', () => {
  const ws = workspace({ 'src/client.py': CLIENT, 'config/cron.env': 'LOG_KEEP=7\n', 'README.md': '# jobs\n' });
  ws.snapshot({ 'src/client.py': CLIENT.replace('recieved', 'received'), 'README.md': '# jobs\n\nnightly\n' }, -60);
  ws.snapshot({ 'config/cron.env': 'LOG_KEEP=14\n' }, -5);
  const http503 = logError('urllib.error.HTTPError: HTTP Error 503: Service Unavailable', {
    errorType: 'urllib.error.HTTPError',
    frames: [frame('src/client.py', 3, '<module>')],
  });
  const rc = classifyRootCause(ws.input({ triggers: [http503] }));
  assert.equal(rc.category, 'external_failure');
  assert.equal(rc.triggeringChange, null, JSON.stringify(rc.triggeringChange));
  assert.ok(
    rc.contributingFactors.some((f) => /outside the workspace/.test(f)),
    rc.contributingFactors.join('\n'),
  );
  const client = rc.candidates?.find((c) => c.path === 'src/client.py');
  assert.ok(client && !client.chosen);
  assert.match(client.why, /outside the workspace|failing line did not change/);
  assert.match(rc.candidates?.find((c) => c.path === 'README.md')?.why ?? '', /documentation/);
});

test('a frame on an edited line ties the failure to that file; the same frame away from the edit does not beat the named config value', () => {
  const job =
    'import configparser\ncfg = configparser.ConfigParser()\ncfg.read("config/job.ini")\nprint("starting")\nsize = int(cfg["job"]["batch"])\n';
  const ws = workspace({ 'src/job.py': job, 'config/job.ini': '[job]\nbatch = 500\n' });
  ws.snapshot({ 'src/job.py': job.replace('print("starting")', 'print("job starting")'), 'config/job.ini': '[job]\nbatch = fifty\n' }, -10);
  const err = logError("ValueError: invalid literal for int() with base 10: 'fifty'", {
    errorType: 'ValueError',
    frames: [frame('src/job.py', 5, '<module>')],
  });
  const rc = classifyRootCause(ws.input({ triggers: [err] }));
  assert.equal(rc.category, 'config_error');
  assert.equal(rc.triggeringChange?.path, 'config/job.ini');
  assert.match(rc.triggeringChange?.reason ?? '', /fifty/);

  const edited = workspace({ 'src/job.py': job, 'config/job.ini': '[job]\nbatch = 500\n' });
  edited.snapshot(
    {
      'src/job.py': job.replace('int(cfg["job"]["batch"])', 'int(cfg["job"]["batch"]) // cfg["job"]["parts"]'),
      'config/job.ini': '[job]\nbatch = 500\nretention = 9\n',
    },
    -10,
  );
  const keyErr = logError("KeyError: 'parts'", { errorType: 'KeyError', frames: [frame('src/job.py', 5, '<module>')] });
  const rc2 = classifyRootCause(edited.input({ triggers: [keyErr] }));
  assert.equal(rc2.triggeringChange?.path, 'src/job.py');
  assert.match(rc2.triggeringChange?.reason ?? '', /stack trace of T\d+ \(src\/job\.py:5/);
});

test('an agent transcript is never the triggering change, nor data, even when it changed last and shares words with the error', () => {
  const reader = 'import json\nfor line in open("data/events.jsonl"):\n    json.loads(line)\n';
  const ws = workspace({ 'src/read.py': reader, 'data/events.jsonl': '{"id": 1}\n' });
  ws.snapshot({ 'data/events.jsonl': '{"id": 1}\n{"id": 2, "kind": "bu' }, -30);
  ws.snapshot({ '.claude/sessions/s1.jsonl': '{"type":"user","message":{"content":"json.loads Expecting value events.jsonl"}}\n' }, -1);
  const err = logError('json.decoder.JSONDecodeError: Unterminated string starting at: line 1 column 20 (char 19)', {
    errorType: 'json.decoder.JSONDecodeError',
    frames: [frame('src/read.py', 3, '<module>')],
  });
  const rc = classifyRootCause(ws.input({ triggers: [err] }));
  assert.equal(rc.category, 'data_corruption');
  assert.equal(rc.triggeringChange?.path, 'data/events.jsonl');
  const transcript = rc.candidates?.find((c) => c.path === '.claude/sessions/s1.jsonl');
  assert.ok(transcript && !transcript.chosen);
  assert.match(transcript.why, /transcript/);
  assert.ok(!rc.evidence.some((e) => e.file === '.claude/sessions/s1.jsonl'), JSON.stringify(rc.evidence));
});

test('a memory failure after a sizing value grew is resource exhaustion, triggered by that value', () => {
  const load = 'import json\ncfg = json.load(open("config/cache.json"))\ncache = bytearray(cfg["cache_mb"] * 1024 * 1024)\n';
  const ws = workspace({
    'src/load.py': load,
    'config/cache.json': '{ "cache_mb": 16, "log_level": "info" }\n',
    'docs/cache.md': '# cache\n',
  });
  ws.snapshot({ 'config/cache.json': '{ "cache_mb": 4096, "log_level": "debug" }\n', 'docs/cache.md': '# cache\n\nbigger\n' }, -5);
  const oom = logError('MemoryError', {
    errorType: 'MemoryError',
    evidence:
      'Traceback (most recent call last):\n  File "src/load.py", line 3, in <module>\n    cache = bytearray(cfg["cache_mb"] * 1024 * 1024)\nMemoryError',
    frames: [frame('src/load.py', 3, '<module>')],
  });
  const rc = classifyRootCause(ws.input({ triggers: [oom] }));
  assert.equal(rc.category, 'resource_exhaustion', JSON.stringify(rc.evidence, null, 2));
  assert.equal(rc.triggeringChange?.path, 'config/cache.json');
  assert.deepEqual(rc.alternatives.map((a) => a.category).slice(0, 1), ['config_error'], 'the runner-up is listed');
});
