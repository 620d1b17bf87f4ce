import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointsIn, errorSignals, httpStatusIn, parsePositionIn, unresolvedHostsIn } from '../../../src/engine/rootCause/errorSignals';
import { errorLine, errorMessage } from '../../../src/engine/rootCause/triggers';
import type { RootCauseCategory } from '../../../src/engine/types';

/** The category with the most weight in a text's signals. */
function strongest(text: string, errorType?: string): RootCauseCategory | undefined {
  const totals = new Map<RootCauseCategory, number>();
  for (const s of errorSignals(text, errorType)) totals.set(s.category, (totals.get(s.category) ?? 0) + s.weight);
  return [...totals].sort((a, b) => b[1] - a[1])[0]?.[0];
}

test('real error lines point to the category a person would name', () => {
  const cases: [string, RootCauseCategory, string?][] = [
    ['ConnectionRefusedError: [Errno 111] Connection refused', 'external_failure'],
    ['Error: connect ECONNREFUSED 127.0.0.1:5432', 'external_failure'],
    ['dial tcp 10.0.0.5:6379: connect: connection refused', 'external_failure'],
    ['getaddrinfo ENOTFOUND api.example.com', 'external_failure'],
    ['socket.gaierror: [Errno -2] Name or service not known', 'external_failure'],
    ['requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: https://api.example.com/v1', 'external_failure'],
    ['Error: socket hang up', 'external_failure', 'ECONNRESET'],
    ['grpc: context deadline exceeded', 'external_failure'],
    ['FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', 'resource_exhaustion'],
    ['MemoryError', 'resource_exhaustion', 'MemoryError'],
    ['Exception in thread "main" java.lang.OutOfMemoryError: Java heap space', 'resource_exhaustion'],
    ['Killed', 'resource_exhaustion'],
    ["Error: EMFILE: too many open files, open '/tmp/x'", 'resource_exhaustion'],
    ['OSError: [Errno 28] No space left on device', 'resource_exhaustion'],
    ["openai.BadRequestError: Error code: 400 - {'error': {'code': 'context_length_exceeded'}}", 'resource_exhaustion'],
    ['json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)', 'data_corruption'],
    ['SyntaxError: Unexpected end of JSON input', 'data_corruption'],
    ['pandas.errors.ParserError: Error tokenizing data. C error: Expected 3 fields in line 5, saw 4', 'data_corruption'],
    ['ValueError: data/orders.csv line 5: expected 3 fields, saw 4', 'data_corruption'],
    ['parse error: record on line 5: wrong number of fields', 'data_corruption'],
    ['CSV error: record 4 (line: 5, byte: 60): found record with 4 fields, but the previous record has 3 fields', 'data_corruption'],
    ["UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte", 'data_corruption'],
    ['sqlite3.DatabaseError: database disk image is malformed', 'data_corruption'],
    ['error: checksum mismatch for model.bin', 'data_corruption'],
    ["KeyError: 'DATABASE_URL'", 'config_error'],
    ['Error: Missing required environment variable STRIPE_KEY', 'config_error'],
    ['django.core.exceptions.ImproperlyConfigured: SECRET_KEY setting must not be empty', 'config_error'],
    ['error: unknown option `--fast`', 'config_error'],
    ["TypeError: unsupported operand type(s) for +: 'int' and 'str'", 'logic_error'],
    ["AttributeError: 'NoneType' object has no attribute 'items'", 'logic_error'],
    ["TypeError: Cannot read properties of undefined (reading 'map')", 'logic_error'],
    ['ReferenceError: total is not defined', 'logic_error'],
    ['AssertionError: expected 3 rows, got 2', 'logic_error'],
    ['ZeroDivisionError: division by zero', 'logic_error'],
    ['Exception in thread "main" java.lang.NullPointerException', 'logic_error'],
    ["thread 'main' panicked at src/main.rs:4:5: called `Option::unwrap()` on a `None` value", 'logic_error'],
    ['panic: runtime error: index out of range [5] with length 3', 'logic_error'],
    ['RecursionError: maximum recursion depth exceeded', 'logic_error'],
  ];
  for (const [text, category, errorType] of cases) assert.equal(strongest(text, errorType), category, text);
});

test('recursion depth also carries a weaker resource signal', () => {
  const signals = errorSignals('RangeError: Maximum call stack size exceeded');
  const logic = signals.find((s) => s.category === 'logic_error');
  const resource = signals.find((s) => s.category === 'resource_exhaustion');
  assert.ok(logic && resource && logic.weight > resource.weight);
});

test('a rate limit is external, an exhausted quota is resource exhaustion', () => {
  assert.equal(strongest('HTTP 429 Too Many Requests: rate limit exceeded, retry after 20s'), 'external_failure');
  const quota = errorSignals('RateLimitError: Error code: 429 - You exceeded your current quota (insufficient_quota)');
  assert.deepEqual(
    quota.map((s) => s.category),
    ['resource_exhaustion'],
  );
});

