import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { remediationFor } from '../../../src/engine/rootCause/remediation';
import { classifyRootCause, type ClassifyInput, restoreFrom, suspectTriggeringChange } from '../../../src/engine/rootCause/index';
import { decision, fileTrigger, frame, logError, pythonTraceback, TempWorkspace, warning } from './builders';

const workspaces: TempWorkspace[] = [];
afterEach(() => {
  for (const ws of workspaces.splice(0)) ws.cleanup();
});
function workspace(files: Record<string, string>): TempWorkspace {
  const ws = new TempWorkspace(files);
  workspaces.push(ws);
  return ws;
}

const SYNC_PY = 'import socket\n\ndef fetch():\n    return socket.create_connection(("127.0.0.1", 5432))\n';
const REPORT_PY = 'def build(rows):\n    total = sum(r["amount"] for r in rows)\n    return f"{total} EUR"\n';
const csvRows = (n: number): string => ['id,amount', ...Array.from({ length: n }, (_, i) => `${i},${(i * 7) % 100}`)].join('\n');

test('external failure: a refused connection with no config change behind it', () => {
  const ws = workspace({ 'src/sync.py': SYNC_PY, 'config/app.yaml': 'log_level: info\n', 'output/rows.csv': csvRows(50) });
  ws.snapshot({ 'config/app.yaml': 'log_level: debug\n', 'output/rows.csv': '' }, -30);
  const refused = logError('ConnectionRefusedError: [Errno 111] Connection refused', {
    errorType: 'ConnectionRefusedError',
    frames: [frame('src/sync.py', 4, 'fetch'), frame('/usr/lib/python3.11/socket.py', 851, 'create_connection')],
    evidence: pythonTraceback(
      [
        { file: '/ws/src/sync.py', line: 4, fn: 'fetch', code: 'return socket.create_connection(("127.0.0.1", 5432))' },
        { file: '/usr/lib/python3.11/socket.py', line: 851, fn: 'create_connection', code: 'raise exceptions[0]' },
      ],
      'ConnectionRefusedError: [Errno 111] Connection refused',
    ),
  });
  const input = ws.input({
    triggers: [
      refused,
      fileTrigger('config_change', 'config/app.yaml', 'config/app.yaml changed: log_level info → debug', -30),
      fileTrigger('empty_output', 'output/rows.csv', 'output/rows.csv is empty now', -30, 'error'),
    ],
  });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'external_failure');
  assert.ok(rc.confidence >= 0.5 && rc.confidence < 0.97, `confidence ${rc.confidence}`);
  assert.ok(
    rc.alternatives.some((a) => a.category === 'config_error'),
    'the unrelated config change stays a ranked alternative',
  );
  assert.ok(rc.evidence.some((e) => e.category === 'external_failure' && e.ref === refused.id));
  const steps = remediationFor(rc, input);
  assert.match(steps[0] ?? '', /127\.0\.0\.1:5432/);
  assert.ok(
    steps.some((s) => s.includes('src/sync.py:4')),
    'names the call site',
  );
});

test('resource exhaustion: JavaScript heap out of memory after the input grew', () => {
  const ws = workspace({
    'src/index.js': 'const rows = JSON.parse(fs.readFileSync("data/events.jsonl"))\n',
    'data/events.jsonl': '{"e":1}\n'.repeat(2000),
  });
  ws.snapshot({ 'data/events.jsonl': '{"e":1}\n'.repeat(80_000) }, -120);
  const oom = logError('FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', {
    errorType: 'HeapOutOfMemory',
    evidence: [
      '<--- Last few GCs --->',
      '[4120:0x5a1c2d0]    51234 ms: Mark-Compact 4047.9 (4130.2) -> 4032.1 (4131.4) MB, 2210.5 / 0.0 ms  (average mu = 0.123) allocation failure',
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    ].join('\n'),
  });
  const input = ws.input({ triggers: [oom] });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'resource_exhaustion');
  assert.ok(rc.confidence >= 0.5);
  const steps = remediationFor(rc, input);
  assert.ok(steps.some((s) => /heap/.test(s) && /chunks|stream/.test(s)));
  assert.ok(
    steps.some((s) => s.includes('data/events.jsonl') && /grew from/.test(s)),
    steps.join('\n'),
  );
});

test('data corruption: JSONDecodeError while reading a data file that was truncated', () => {
  const good = JSON.stringify(
    [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      { id: 3, name: 'c' },
    ],
    null,
    2,
  );
  const ws = workspace({ 'src/load.py': 'import json\nrows = json.load(open("data/input.json"))\n', 'data/input.json': good });
  ws.snapshot({ 'data/input.json': good.slice(0, 41) }, -60);
  const decode = logError("json.decoder.JSONDecodeError: Expecting ',' delimiter: line 3 column 1 (char 41)", {
    errorType: 'json.decoder.JSONDecodeError',
    frames: [frame('src/load.py', 2, '<module>'), frame('/usr/lib/python3.11/json/__init__.py', 293, 'load')],
    evidence: pythonTraceback(
      [
        { file: '/ws/src/load.py', line: 2, fn: '<module>', code: 'rows = json.load(open("data/input.json"))' },
        { file: '/usr/lib/python3.11/json/__init__.py', line: 293, fn: 'load', code: 'return loads(fp.read(),' },
      ],
      "json.decoder.JSONDecodeError: Expecting ',' delimiter: line 3 column 1 (char 41)",
    ),
  });
  const input = ws.input({ triggers: [decode] });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'data_corruption');
  assert.ok(rc.evidence.some((e) => e.file === 'data/input.json' && e.category === 'data_corruption'));
  assert.equal(rc.triggeringChange?.path, 'data/input.json');
  assert.equal(rc.triggeringChange?.role, 'data');
  const steps = remediationFor(rc, input);
  assert.ok(
    steps.some((s) => s.includes('Re-generate `data/input.json`') && s.includes('line 3, column 1')),
    steps.join('\n'),
  );
  assert.ok(
    steps.some((s) => s.includes('src/load.py:2')),
    'validation at the reader',
  );
});

