import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { configKeyChanges } from '../../../src/engine/rootCause/configKeys';
import { configKeysReadBy } from '../../../src/engine/rootCause/namedKeys';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ir-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes both versions to disk and compares what was read back, as the analyzer does. */
function keysOf(name: string, before: string | null, afterText: string | null): ReturnType<typeof configKeyChanges> {
  const read = (version: string, text: string | null): string | null => {
    if (text === null) return null;
    const file = path.join(dir, version, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return fs.readFileSync(file, 'utf8');
  };
  return configKeyChanges(name, read('before', before), read('after', afterText));
}

test('JSON: nested keys as dotted paths, arrays by index', () => {
  const changes = keysOf(
    'config/app.json',
    JSON.stringify({ db: { host: 'localhost', port: 5432 }, workers: 4, tags: ['a', 'b'], debug: true }, null, 2),
    JSON.stringify({ db: { host: 'localhost', port: 5433 }, tags: ['a', 'c'], debug: true, retries: 3 }, null, 2),
  );
  assert.deepEqual(changes, [
    { key: 'db.port', before: '5432', after: '5433', change: 'changed' },
    { key: 'workers', before: '4', change: 'removed' },
    { key: 'tags[1]', before: 'b', after: 'c', change: 'changed' },
    { key: 'retries', after: '3', change: 'added' },
  ]);
});

test('JSON with comments and trailing commas (tsconfig, VS Code settings) still parses', () => {
  const changes = keysOf('tsconfig.json', '{\n  // strict\n  "strict": true,\n}\n', '{\n  /* loose */ "strict": false,\n}\n');
  assert.deepEqual(changes, [{ key: 'strict', before: 'true', after: 'false', change: 'changed' }]);
});

test('YAML: nested maps and lists, via the yaml package', () => {
  const changes = keysOf(
    'config/app.yaml',
    'db:\n  host: db.internal\n  port: 5432\nfeatures:\n  - search\n  - export\n',
    'db:\n  host: db.internal\n  port: 5433\nfeatures:\n  - search\n',
  );
  assert.deepEqual(changes, [
    { key: 'db.port', before: '5432', after: '5433', change: 'changed' },
    { key: 'features[1]', before: 'export', change: 'removed' },
  ]);
});

test('TOML: tables, dotted and quoted keys, arrays of tables, comments', () => {
  const before = [
    'title = "job"',
    '[server]',
    'port = 8080 # public',
    'hosts = [',
    '  "a", "b",',
    ']',
    '[[worker]]',
    'name = "w1"',
    '[[worker]]',
    'name = "w2"',
    '[limits."memory"]',
    'max = "512M"',
  ].join('\n');
  const afterText = before
    .replace('port = 8080', 'port = 9090')
    .replace('name = "w2"', 'name = "w3"')
    .replace('max = "512M"', "max = '2G'");
  assert.deepEqual(keysOf('pyproject.toml', before, afterText), [
    { key: 'server.port', before: '8080', after: '9090', change: 'changed' },
    { key: 'worker[1].name', before: 'w2', after: 'w3', change: 'changed' },
    { key: 'limits.memory.max', before: '512M', after: '2G', change: 'changed' },
  ]);
});

test('INI: sections, both separators, comments', () => {
  const changes = keysOf(
    'setup.cfg',
    '; settings\n[database]\nhost = localhost\nport: 5432\n\n[log]\nlevel = info\n',
    '[database]\nhost = localhost\nport: 6543\n[log]\n',
  );
  assert.deepEqual(changes, [
    { key: 'database.port', before: '5432', after: '6543', change: 'changed' },
    { key: 'log.level', before: 'info', change: 'removed' },
  ]);
});

test('.env: export prefix, quotes and comments', () => {
  const changes = keysOf(
    '.env',
    '# local\nexport DATABASE_URL="postgres://app@localhost:5432/app"\nLOG_LEVEL=info\n',
    'DATABASE_URL="postgres://app@localhost:5433/app" # moved\nLOG_LEVEL=info\nFEATURE_X=1\n',
  );
  assert.deepEqual(changes, [
    { key: 'DATABASE_URL', before: 'postgres://app@localhost:5432/app', after: 'postgres://app@localhost:5433/app', change: 'changed' },
    { key: 'FEATURE_X', after: '1', change: 'added' },
  ]);
});

test('a config that no longer parses is one <parse error> entry with the parser message', () => {
  const json = keysOf('config/app.json', '{"port": 5432}', '{"port": 5432,\n "host": }');
  assert.equal(json.length, 1);
  assert.equal(json[0]?.key, '<parse error>');
  assert.equal(json[0]?.change, 'changed');
  assert.match(json[0]?.after ?? '', /line 2/);

  const yaml = keysOf('config/app.yaml', 'db:\n  port: 1\n', 'db:\n  port: 1\n   host: x: y\n');
  assert.equal(yaml[0]?.key, '<parse error>');
  assert.match(yaml[0]?.after ?? '', /line \d/);

  assert.equal(keysOf('app.toml', 'a = 1\n', 'a = \n')[0]?.key, '<parse error>');
  assert.equal(keysOf('app.ini', '[s]\na=1\n', '[s]\nthis line is broken\n')[0]?.key, '<parse error>');
  assert.equal(keysOf('.env.local', 'A=1\n', 'A=1\nnot an assignment\n')[0]?.key, '<parse error>');
});

test('created and deleted config files list every key; unknown formats give nothing', () => {
  assert.deepEqual(keysOf('config/new.yaml', null, 'a: 1\nb:\n  c: x\n'), [
    { key: 'a', after: '1', change: 'added' },
    { key: 'b.c', after: 'x', change: 'added' },
  ]);
  assert.deepEqual(keysOf('config/old.json', '{"a": {"b": 2}}', null), [{ key: 'a.b', before: '2', change: 'removed' }]);
  assert.deepEqual(keysOf('Dockerfile', 'FROM node:18\n', 'FROM node:20\n'), []);
  assert.deepEqual(keysOf('config/same.json', '{"a": 1}', '{ "a": 1 }'), []);
});

test('an old version that did not parse makes every current key count as added', () => {
  assert.deepEqual(keysOf('config/fixed.json', '{"a": ', '{"a": 1}'), [{ key: 'a', after: '1', change: 'added' }]);
});

test('the keys a piece of code reads: quoted, or as members of a settings object or by a setting-shaped name', () => {
  const changes = configKeyChanges(
    'config/app.json',
    JSON.stringify({ quota: 40, total: 1, batch_size: 8, db: { port: 5432 }, title: 'Daily' }),
    JSON.stringify({ total: 2, batch_size: 16, db: { port: 5433 }, title: 'Nightly' }),
  );
  const env = configKeyChanges('.env', 'DB_ADDR=localhost:5432\n', 'LOG_LEVEL=info\n');
  const keys = new Map([
    ['config/app.json', changes],
    ['.env', env],
  ]);
  const read = (code: string): string[] => configKeysReadBy(code, keys).map((h) => `${h.path}:${h.change.key}`);
  assert.deepEqual(read('const limit = cfg.quota;'), ['config/app.json:quota']);
  assert.deepEqual(read("q = data['quota']"), ['config/app.json:quota']);
  assert.deepEqual(read('n = self.batch_size'), ['config/app.json:batch_size']);
  assert.deepEqual(read('const p = config.db.port'), ['config/app.json:db.port']);
  assert.deepEqual(read('const [host] = process.env.DB_ADDR.split(":")'), ['.env:DB_ADDR']);
  assert.deepEqual(read('v = os.getenv("DB_ADDR")'), ['.env:DB_ADDR']);
  // A record's field of the same name, and a name as common as `title`, are not config reads.
  assert.deepEqual(read('const t = order.total + item.quota;'), []);
  assert.deepEqual(read('print(page.title)'), []);
});