test('benign text gives no signal, and matches are cut to a readable length', () => {
  assert.deepEqual(errorSignals('INFO processed 120 rows in 3.2s'), []);
  assert.deepEqual(errorSignals('Killed 3 stale workers during cleanup'), []);
  // A pytest node id has no length bound, so its rule can match far more than a reader wants.
  const long = errorSignals(`FAILED tests/${'deep/'.repeat(60)}test_io.py::test_roundtrip - AssertionError`);
  assert.ok(long.length > 0, 'the failed-test rule matches');
  assert.ok(
    long.every((s) => s.match.length <= 120),
    long.map((s) => s.match.length).join(', '),
  );
  assert.ok(long.some((s) => s.match.startsWith('FAILED tests/deep/')));
});

test('details for remediation sentences: endpoints without credentials, hosts, status, position', () => {
  assert.deepEqual(endpointsIn('connect ECONNREFUSED 127.0.0.1:5432'), ['127.0.0.1:5432']);
  assert.deepEqual(endpointsIn('could not connect to postgres://admin:hunter2@db.internal:5432/app'), ['postgres://db.internal:5432/app']);
  assert.deepEqual(endpointsIn('connection to server at "localhost" (127.0.0.1), port 5433 failed'), ['localhost:5433']);
  assert.deepEqual(endpointsIn('sock = socket.create_connection(("10.1.2.3", 6379))'), ['10.1.2.3:6379']);
  assert.deepEqual(unresolvedHostsIn('Error: getaddrinfo ENOTFOUND api.example.com'), ['api.example.com']);
  assert.equal(httpStatusIn('503 Server Error: Service Unavailable for url'), 503);
  assert.equal(httpStatusIn('all good'), null);
  assert.equal(parsePositionIn("Expecting ',' delimiter: line 3 column 1 (char 41)"), 'line 3, column 1');
  assert.equal(parsePositionIn('Unexpected token } in JSON at position 42'), 'position 42');
  // The code's own line is not where the data stopped parsing.
  const traceback = [
    'Traceback (most recent call last):',
    '  File "/tmp/job/pipeline.py", line 7, in <module>',
    '    total = sum(float(r["amount"]) for r in rows)',
    "ValueError: could not convert string to float: ''",
  ].join('\n');
  assert.equal(parsePositionIn(traceback), null);
  assert.equal(
    parsePositionIn(`  File "load.py", line 3, in <module>\njson.decoder.JSONDecodeError: Expecting value: line 1 column 5 (char 4)`),
    'line 1, column 5',
  );
  assert.equal(parsePositionIn('malformed JSON string, at character offset 0 at import.pl line 12.'), 'position 0');
  assert.equal(parsePositionIn('./run.sh: line 5: syntax error near unexpected token'), null);
});

test("a trigger's error line names its type once", () => {
  assert.equal(
    errorLine({ errorType: 'ValueError', message: "ValueError: could not convert string to float: ''" }),
    "ValueError: could not convert string to float: ''",
  );
  assert.equal(
    errorLine({ errorType: 'TypeError', message: "Cannot read properties of undefined (reading 'x')" }),
    "TypeError: Cannot read properties of undefined (reading 'x')",
  );
  assert.equal(errorLine({ message: 'disk full' }), 'disk full');
});

test("a trigger's message without the type some tools repeat before it", () => {
  assert.equal(
    errorMessage({ errorType: 'ValueError', message: "ValueError: could not convert string to float: ''" }),
    "could not convert string to float: ''",
  );
  assert.equal(errorMessage({ errorType: 'TypeError', message: 'items.sum is not a function' }), 'items.sum is not a function');
});

test('a timeout that names nothing outside the job is its own time budget; one waiting on a service is external', () => {
  const own = errorSignals('ERROR: timeout after 30s processing data/events.jsonl (96140 bytes)');
  assert.deepEqual(
    own.map((s) => [s.category, s.signal, s.match]),
    [['resource_exhaustion', 'time_budget', 'timeout after 30s']],
  );
  assert.equal(strongest('Task timed out after 900.00 seconds'), 'resource_exhaustion');
  // A log line's clock is not an address.
  assert.equal(strongest('2026-12-07 17:13:28,114 ERROR nightly: timed out after 2h'), 'resource_exhaustion');
  for (const remote of [
    'request timed out',
    'TimeoutError: timed out connecting to 10.0.0.7:5432',
    'curl: (28) Operation timed out after 1001 milliseconds with 0 bytes received',
    'timeout after 30s waiting for https://api.example.com/v1/orders',
    'timed out talking to cache.internal:6379',
    'requests.exceptions.ReadTimeout: HTTPSConnectionPool(host=api.example.com, port=443): Read timed out.',
  ])
    assert.equal(strongest(remote), 'external_failure', remote);
});