test('external failure: an upstream 5xx whose message names no endpoint is advised in sentences', () => {
  const ws = workspace({ 'src/sync.js': 'fetch(cfg.api)\n' });
  const down = logError('Error: rates API answered 503 Service Unavailable', {
    errorType: 'Error',
    frames: [frame('src/sync.js', 4, 'sync')],
  });
  const input = ws.input({ triggers: [down] });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'external_failure');
  const steps = remediationFor(rc, input);
  assert.equal(
    steps[0],
    'The upstream service answered 503: retry idempotent calls with exponential backoff and jitter, and alert when it persists',
  );
  assert.deepEqual(
    steps.filter((s) => /^[a-z]/.test(s)),
    [],
  );
});

test('config error: the refused port is the one a config change just set', () => {
  const ws = workspace({ 'config/app.yaml': 'db:\n  host: localhost\n  port: 5432\n', 'src/db.py': 'import psycopg2\n' });
  ws.snapshot({ 'config/app.yaml': 'db:\n  host: localhost\n  port: 5433\n' }, -45);
  const refused = logError(
    'psycopg2.OperationalError: connection to server at "localhost" (127.0.0.1), port 5433 failed: Connection refused',
    { errorType: 'psycopg2.OperationalError', frames: [frame('src/db.py', 9, 'connect')] },
  );
  const input = ws.input({
    triggers: [refused, fileTrigger('config_change', 'config/app.yaml', 'config/app.yaml changed: db.port 5432 → 5433', -45)],
  });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'config_error');
  assert.ok(rc.alternatives[0]?.category === 'external_failure');
  assert.match(rc.description, /5433/);
  assert.deepEqual(rc.triggeringChange && { path: rc.triggeringChange.path, keys: rc.triggeringChange.keys }, {
    path: 'config/app.yaml',
    keys: ['db.port'],
  });
  const steps = remediationFor(rc, input);
  assert.equal(steps[0], 'Restore `db.port` in config/app.yaml to 5432 (now 5433) or start the service on 5433');
});

test('config error: a port the job binds, set by a config change to one another process holds', () => {
  const ws = workspace({ 'config/server.json': '{ "port": 9401 }\n', 'src/server.js': 'listen()\n' });
  ws.snapshot({ 'config/server.json': '{ "port": 9400 }\n' }, -45);
  const inUse = logError('Error: listen EADDRINUSE: address already in use 127.0.0.1:9400', {
    errorType: 'Error',
    frames: [frame('src/server.js', 4, 'listen')],
  });
  const input = ws.input({
    triggers: [inUse, fileTrigger('config_change', 'config/server.json', 'config/server.json changed: port 9401 → 9400', -45)],
  });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'config_error');
  const steps = remediationFor(rc, input);
  // Freeing the port, not starting a service on it; and said once, not again as a generic step.
  assert.equal(
    steps[0],
    'Restore `port` in config/server.json to 9401 (now 9400) or free port 9400: another process holds it (`lsof -i :9400`)',
  );
  assert.ok(!steps.some((s) => s.startsWith('Another process already holds the port')), steps.join('\n'));
});

test('config error: KeyError on a key that was removed from the config', () => {
  const ws = workspace({
    'config/settings.json': JSON.stringify({ api: { url: 'https://api.example.com', timeout_s: 10 } }, null, 2),
    'src/client.py': 'def client(cfg):\n    return cfg["api"]["timeout_s"]\n',
  });
  ws.snapshot({ 'config/settings.json': JSON.stringify({ api: { url: 'https://api.example.com' } }, null, 2) }, -10);
  const keyError = logError("KeyError: 'timeout_s'", {
    errorType: 'KeyError',
    frames: [frame('src/main.py', 3, '<module>'), frame('src/client.py', 2, 'client')],
  });
  const input = ws.input({ triggers: [keyError] });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'config_error');
  assert.ok(rc.evidence.some((e) => e.category === 'config_error' && e.description.includes('timeout_s')));
  const steps = remediationFor(rc, input);
  assert.match(steps[0] ?? '', /^Add `api\.timeout_s` back to config\/settings\.json \(it was 10\)/);
});

test('config error: a TypeError on a line that reads an environment variable renamed in .env', () => {
  const ws = workspace({
    '.env': 'DB_ADDR=localhost:5432\nLOG_LEVEL=info\n',
    'app.js': "const [host, port] = process.env.DB_ADDR.split(':');\n",
  });
  ws.snapshot({ '.env': 'DATABASE_ADDR=localhost:5432\nLOG_LEVEL=info\n' }, -10);
  const typeError = logError("Cannot read properties of undefined (reading 'split')", {
    errorType: 'TypeError',
    frames: [frame('app.js', 1, '<anonymous>')],
    // As Node prints an uncaught error: the failing source line first.
    evidence:
      "app.js:1\nconst [host, port] = process.env.DB_ADDR.split(':');\n                                         ^\nTypeError: Cannot read properties of undefined (reading 'split')",
  });
  const input = ws.input({ triggers: [typeError] });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'config_error', JSON.stringify(rc.evidence));
  assert.ok(
    rc.evidence.some((e) => e.description.includes('names `DB_ADDR`, a key removed from .env')),
    JSON.stringify(rc.evidence),
  );
  // DB_ADDR became DATABASE_ADDR with the same value: a rename, advised as one.
  const steps = remediationFor(rc, input);
  assert.equal(
    steps[0],
    'Rename `DATABASE_ADDR` back to `DB_ADDR` in .env (renamed since the baseline, same value localhost:5432), or update what still reads `DB_ADDR`',
  );
  assert.ok(!steps.some((step) => step.startsWith('Check the new key `DATABASE_ADDR`')), steps.join('\n'));
});

test('config error: a Java NullPointerException where the code reads a key removed from a properties file', () => {
  const ws = workspace({
    'conf/app.properties': 'report.title=Daily\nreport.limit=50\n',
    'src/Report.java': 'class Report {}\n',
  });
  ws.snapshot({ 'conf/app.properties': 'report.limit=50\n' }, -10);
  // Java quotes no source: only the frame says where it failed.
  const npe = logError('java.lang.NullPointerException: Cannot invoke "String.toUpperCase()" because "<local2>" is null', {
    errorType: 'java.lang.NullPointerException',
    frames: [frame('src/Report.java', 8, 'Report.main')],
  });
  const base = ws.input({ triggers: [npe] });
  // What the analysis reads at the frame (see analysis/frameSource.ts): the failing line and the line that fed it.
  const input = {
    ...base,
    frameSource: new Map([
      ['src/Report.java:8', '        String title = p.getProperty("report.title");\n        System.out.println(title.toUpperCase());'],
    ]),
  };
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'config_error', JSON.stringify(rc.evidence));
  assert.ok(
    rc.evidence.some((e) =>
      e.description.includes('where the code reads `report.title`, a key removed from conf/app.properties (it was Daily)'),
    ),
    JSON.stringify(rc.evidence),
  );
  assert.equal(rc.triggeringChange?.path, 'conf/app.properties');
  assert.match(remediationFor(rc, input)[0] ?? '', /^Add `report\.title` back to conf\/app\.properties \(it was Daily\)/);
  // Without the source, nothing ties the NullPointerException to the key.
  assert.ok(!classifyRootCause(base).evidence.some((e) => e.description.includes('where the code reads')));
});

test('resource exhaustion: a job killed by its time limit after its input grew is advised about that growth, whatever its size', () => {
  const ws = workspace({ 'process.py': 'rows = open("data/queue.txt").read().split()\n', 'data/queue.txt': 'x\n'.repeat(2000) });
  ws.snapshot({ 'data/queue.txt': 'x\n'.repeat(4000) }, -10);
  const timedOut = logError('timeout 2 python3 process.py exited with code 124', { file: '.incident-replay/runs/r.jsonl' });
  const input = ws.input({ triggers: [timedOut] });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'resource_exhaustion', JSON.stringify(rc.evidence));
  const steps = remediationFor(rc, input);
  assert.equal(
    steps[0],
    'The job ran past its time limit after `data/queue.txt` grew from 3.9 KiB to 7.8 KiB since the baseline: process less per run or in batches, make the slow step faster, or raise the limit if the work legitimately grew',
  );
});

test('a job stopped by its time limit after its runs slowed down run after run: the slowdown is evidence and advice', () => {
  const ws = workspace({ 'process.py': 'rows = open("data/queue.txt").read().split()\n', 'data/queue.txt': 'x\n'.repeat(2000) });
  ws.snapshot({ 'data/queue.txt': 'x\n'.repeat(4000) }, -10);
  const timedOut = logError('timeout 2 python3 process.py exited with code 124', { file: '.incident-replay/runs/r.jsonl' });
  const knownGood = { snapshot: 'S0', at: 'night-4:after', job: 'timeout 2 python3 process.py', runStart: 'S1' };
  const slowing = {
    ...ws.input({ triggers: [timedOut] }),
    knownGood: { ...knownGood, durations: [240, 470, 980, 1610], failedAfterMs: 2004 },
  };
  const rc = classifyRootCause(slowing);
  assert.equal(rc.category, 'resource_exhaustion');
  const said =
    '`timeout 2 python3 process.py` took 240 ms, 470 ms, 980 ms and 1.6 s in its last 4 runs that worked (6.7× slower), then was stopped after 2.0 s';
  assert.ok(
    rc.evidence.some((e) => e.category === 'resource_exhaustion' && e.description === said),
    JSON.stringify(rc.evidence),
  );
  assert.ok(
    rc.alternatives.some((a) => a.category === 'drift'),
    JSON.stringify(rc.alternatives),
  );
  assert.ok((remediationFor(rc, slowing)[0] ?? '').includes(`; ${said}: process less per run`), remediationFor(rc, slowing)[0]);
  // Times that go up and down are no trend; nor is a failure other than running out of time.
  const noisy = classifyRootCause({ ...slowing, knownGood: { ...knownGood, durations: [900, 300, 1200, 500], failedAfterMs: 2004 } });
  assert.ok(!noisy.evidence.some((e) => e.description.includes('runs that worked')));
  const crash = logError('ValueError: bad row', { file: '.incident-replay/runs/r.jsonl' });
  const other = classifyRootCause({ ...slowing, triggers: [crash] });
  assert.ok(!other.evidence.some((e) => e.description.includes('runs that worked')));
});

test("a failing test whose frames run into changed code: the test failed in that file (a tool's failure is not raised)", () => {
  const ws = workspace({
    'src/calc.py': 'def average(xs):\n    return sum(xs) / len(xs)\n',
    'tests/test_calc.py': 'def test_average(): ...\n',
  });
  ws.snapshot({ 'src/calc.py': 'def average(xs):\n    return sum(xs) / (len(xs) - 3)\n' }, -10);
  const failed = logError('tests/test_calc.py::test_average - ZeroDivisionError: division by zero', {
    errorType: 'test failed',
    frames: [frame('tests/test_calc.py', 7, 'test_average'), frame('src/calc.py', 2, 'average')],
  });
  const rc = classifyRootCause(ws.input({ triggers: [failed] }));
  assert.equal(rc.category, 'logic_error');
  assert.ok(
    rc.evidence.some((e) => e.description === 'test failed in src/calc.py:2, a file changed since the baseline'),
    JSON.stringify(rc.evidence),
  );
});

test('a failing test after a code change: review the change, and no advice to write the test that already fails', () => {
  const ws = workspace({ 'src/pricing.py': 'RATES = {"silver": 0.1}\n', 'tests/test_pricing.py': 'def test_cases(): ...\n' });
  ws.snapshot({ 'src/pricing.py': 'RATES = {"silver": 0.15}\n' }, -10);
  const failed = logError('FAILED tests/test_pricing.py::test_cases - AssertionError: assert 42.5 == 45.0', {
    frames: [frame('tests/test_pricing.py', 7, 'test_cases')],
  });
  const input = ws.input({ triggers: [failed] });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'logic_error', JSON.stringify(rc.evidence));
  const steps = remediationFor(rc, input);
  assert.match(steps[0] ?? '', /^Review the change to `src\/pricing\.py`/);
  assert.ok(!steps.some((step) => step.startsWith('Add a regression test that reproduces')), steps.join('\n'));
});

test('a key removed and another added with a common value (true) are two changes, not a rename', () => {
  const ws = workspace({
    '.env': 'USE_CACHE=true\n',
    'app.js': 'if (process.env.USE_CACHE !== "true") throw new Error("USE_CACHE must be set");\n',
  });
  ws.snapshot({ '.env': 'ENABLE_TRACING=true\n' }, -10);
  const error = logError('Error: USE_CACHE must be set', { frames: [frame('app.js', 1, '<anonymous>')] });
  const input = ws.input({ triggers: [error] });
  const steps = remediationFor(classifyRootCause(input), input);
  assert.ok(steps.includes('Add `USE_CACHE` back to .env (it was true) or make the code that reads it cope without it'), steps.join('\n'));
  assert.ok(!steps.some((step) => step.startsWith('Rename')), steps.join('\n'));
});

test('a failure to reach something after the setting of where the job connects changed is that change, though the error names no host', () => {
  const ws = workspace({
    'service.json': JSON.stringify({ api: { host: 'localhost', retries: 3 } }),
    'fetch.py': 'import socket\nsocket.getaddrinfo(host, 443)\n',
  });
  const gaierror = logError('socket.gaierror: [Errno -2] Name or service not known', {
    errorType: 'socket.gaierror',
    frames: [frame('fetch.py', 2, '<module>')],
  });
  // Only a retry count changed: a name that does not resolve is not its doing.
  ws.snapshot({ 'service.json': JSON.stringify({ api: { host: 'localhost', retries: 5 } }) }, -20);
  assert.equal(classifyRootCause(ws.input({ triggers: [gaierror] })).category, 'external_failure');
  ws.snapshot({ 'service.json': JSON.stringify({ api: { host: 'api.payments.invalid', retries: 5 } }) }, -10);
  const rc = classifyRootCause(ws.input({ triggers: [gaierror] }));
  assert.equal(rc.category, 'config_error', JSON.stringify(rc.evidence));
  assert.ok(
    rc.evidence.some(
      (e) =>
        e.description ===
        '`api.host` in service.json, where the job connects, changed from localhost to api.payments.invalid before socket.gaierror',
    ),
    JSON.stringify(rc.evidence),
  );
  assert.equal(rc.triggeringChange?.path, 'service.json');
  assert.match(rc.triggeringChange?.reason ?? '', /`api\.host`, where the job connects, changed before T\d+ failed to reach it/);
});

test('logic error: TypeError raised in a source file changed since the baseline', () => {
  const ws = workspace({ 'src/report.py': REPORT_PY, 'src/main.py': 'from report import build\n' });
  ws.snapshot({ 'src/report.py': REPORT_PY.replace('return f"{total} EUR"', 'return total + " EUR"') }, -90);
  const typeError = logError("TypeError: unsupported operand type(s) for +: 'int' and 'str'", {
    errorType: 'TypeError',
    frames: [frame('src/main.py', 12, '<module>'), frame('src/report.py', 3, 'build')],
  });
  const input = ws.input({ triggers: [typeError] });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'logic_error');
  assert.ok(rc.evidence.some((e) => e.description === 'TypeError raised in src/report.py:3, a file changed since the baseline'));
  assert.equal(rc.triggeringChange?.path, 'src/report.py');
  const steps = remediationFor(rc, input);
  assert.match(steps[0] ?? '', /^Review the change to `src\/report\.py` \(\+1 −1 lines\) around line 3, where TypeError was raised/);
});

test('the evidence names where the window starts: the baseline, the last commit, where the job last worked', () => {
  const ws = workspace({ 'src/report.py': REPORT_PY, 'src/main.py': 'from report import build\n' });
  ws.snapshot({ 'src/report.py': REPORT_PY.replace('return f"{total} EUR"', 'return total + " EUR"') }, -90);
  const typeError = logError("TypeError: unsupported operand type(s) for +: 'int' and 'str'", {
    errorType: 'TypeError',
    frames: [frame('src/main.py', 12, '<module>'), frame('src/report.py', 3, 'build')],
  });
  const described = (extra: Partial<ClassifyInput>): string[] => {
    const input = { ...ws.input({ triggers: [typeError] }), ...extra };
    const rc = classifyRootCause(input);
    return [...rc.evidence.map((e) => e.description), ...rc.contributingFactors];
  };
  const raised = (since: string) => `TypeError raised in src/report.py:3, a file changed ${since}`;
  assert.ok(described({ since: 'baseline' }).includes(raised('since the baseline')));
  assert.ok(described({ since: 'git:HEAD' }).includes(raised('since the last commit')));
  const lastWorked = described({
    since: 'night-1:after',
    knownGood: { snapshot: 'S0', at: 'night-1:after', job: 'python3 src/main.py', runStart: 'S1' },
  });
  assert.ok(lastWorked.includes(raised('since it last worked (night-1:after)')), lastWorked.join('\n'));
  assert.ok(!lastWorked.some((d) => d.includes('since the baseline')), lastWorked.join('\n'));
});

test('advice restores a deleted file from where the window starts, with the command that does it', () => {
  const ws = workspace({ 'src/calc.py': 'def total(xs):\n    return sum(xs)\n', 'src/main.py': 'from calc import total\n' });
  ws.snapshot({ 'src/calc.py': null }, -10);
  const missing = logError("ModuleNotFoundError: No module named 'calc'", {
    errorType: 'ModuleNotFoundError',
    frames: [frame('src/main.py', 1, '<module>')],
  });
  const advice = (extra: Partial<ClassifyInput>): string => {
    const input = { ...ws.input({ triggers: [missing] }), ...extra };
    return remediationFor(classifyRootCause(input), input)[0] ?? '';
  };
  assert.match(
    advice({}),
    /^Restore `src\/calc\.py` from the baseline \(`incident-replay restore baseline --path src\/calc\.py --force`\)/,
  );
  assert.match(
    advice({ since: 'git:HEAD' }),
    /^Restore `src\/calc\.py` from the last commit \(`incident-replay restore git:HEAD --path src\/calc\.py --force`\)/,
  );
  assert.match(
    advice({ since: 'night-1:after', knownGood: { snapshot: 'S0', at: 'night-1:after', job: 'python3 src/main.py', runStart: 'S1' } }),
    /^Restore `src\/calc\.py` from night-1:after, where it last worked \(`incident-replay restore night-1:after --path src\/calc\.py --force`\)/,
  );
  // A path a shell would split is quoted.
  assert.match(restoreFrom(ws.input({ triggers: [missing] }), "my data/it's.csv"), /--path 'my data\/it'"'"'s\.csv' --force/);
});

test('drift: output shrinking and warnings growing over five snapshots, no error', () => {
  const ws = workspace({ 'src/filter.py': 'MIN = 10\n', 'output/summary.csv': csvRows(200), 'logs/app.log': 'INFO start\n' });
  const warnings = [];
  let log = 'INFO start\n';
  for (let i = 1; i <= 4; i++) {
    log += `WARNING ${i * 40} rows dropped: price below minimum\n`;
    ws.snapshot(
      {
        'output/summary.csv': csvRows(200 - i * 35),
        'logs/app.log': log,
        ...(i % 2 === 0 ? { 'src/filter.py': `MIN = ${10 + i}\n` } : {}),
      },
      -400 + i * 60,
    );
    warnings.push(warning(`${i * 40} rows dropped: price below minimum`, -400 + i * 60));
  }
  const input = ws.input({ triggers: warnings });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'drift');
  assert.ok(rc.evidence.some((e) => e.category === 'drift' && e.file === 'output/summary.csv'));
  assert.ok(rc.contributingFactors.includes('no error surfaced across 5 snapshots'));
  const steps = remediationFor(rc, input);
  assert.ok(
    steps.some((s) => s.startsWith('Compare `output/summary.csv` across the window: it kept shrinking')),
    steps.join('\n'),
  );
  assert.ok(steps.some((s) => s.includes('4 warnings')));
});

test('the triggering change is the file the trace names, even when another change is closer in time', () => {
  const ws = workspace({ 'src/report.py': REPORT_PY, 'config/app.yaml': 'retries: 3\n' });
  ws.snapshot({ 'src/report.py': `${REPORT_PY}# edited\n` }, -600);
  ws.snapshot({ 'config/app.yaml': 'retries: 4\n' }, -1);
  const typeError = logError("TypeError: 'NoneType' object is not iterable", {
    errorType: 'TypeError',
    frames: [frame('src/report.py', 2, 'build')],
  });
  const tc = suspectTriggeringChange(ws.input({ triggers: [typeError] }));
  assert.equal(tc?.path, 'src/report.py');
  assert.match(tc?.reason ?? '', /stack trace of T\d+ \(src\/report\.py:2/);
  // Without the frame, the closest change before the error wins.
  const bare = logError('job failed with status 1', { at: 0 });
  const closest = suspectTriggeringChange(ws.input({ triggers: [bare] }));
  assert.equal(closest?.path, 'config/app.yaml');
  assert.deepEqual(closest?.keys, ['retries']);
  assert.match(closest?.reason ?? '', /1 s before the first error/);
});

test('equally close unnamed changes: config before code before data', () => {
  const ws = workspace({ 'config/job.toml': 'batch = 10\n', 'src/job.py': 'run()\n', 'data/rows.csv': csvRows(5) });
  ws.snapshot({ 'config/job.toml': 'batch = 20\n', 'src/job.py': 'run(fast=True)\n', 'data/rows.csv': csvRows(6) }, -5);
  const failed = logError('job failed with status 1');
  const tc = suspectTriggeringChange(ws.input({ triggers: [failed] }));
  assert.equal(tc?.path, 'config/job.toml');
  assert.deepEqual(tc?.keys, ['batch']);
  const ws2 = workspace({ 'src/job.py': 'run()\n', 'data/rows.csv': csvRows(5) });
  ws2.snapshot({ 'src/job.py': 'run(fast=True)\n', 'data/rows.csv': csvRows(6) }, -5);
  assert.equal(suspectTriggeringChange(ws2.input({ triggers: [failed] }))?.path, 'src/job.py');
});

test('conflicting evidence gives lower confidence than agreeing evidence; one weak signal stays low', () => {
  const base = { 'src/report.py': REPORT_PY, 'config/app.yaml': 'db:\n  port: 5432\n', 'data/in.csv': csvRows(100) };
  const typeError = (): ReturnType<typeof logError> =>
    logError("TypeError: unsupported operand type(s) for +: 'int' and 'str'", {
      errorType: 'TypeError',
      frames: [frame('src/report.py', 3, 'build')],
    });

  const agreeing = workspace(base);
  agreeing.snapshot({ 'src/report.py': `${REPORT_PY}x = 1\n` }, -30);
  const a = classifyRootCause(agreeing.input({ triggers: [typeError()] }));

  const conflicting = workspace(base);
  conflicting.snapshot(
    { 'src/report.py': `${REPORT_PY}x = 1\n`, 'config/app.yaml': 'db:\n  port: 6543\n', 'data/in.csv': csvRows(3) },
    -30,
  );
  const c = classifyRootCause(
    conflicting.input({
      triggers: [typeError(), logError('Error: connect ECONNREFUSED 10.0.0.9:6379', { errorType: 'ECONNREFUSED', at: 5 })],
    }),
  );
  assert.equal(a.category, 'logic_error');
  assert.ok(c.alternatives.length >= 2);
  assert.ok(c.confidence < a.confidence, `conflicting ${c.confidence} vs agreeing ${a.confidence}`);

  const weak = workspace({ 'src/app.py': 'x\n' });
  weak.snapshot({ 'src/app.py': 'y\n' }, -5);
  const w = classifyRootCause(weak.input({ triggers: [logError('request timed out', { severity: 'warning' })] }));
  assert.equal(w.category, 'external_failure');
  assert.ok(w.confidence < 0.5, `one weak signal gave ${w.confidence}`);
});

test('decisions and window facts become contributing factors', () => {
  const ws = workspace({ 'src/report.py': REPORT_PY });
  ws.snapshot({ 'src/report.py': `${REPORT_PY}# v2\n` }, -300);
  ws.snapshot({ 'src/report.py': `${REPORT_PY}# v3\n` }, -200);
  ws.snapshot({ 'src/report.py': `${REPORT_PY}# v4\n` }, -100);
  const err = (): ReturnType<typeof logError> =>
    logError("AttributeError: 'NoneType' object has no attribute 'items'", {
      errorType: 'AttributeError',
      frames: [frame('src/report.py', 2)],
    });
  const input = ws.input({
    triggers: [err(), err(), err()],
    decisions: [decision('D4', 'Skipping the test suite to save time, pushing directly', -250)],
  });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'logic_error');
  assert.ok(
    rc.contributingFactors.some((f) => f.startsWith('the agent skipped validation (D4')),
    rc.contributingFactors.join('\n'),
  );
  assert.ok(rc.contributingFactors.some((f) => /no error surfaced for 3 snapshots/.test(f)));
  assert.ok(rc.contributingFactors.some((f) => /repeated 3 times/.test(f)));
  // Three copies of one error are one fact: they must not triple the score.
  const single = classifyRootCause(ws.input({ triggers: [err()] }));
  assert.ok(rc.confidence - single.confidence < 0.15);
});

test('a config that no longer parses is a config error whatever the job then says', () => {
  const ws = workspace({ 'config/app.json': '{"port": 8080}\n', 'src/server.js': 'require("../config/app.json")\n' });
  ws.snapshot({ 'config/app.json': '{"port": 8080,\n "host": }\n' }, -20);
  const err = logError('SyntaxError: /ws/config/app.json: Unexpected token \'}\', ..."\\n "host": }" is not valid JSON', {
    errorType: 'SyntaxError',
  });
  const input = ws.input({
    triggers: [err, fileTrigger('config_change', 'config/app.json', 'config/app.json changed and no longer parses', -20, 'error')],
  });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'config_error');
  assert.ok(rc.contributingFactors.includes('config/app.json no longer parses'));
  const steps = remediationFor(rc, input);
  assert.match(steps[0] ?? '', /^Fix the syntax of `config\/app\.json`: it no longer parses \(.*line 2/);
});

test('remediation never shows a secret config value', () => {
  const ws = workspace({ '.env': 'DB_PASSWORD=old-secret-1\nDB_HOST=db.internal\n' });
  ws.snapshot({ '.env': 'DB_PASSWORD=new-secret-2\nDB_HOST=db.internal\n' }, -5);
  const auth = logError('psycopg2.OperationalError: FATAL:  password authentication failed for user "app"', {
    errorType: 'psycopg2.OperationalError',
  });
  const input = ws.input({ triggers: [auth] });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'config_error');
  const text = [...remediationFor(rc, input), rc.description, ...rc.evidence.map((e) => e.description)].join('\n');
  assert.ok(text.includes('`DB_PASSWORD`'));
  assert.ok(!/secret-[12]/.test(text), text);
});

test('nothing to go on: zero confidence and no invented evidence', () => {
  const ws = workspace({ 'README.md': '# x\n' });
  const rc = classifyRootCause(ws.input());
  assert.equal(rc.confidence, 0);
  assert.deepEqual(rc.evidence, []);
  assert.equal(rc.triggeringChange, null);
});

test('config error from an unstructured manifest: the missing module left requirements.txt', () => {
  const ws = workspace({ 'requirements.txt': 'requests==2.31.0\npandas==2.2.1\n', 'src/fetch.py': 'import requests\n' });
  ws.snapshot({ 'requirements.txt': 'pandas==2.2.1\n' }, -50);
  const missing = logError("ModuleNotFoundError: No module named 'requests'", {
    errorType: 'ModuleNotFoundError',
    frames: [frame('src/fetch.py', 1, '<module>')],
  });
  const input = ws.input({ triggers: [missing] });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'config_error');
  assert.equal(rc.triggeringChange?.path, 'requirements.txt');
  const steps = remediationFor(rc, input);
  assert.ok(
    steps.some((s) => s.includes('`requirements.txt`') && s.includes('requests==2.31.0')),
    steps.join('\n'),
  );
  assert.ok(steps.some((s) => s.startsWith('Install `requests`')));
});

test('data corruption: the input the job opens was deleted', () => {
  const ws = workspace({
    'data/customers.csv': csvRows(20),
    'src/etl.py': 'open("data/customers.csv")\n',
    'config/etl.yaml': 'batch: 10\n',
  });
  ws.snapshot({ 'data/customers.csv': null, 'config/etl.yaml': 'batch: 12\n' }, -15);
  const missing = logError("FileNotFoundError: [Errno 2] No such file or directory: 'data/customers.csv'", {
    errorType: 'FileNotFoundError',
    frames: [frame('src/etl.py', 1, '<module>')],
  });
  const input = ws.input({
    triggers: [
      missing,
      fileTrigger('deletion', 'data/customers.csv', 'data/customers.csv was deleted (data file, 180 bytes)', -15, 'error'),
    ],
  });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'data_corruption');
  assert.equal(rc.triggeringChange?.path, 'data/customers.csv');
  assert.equal(rc.triggeringChange?.status, 'removed');
  assert.match(
    remediationFor(rc, input)[0] ?? '',
    /^Restore `data\/customers\.csv` from the baseline \(`incident-replay restore baseline --path data\/customers\.csv --force`\)/,
  );
});

test('data corruption: KeyError on a column that a data change renamed, not a config error', () => {
  const ws = workspace({
    'data/prices.csv': 'sku,price,qty\na,1,2\n',
    'src/total.py': 'df["price"].sum()\n',
    'config/app.yaml': 'currency: EUR\n',
  });
  ws.snapshot({ 'data/prices.csv': 'sku,cost,qty\na,1,2\n', 'config/app.yaml': 'currency: USD\n' }, -40);
  const keyError = logError("KeyError: 'price'", { errorType: 'KeyError', frames: [frame('src/total.py', 1, '<module>')] });
  const input = ws.input({ triggers: [keyError] });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'data_corruption');
  assert.equal(rc.triggeringChange?.path, 'data/prices.csv');
  assert.ok(remediationFor(rc, input).some((s) => s.includes('`data/prices.csv`') && s.includes("'price'") && s.includes('sku,price,qty')));
});

test('resource exhaustion after a memory limit was lowered: remediation restores the key', () => {
  const ws = workspace({ 'deploy/job.yaml': 'resources:\n  limits:\n    memory: 512Mi\n', 'src/job.py': 'run()\n' });
  ws.snapshot({ 'deploy/job.yaml': 'resources:\n  limits:\n    memory: 128Mi\n' }, -300);
  const killed = logError('worker exited: OOMKilled (exit code 137)', { errorType: 'SIGKILL' });
  const input = ws.input({ triggers: [killed] });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'resource_exhaustion');
  assert.equal(rc.alternatives[0]?.category, 'config_error');
  const steps = remediationFor(rc, input);
  assert.ok(
    steps.some((s) => s.startsWith('Restore `resources.limits.memory` in deploy/job.yaml to 512Mi (now 128Mi)')),
    steps.join('\n'),
  );
});

test('known-good start: a crash after the job last worked, with only a config value changed in between, is the config', () => {
  const ws = workspace({ 'native.py': 'import ctypes, json\n', 'opts.json': '{"buffer": 512}\n', 'out/result.txt': 'ok\n' });
  // Between the run that worked (S0) and the failing run's start (S1) only the config changed; the run itself (S1 → S2) wrote its output.
  ws.snapshot({ 'opts.json': '{"buffer": 4096}\n' }, -20).snapshot({ 'out/result.txt': '' }, -1);
  const crash = logError('python3 native.py was killed by SIGSEGV', { file: '.incident-replay/runs/1-ab.jsonl' });
  const plain = classifyRootCause(ws.input({ triggers: [crash] }));
  const known = classifyRootCause({
    ...ws.input({ triggers: [crash] }),
    knownGood: { snapshot: 'S0', at: 'night-1:after', job: 'python3 native.py', runStart: 'S1' },
  });
  assert.equal(plain.category, 'logic_error', JSON.stringify(plain.evidence));
  assert.equal(known.category, 'config_error', JSON.stringify(known.evidence));
  const cited = known.evidence.find((e) => e.kind === 'snapshot');
  assert.match(cited?.description ?? '', /worked at night-1:after; of what it reads, only opts\.json changed before this run started/);
  assert.equal(known.triggeringChange?.path, 'opts.json');
  assert.match(known.triggeringChange?.reason ?? '', /only opts\.json changed since it last worked \(night-1:after\)/);
  // What the failing run wrote itself is not a difference between the two runs' inputs.
  assert.doesNotMatch(cited?.description ?? '', /result\.txt/);
});

test('a module that cannot be imported after the workspace file providing it was deleted is that deletion, not a dependency to install', () => {
  const ws = workspace({ 'src/calc.py': 'def total(xs):\n    return sum(xs)\n', 'src/main.py': 'from calc import total\n' });
  ws.snapshot({ 'src/calc.py': null }, -10);
  const missing = (module: string) =>
    logError(`ModuleNotFoundError: No module named '${module}'`, {
      errorType: 'ModuleNotFoundError',
      frames: [frame('src/main.py', 1, '<module>')],
    });
  const input = ws.input({ triggers: [missing('calc')] });
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'logic_error', JSON.stringify(rc.evidence));
  assert.equal(rc.triggeringChange?.path, 'src/calc.py');
  const steps = remediationFor(rc, input);
  assert.match(
    steps[0] ?? '',
    /^Restore `src\/calc\.py` from the baseline \(`incident-replay restore baseline --path src\/calc\.py --force`\)/,
  );
  assert.ok(!steps.some((s) => /Install `calc`/.test(s)), steps.join('\n'));

  // A third-party module is still a dependency to install.
  const dep = classifyRootCause(ws.input({ triggers: [missing('requests')] }));
  assert.equal(dep.category, 'config_error', JSON.stringify(dep.evidence));
});

test('permission denied on a file whose own mode did not change points at its folder too', () => {
  const ws = workspace({ 'job.py': 'open("out/report.csv", "w")\n', 'out/report.csv': 'a\n', 'data/in.csv': 'a\n1\n' });
  ws.snapshot({ 'out/report.csv': null }, -10);
  const denied = (p: string) =>
    logError(`PermissionError: [Errno 13] Permission denied: '${p}'`, {
      errorType: 'PermissionError',
      frames: [frame('job.py', 1, '<module>')],
    });
  const steps = (p: string): string[] => {
    const input = ws.input({ triggers: [denied(p)] });
    return remediationFor(classifyRootCause(input), input);
  };
  // The output is gone: the job could not create it again, so its folder refuses new files.
  assert.ok(
    steps('out/report.csv').includes(
      'Make the folder `out` writable for the user the job runs as: `out/report.csv` is gone and the job could not create it there (`ls -ld out`)',
    ),
    steps('out/report.csv').join('\n'),
  );
  assert.ok(
    steps('data/in.csv').includes(
      'Fix the permissions of `data/in.csv`, or of its folder `data`, for the user the job runs as (`ls -ld data data/in.csv`)',
    ),
    steps('data/in.csv').join('\n'),
  );
});

test('permission denied on a file whose mode alone changed is a configuration error, fixed by restoring the mode', () => {
  const ws = workspace({ 'load.py': 'print(open("data/in.csv").read())\n', 'data/in.csv': 'a,b\n1,2\n' });
  ws.chmod('data/in.csv', 0o000, -10);
  const denied = logError("PermissionError: [Errno 13] Permission denied: 'data/in.csv'", {
    errorType: 'PermissionError',
    frames: [frame('load.py', 1, '<module>')],
  });
  const input = ws.input({ triggers: [denied] });
  assert.deepEqual(
    input.changes.map((c) => [c.status, c.path]),
    [['mode_changed', 'data/in.csv']],
  );
  const rc = classifyRootCause(input);
  assert.equal(rc.category, 'config_error', JSON.stringify(rc.evidence));
  assert.match(rc.description, /data\/in\.csv, a file whose permissions changed since the baseline \(644 → 000\)/);
  assert.equal(rc.triggeringChange?.path, 'data/in.csv');
  assert.match(
    remediationFor(rc, input)[0] ?? '',
    /^Restore the permissions of `data\/in\.csv` \(644 → 000 since the baseline\): `chmod 644 data\/in\.csv`/,
  );
});
