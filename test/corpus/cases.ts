/**
 * The root-cause corpus: workspaces where real programs (bash, curl, sqlite3, node, python3,
 * javac, make) fail for real reasons, with INFO noise, earlier errors that recovered, a harmless
 * edit beside the real cause, and the agent's transcript in one of several dialects (or none: a
 * cron job). Ground truth is what a person reading the workspace would conclude: the category,
 * the log line of the real error, and the file whose change set it off ('external' when none did).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { cronExit, infoSpam, iso, logLine, recoveredError, sh } from './builders';
import type { CorpusCase } from './measure';

/** Yesterday's lines of a log, with an error that was fixed back then: never part of this incident. */
function oldLog(service: string): string {
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  return [
    `${day}T02:00:00.000Z INFO ${service}: started`,
    `${day}T02:00:01.000Z ERROR ${service}: upstream returned 502 Bad Gateway, giving up on this batch`,
    `${day}T02:00:05.000Z INFO ${service}: finished (1 batch skipped)`,
    '',
  ].join('\n');
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A local HTTP server for the duration of `fn`: the outside dependency the job talks to. */
async function withServer<T>(
  handler: http.RequestListener | ((socket: net.Socket) => void),
  fn: (port: number) => Promise<T>,
  raw = false,
): Promise<T> {
  const srv = raw ? net.createServer(handler as (s: net.Socket) => void) : http.createServer(handler as http.RequestListener);
  const sockets = new Set<net.Socket>();
  srv.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  try {
    return await fn(port);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => srv.close(() => r()));
  }
}

const README = '# Nightly jobs\n\nRun by cron at 02:00. See scripts/.\n';

export const CORPUS: CorpusCase[] = [
  // ================================================================ config_error
  {
    id: 'cfg-env-unquoted-cron',
    category: 'config_error',
    agent: 'cron',
    task: 'nightly sync',
    files: {
      'config/job.env': 'JOB_NAME=sync\nREGION=us\nKEEP_DAYS=7\n',
      'scripts/sync.sh':
        '#!/bin/bash\nset -e\nsource config/job.env\necho "$(date -u +%FT%TZ) INFO sync: region=$REGION keep=$KEEP_DAYS"\necho "$(date -u +%FT%TZ) INFO sync: done"\n',
      'README.md': README,
      'logs/cron.log': oldLog('sync'),
    },
    errorAt: { file: 'logs/cron.log', match: /EU: command not found/ },
    trigger: 'config/job.env',
    async run({ w }) {
      w.write({ 'README.md': README + '\nThe region now includes EU customers.\n' });
      w.write({ 'config/job.env': 'JOB_NAME=sync\nREGION=us EU\nKEEP_DAYS=7\n' });
      infoSpam(w, 'logs/cron.log', 'cron', 12, 'heartbeat');
      const r = await sh(w, 'bash scripts/sync.sh', { log: 'logs/cron.log' });
      cronExit(w, 'logs/cron.log', 'scripts/sync.sh', r.code);
    },
  },
  {
    id: 'cfg-ini-batch-size-claude',
    category: 'config_error',
    agent: 'claude',
    task: 'Make the pipeline process smaller batches, it is too slow on the small box.',
    files: {
      'config/pipeline.ini': '[pipeline]\nbatch_size = 500\nlog_level = info\n',
      'src/pipeline.py':
        [
          'import configparser, logging, sys',
          "logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s pipeline: %(message)s', stream=sys.stdout)",
          'cfg = configparser.ConfigParser()',
          "cfg.read('config/pipeline.ini')",
          "logging.info('starting pipeline')",
          "size = int(cfg['pipeline']['batch_size'])",
          "logging.info('batches of %d', size)",
        ].join('\n') + '\n',
      'logs/pipeline.log': oldLog('pipeline'),
    },
    errorAt: { file: 'logs/pipeline.log', match: /^ValueError/ },
    trigger: 'config/pipeline.ini',
    async run({ w, agent }) {
      agent.say('I will lower the batch size in the pipeline config.');
      agent.edit('config/pipeline.ini', 'batch_size = 500', 'batch_size = fifty');
      agent.edit('src/pipeline.py', "logging.info('starting pipeline')", "logging.info('pipeline starting')");
      infoSpam(w, 'logs/pipeline.log', 'pipeline', 8);
      await agent.bash('python3 src/pipeline.py >> logs/pipeline.log 2>&1');
    },
  },
  {
    id: 'cfg-makefile-python-codex',
    category: 'config_error',
    agent: 'codex',
    task: 'Pin the build to a specific python version.',
    files: {
      Makefile: 'PYTHON ?= python3\n\n.PHONY: generate\ngenerate:\n\t$(PYTHON) tools/gen.py > build/out.txt\n',
      'tools/gen.py': "print('generated')\n",
      'build/.keep': '',
      'docs/build.md': '# Build\n\nRun `make build`.\n',
      'logs/build.log': oldLog('build'),
    },
    errorAt: { file: 'logs/build.log', match: /python3\.99: (not found|No such file|command not found)/ },
    trigger: 'Makefile',
    async run({ w, agent }) {
      agent.edit('Makefile', 'PYTHON ?= python3', 'PYTHON = python3.99');
      agent.edit('docs/build.md', 'Run `make build`.', 'Run `make build` (needs python 3.99).');
      infoSpam(w, 'logs/build.log', 'ci', 5, 'step');
      await agent.bash('make generate >> logs/build.log 2>&1');
    },
  },
  {
    id: 'cfg-dotenv-missing-var-plain',
    category: 'config_error',
    agent: 'plain',
    task: 'clean up unused variables in .env',
    files: {
      '.env': 'API_BASE=http://127.0.0.1:9\nLOG_FORMAT=json\nUNUSED_FLAG=1\n',
      'config/logging.json': JSON.stringify({ level: 'info', retentionDays: 7 }, null, 2) + '\n',
      'src/app.js':
        [
          'const base = process.env.API_BASE;',
          "console.log(new Date().toISOString() + ' INFO app: booting');",
          "if (!base) throw new Error('environment variable API_BASE is not set');",
          "console.log(new Date().toISOString() + ' INFO app: using ' + base);",
        ].join('\n') + '\n',
      'scripts/start.sh': 'set -a\n. ./.env\nset +a\nexec node src/app.js\n',
      'logs/app.log': oldLog('app'),
    },
    errorAt: { file: 'logs/app.log', match: /API_BASE is not set/ },
    trigger: '.env',
    async run({ w, agent }) {
      agent.say('API_BASE looks unused, removing it together with UNUSED_FLAG');
      agent.writeFile('.env', 'LOG_FORMAT=json\n');
      agent.writeFile('config/logging.json', JSON.stringify({ level: 'info', retentionDays: 14 }, null, 2) + '\n');
      recoveredError(w, 'logs/app.log', 'app');
      await agent.bash('bash scripts/start.sh >> logs/app.log 2>&1');
    },
  },
  {
    id: 'cfg-json-trailing-comma-aider',
    category: 'config_error',
    agent: 'aider',
    task: 'Add a second mirror to the sync config',
    files: {
      'config/mirrors.json': '{\n  "mirrors": [\n    "https://a.example.org"\n  ],\n  "parallel": 2\n}\n',
      'src/mirror.js':
        [
          "const fs = require('node:fs');",
          "console.log(new Date().toISOString() + ' INFO mirror: loading config');",
          "const cfg = JSON.parse(fs.readFileSync('config/mirrors.json', 'utf8'));",
          "console.log(new Date().toISOString() + ' INFO mirror: ' + cfg.mirrors.length + ' mirrors');",
        ].join('\n') + '\n',
      'CHANGELOG.md': '# Changelog\n',
      'logs/mirror.log': oldLog('mirror'),
    },
    errorAt: { file: 'logs/mirror.log', match: /SyntaxError/ },
    trigger: 'config/mirrors.json',
    async run({ w, agent }) {
      agent.edit('config/mirrors.json', '"https://a.example.org"\n', '"https://a.example.org",\n    "https://b.example.org",\n');
      agent.edit('CHANGELOG.md', '# Changelog\n', '# Changelog\n\n- second mirror\n');
      infoSpam(w, 'logs/mirror.log', 'mirror', 6);
      await agent.bash('node src/mirror.js >> logs/mirror.log 2>&1');
    },
  },

  // ================================================================ data_corruption
  {
    id: 'data-sqlite-unique-cron',
    category: 'data_corruption',
    agent: 'cron',
    task: 'import users',
    files: {
      'data/users.csv': 'email,name\nann@example.com,Ann\nbob@example.com,Bob\n',
      'scripts/import.sh':
        '#!/bin/bash\nset -e\nrm -f build/app.db\nsqlite3 build/app.db "CREATE TABLE users(email TEXT UNIQUE, name TEXT);"\nsqlite3 -bail build/app.db ".import --csv --skip 1 data/users.csv users"\necho "$(date -u +%FT%TZ) INFO import: done"\n',
      'build/.keep': '',
      'scripts/README.md': 'Import scripts.\n',
      'logs/import.log': oldLog('import'),
    },
    errorAt: { file: 'logs/import.log', match: /UNIQUE constraint failed/ },
    trigger: 'data/users.csv',
    async run({ w }) {
      w.write({ 'scripts/README.md': 'Import scripts, run nightly.\n' });
      appendFileSync(w.path('data/users.csv'), 'cid@example.com,Cid\nann@example.com,Ann B.\n');
      infoSpam(w, 'logs/import.log', 'import', 10, 'heartbeat');
      const r = await sh(w, 'bash scripts/import.sh', { log: 'logs/import.log' });
      cronExit(w, 'logs/import.log', 'scripts/import.sh', r.code);
    },
  },
  {
    id: 'data-sqlite-malformed-plain',
    category: 'data_corruption',
    agent: 'plain',
    task: 'compact the store database',
    files: {
      'config/logging.ini': '[log]\nretention_days = 7\n',
      'scripts/count.sh': 'set -e\necho "$(date -u +%FT%TZ) INFO report: counting"\nsqlite3 data/store.db "SELECT count(*) FROM events;"\n',
      'logs/report.log': oldLog('report'),
    },
    errorAt: { file: 'logs/report.log', match: /malformed|not a database/ },
    trigger: 'data/store.db',
    async setup(w) {
      await sh(
        w,
        'mkdir -p data && sqlite3 data/store.db "CREATE TABLE events(id INTEGER PRIMARY KEY, body TEXT); WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x<3000) INSERT INTO events(body) SELECT printf(\'event %d payload payload payload\', x) FROM c;"',
      );
    },
    async run({ w, agent }) {
      agent.say('the database is large; compacting it by rewriting its pages in place');
      const db = readFileSync(w.path('data/store.db'));
      // A half-finished in-place rewrite: the b-tree pages in the middle are overwritten.
      db.fill(0x5a, 4096 * 2, 4096 * 6);
      writeFileSync(w.path('data/store.db'), db);
      agent.edit('config/logging.ini', 'retention_days = 7', 'retention_days = 30');
      infoSpam(w, 'logs/report.log', 'report', 6);
      await agent.bash('bash scripts/count.sh >> logs/report.log 2>&1');
    },
  },
  {
    id: 'data-jsonl-truncated-claude',
    category: 'data_corruption',
    agent: 'claude',
    task: 'Refresh the events export and rebuild the daily report.',
    files: {
      'data/events.jsonl':
        Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: i, kind: i % 3 ? 'view' : 'buy', amount: i * 2 })).join('\n') + '\n',
      'src/report.py':
        [
          'import json, sys',
          "print('report: reading data/events.jsonl', flush=True)",
          'total = 0',
          "for line in open('data/events.jsonl'):",
          '    total += json.loads(line)["amount"]',
          "print('report: total', total)",
        ].join('\n') + '\n',
      'logs/report.log': oldLog('report'),
    },
    errorAt: { file: 'logs/report.log', match: /JSONDecodeError/ },
    trigger: 'data/events.jsonl',
    async run({ w, agent }) {
      const full = readFileSync(w.path('data/events.jsonl'), 'utf8');
      agent.writeFile('data/events.jsonl', full + full.slice(0, 57));
      agent.edit('src/report.py', "print('report: total', total)", "print('report: grand total', total)");
      infoSpam(w, 'logs/report.log', 'report', 6);
      await agent.bash('python3 src/report.py >> logs/report.log 2>&1');
    },
  },
  {
    id: 'data-csv-encoding-cron',
    category: 'data_corruption',
    agent: 'cron',
    task: 'customer export',
    files: {
      'data/customers.csv': 'id,name,city\n1,Ann,Paris\n2,Bob,Lyon\n',
      'src/export.py':
        [
          'import csv, datetime',
          "print(datetime.datetime.utcnow().isoformat() + 'Z INFO export: start', flush=True)",
          "with open('data/customers.csv', encoding='utf-8') as f:",
          '    rows = list(csv.DictReader(f))',
          "print(datetime.datetime.utcnow().isoformat() + 'Z INFO export: %d rows' % len(rows))",
        ].join('\n') + '\n',
      'docs/export.md': '# Export\n',
      'logs/export.log': oldLog('export'),
    },
    errorAt: { file: 'logs/export.log', match: /UnicodeDecodeError/ },
    trigger: 'data/customers.csv',
    async run({ w }) {
      w.write({ 'docs/export.md': '# Export\n\nCustomers are exported nightly.\n' });
      appendFileSync(w.path('data/customers.csv'), Buffer.from('3,Chlo\xe9,N\xeemes\n', 'latin1'));
      recoveredError(w, 'logs/export.log', 'export', 'ERROR');
      infoSpam(w, 'logs/export.log', 'export', 15, 'heartbeat');
      const r = await sh(w, 'python3 src/export.py', { log: 'logs/export.log' });
      cronExit(w, 'logs/export.log', 'src/export.py', r.code);
    },
  },
  {
    id: 'data-gzip-truncated-codex',
    category: 'data_corruption',
    agent: 'codex',
    task: 'Re-download the archive and bump the package version.',
    files: {
      'package.json': JSON.stringify({ name: 'archive-reader', version: '1.2.0', private: true }, null, 2) + '\n',
      'src/read.js':
        [
          "const zlib = require('node:zlib');",
          "const fs = require('node:fs');",
          "console.log(new Date().toISOString() + ' INFO reader: opening data/archive.json.gz');",
          "const rows = JSON.parse(zlib.gunzipSync(fs.readFileSync('data/archive.json.gz')).toString());",
          "console.log(new Date().toISOString() + ' INFO reader: ' + rows.length + ' rows');",
        ].join('\n') + '\n',
      'logs/reader.log': oldLog('reader'),
    },
    errorAt: { file: 'logs/reader.log', match: /unexpected end of file/ },
    trigger: 'data/archive.json.gz',
    async setup(w) {
      const rows = Array.from({ length: 500 }, (_, i) => ({ id: i, v: `value-${i}-${i * 7}` }));
      w.write({ 'data/archive.json.gz': gzipSync(JSON.stringify(rows)) });
      await sh(w, 'node src/read.js >> logs/reader.log 2>&1');
    },
    async run({ w, agent }) {
      const gz = readFileSync(w.path('data/archive.json.gz'));
      agent.say('Re-downloading the archive.');
      writeFileSync(w.path('data/archive.json.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
      agent.edit('package.json', '"version": "1.2.0"', '"version": "1.2.1"');
      infoSpam(w, 'logs/reader.log', 'reader', 4);
      await agent.bash('node src/read.js >> logs/reader.log 2>&1');
    },
  },

  // ================================================================ external_failure
  {
    id: 'ext-curl-refused-cron',
    category: 'external_failure',
    agent: 'cron',
    task: 'health check',
    files: {
      'config/cron.env': 'LOG_KEEP=7\n',
      'scripts/fetch.sh':
        '#!/bin/bash\nset -euo pipefail\necho "$(date -u +%FT%TZ) INFO fetch: polling inventory service"\ncurl -sS --fail "http://127.0.0.1:$PORT/inventory" -o build/inventory.json\necho "$(date -u +%FT%TZ) INFO fetch: ok"\n',
      'build/.keep': '',
      'logs/fetch.log': oldLog('fetch'),
    },
    errorAt: { file: 'logs/fetch.log', match: /curl: \(7\)/ },
    trigger: 'external',
    async run({ w }) {
      w.write({ 'config/cron.env': 'LOG_KEEP=14\n' });
      infoSpam(w, 'logs/fetch.log', 'fetch', 20, 'heartbeat');
      const port = await closedPort();
      const r = await sh(w, 'bash scripts/fetch.sh', { log: 'logs/fetch.log', env: { PORT: String(port) } });
      cronExit(w, 'logs/fetch.log', 'scripts/fetch.sh', r.code);
    },
  },
  {
    id: 'ext-http-503-claude',
    category: 'external_failure',
    agent: 'claude',
    task: 'Run the rates sync and fix the log message typo while you are at it.',
    files: {
      'src/rates.py':
        [
          'import os, sys, urllib.request',
          "print('rates: fetching from upstream', flush=True)",
          "with urllib.request.urlopen('http://127.0.0.1:%s/rates' % os.environ['PORT'], timeout=5) as r:",
          '    data = r.read()',
          "print('rates: recieved', len(data), 'bytes')",
        ].join('\n') + '\n',
      'logs/rates.log': oldLog('rates'),
    },
    errorAt: { file: 'logs/rates.log', match: /HTTP Error 503/ },
    trigger: 'external',
    async run({ w, agent }) {
      agent.edit('src/rates.py', "'rates: recieved'", "'rates: received'");
      infoSpam(w, 'logs/rates.log', 'rates', 5);
      await withServer(
        (_req, res) => {
          res.writeHead(503, { 'content-type': 'text/plain' });
          res.end('upstream maintenance');
        },
        async (port) => {
          await agent.bash('python3 src/rates.py >> logs/rates.log 2>&1', { env: { PORT: String(port) } });
        },
      );
    },
  },
  {
    id: 'ext-curl-timeout-plain',
    category: 'external_failure',
    agent: 'plain',
    task: 'pull the latest price list',
    files: {
      'scripts/prices.sh':
        'set -e\necho "$(date -u +%FT%TZ) INFO prices: downloading"\ncurl -sS -m 1 "http://127.0.0.1:$PORT/prices.csv" -o data/prices.csv\necho "$(date -u +%FT%TZ) INFO prices: done"\n',
      'data/prices.csv': 'sku,price\na,1\n',
      'docs/prices.md': '# Prices\n',
      'logs/prices.log': oldLog('prices'),
    },
    errorAt: { file: 'logs/prices.log', match: /curl: \(28\)/ },
    trigger: 'external',
    async run({ w, agent }) {
      agent.edit('docs/prices.md', '# Prices\n', '# Prices\n\nDownloaded hourly.\n');
      recoveredError(w, 'logs/prices.log', 'prices');
      await withServer(
        () => {
          // Accepts and never answers: the upstream hangs.
        },
        async (port) => {
          await agent.bash('bash scripts/prices.sh >> logs/prices.log 2>&1', { env: { PORT: String(port) } });
        },
      );
    },
  },
  {
    id: 'ext-dns-codex',
    category: 'external_failure',
    agent: 'codex',
    task: 'Raise the webhook retries to 5 and send the report.',
    files: {
      'config/webhook.json': JSON.stringify({ url: 'http://hooks.corp-intranet.invalid/report', retries: 3 }, null, 2) + '\n',
      'src/send.js':
        [
          "const cfg = require('../config/webhook.json');",
          "console.log(new Date().toISOString() + ' INFO webhook: sending report');",
          "fetch(cfg.url, { method: 'POST', body: '{}' }).then(() => console.log('sent'), (e) => { console.error(new Date().toISOString() + ' ERROR webhook: ' + e.message + ': ' + (e.cause && e.cause.message)); process.exit(1); });",
        ].join('\n') + '\n',
      'logs/webhook.log': oldLog('webhook'),
    },
    errorAt: { file: 'logs/webhook.log', match: /ENOTFOUND|EAI_AGAIN/ },
    trigger: 'external',
    async run({ w, agent }) {
      agent.edit('config/webhook.json', '"retries": 3', '"retries": 5');
      infoSpam(w, 'logs/webhook.log', 'webhook', 6);
      await agent.bash('node src/send.js >> logs/webhook.log 2>&1');
    },
  },
  {
    id: 'ext-empty-reply-aider',
    category: 'external_failure',
    agent: 'aider',
    task: 'Document the export endpoint and run the export',
    files: {
      'scripts/export.sh':
        'set -e\necho "$(date -u +%FT%TZ) INFO export: calling export service"\ncurl -sS "http://127.0.0.1:$PORT/export" -o build/export.json\n',
      'build/.keep': '',
      'README.md': README,
      'logs/export.log': oldLog('export'),
    },
    errorAt: { file: 'logs/export.log', match: /curl: \(52\)/ },
    trigger: 'external',
    async run({ w, agent }) {
      agent.edit('README.md', 'See scripts/.', 'See scripts/. The export service listens on $PORT.');
      infoSpam(w, 'logs/export.log', 'export', 8);
      await withServer(
        (socket: net.Socket) => {
          socket.once('data', () => socket.end());
        },
        async (port) => {
          await agent.bash('bash scripts/export.sh >> logs/export.log 2>&1', { env: { PORT: String(port) } });
        },
        true,
      );
    },
  },

  // ================================================================ logic_error
  {
    id: 'logic-bash-renamed-function-cron',
    category: 'logic_error',
    agent: 'cron',
    task: 'log rotation',
    files: {
      'scripts/sync.sh':
        [
          '#!/bin/bash',
          'rotate_logs() {',
          '  echo "$(date -u +%FT%TZ) INFO sync: rotating"',
          '}',
          'echo "$(date -u +%FT%TZ) INFO sync: start"',
          'rotate_logs',
          'echo "$(date -u +%FT%TZ) INFO sync: done"',
        ].join('\n') + '\n',
      'config/sync.conf': 'verbose=0\n',
      'logs/sync.log': oldLog('sync'),
    },
    errorAt: { file: 'logs/sync.log', match: /rotate_logs: command not found/ },
    trigger: 'scripts/sync.sh',
    async run({ w }) {
      w.write({ 'config/sync.conf': 'verbose=1\n' });
      const text = readFileSync(w.path('scripts/sync.sh'), 'utf8').replace('rotate_logs() {', 'rotate_log() {');
      w.write({ 'scripts/sync.sh': text });
      infoSpam(w, 'logs/sync.log', 'sync', 9, 'heartbeat');
      const r = await sh(w, 'set -o pipefail; bash scripts/sync.sh; exit $?', { log: 'logs/sync.log' });
      cronExit(w, 'logs/sync.log', 'scripts/sync.sh', r.code);
    },
  },
  {
    id: 'logic-node-test-tap-claude',
    category: 'logic_error',
    agent: 'claude',
    task: 'Round prices half-up instead of truncating, and tidy the test README.',
    files: {
      'src/price.js': 'function toCents(x) { return Math.round(x * 100); }\nmodule.exports = { toCents };\n',
      'test/price.test.js':
        [
          "const test = require('node:test');",
          "const assert = require('node:assert');",
          "const { toCents } = require('../src/price.js');",
          "test('whole amounts', () => assert.strictEqual(toCents(2), 200));",
          "test('rounds to cents', () => assert.strictEqual(toCents(1.005), 101));",
        ].join('\n') + '\n',
      'test/README.md': 'Tests.\n',
      'logs/test.log': '',
    },
    errorAt: { file: 'logs/test.log', match: /^not ok \d+ - whole amounts/ },
    trigger: 'src/price.js',
    async run({ agent }) {
      agent.edit('src/price.js', 'return Math.round(x * 100);', 'return Math.floor(x * 100 + 0.5) / 100;');
      agent.edit('test/README.md', 'Tests.', 'Unit tests, run with node --test.');
      await agent.bash('node --test --test-reporter=tap test/ >> logs/test.log 2>&1');
    },
  },
  {
    id: 'logic-python-index-codex',
    category: 'logic_error',
    agent: 'codex',
    task: 'Parse the new "region" column in the orders file.',
    files: {
      'data/orders.txt': 'o1|ann|12.5\no2|bob|7\n',
      'src/parse.py':
        [
          'import sys',
          'def parse(line):',
          "    parts = line.strip().split('|')",
          '    return {"id": parts[0], "who": parts[1], "amount": float(parts[2])}',
          "rows = [parse(l) for l in open('data/orders.txt') if l.strip()]",
          "print('parsed', len(rows), 'orders')",
        ].join('\n') + '\n',
      'src/log_setup.py': "FORMAT = '%(asctime)s %(message)s'\n",
      'logs/parse.log': oldLog('parse'),
    },
    errorAt: { file: 'logs/parse.log', match: /^IndexError/ },
    trigger: 'src/parse.py',
    async run({ w, agent }) {
      agent.edit('src/parse.py', '"amount": float(parts[2])}', '"amount": float(parts[2]), "region": parts[3]}');
      agent.edit('src/log_setup.py', "'%(asctime)s %(message)s'", "'%(asctime)s %(levelname)s %(message)s'");
      infoSpam(w, 'logs/parse.log', 'parse', 7);
      await agent.bash('python3 src/parse.py >> logs/parse.log 2>&1');
    },
  },
  {
    id: 'logic-pytest-aider',
    category: 'logic_error',
    agent: 'aider',
    task: 'Make add() accept strings too',
    files: {
      'calc.py': 'def add(a, b):\n    return a + b\n',
      'tests/test_calc.py':
        'from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n\ndef test_add_neg():\n    assert add(-1, 1) == 0\n',
      'docs/calc.md': '# calc\n',
      'logs/pytest.log': '',
    },
    // Where pytest says the test failed, in the failure's section (its summary line further down only names it).
    errorAt: { file: 'logs/pytest.log', match: /^tests\/test_calc\.py:4: AssertionError$/ },
    trigger: 'calc.py',
    async run({ agent }) {
      agent.edit('calc.py', '    return a + b', '    return int(str(a) + str(b))');
      agent.edit('docs/calc.md', '# calc\n', '# calc\n\nadd() accepts strings.\n');
      await agent.bash('python3 -m pytest -q -p no:cacheprovider tests >> logs/pytest.log 2>&1');
    },
  },
  {
    id: 'logic-sqlite-parse-cron',
    category: 'logic_error',
    agent: 'cron',
    task: 'nightly report',
    files: {
      'scripts/report.sql': "CREATE TABLE IF NOT EXISTS t(name TEXT);\nINSERT INTO t VALUES ('a');\nSELECT count(*) FROM t;\n",
      'config/report.ini': '[report]\nrecipients = ops@example.com\n',
      'logs/report.log': oldLog('report'),
    },
    errorAt: { file: 'logs/report.log', match: /Parse error near line/ },
    trigger: 'scripts/report.sql',
    async run({ w }) {
      w.write({ 'config/report.ini': '[report]\nrecipients = ops@example.com, lead@example.com\n' });
      w.write({ 'scripts/report.sql': "CREATE TABLE IF NOT EXISTS t(name TEXT);\nINSERT INTO t VALUES ('a');\nSELEC count(*) FROM t;\n" });
      infoSpam(w, 'logs/report.log', 'report', 11, 'heartbeat');
      logLine(w, 'logs/report.log', 'INFO', 'report', 'running scripts/report.sql');
      const r = await sh(w, 'sqlite3 build.db < scripts/report.sql', { log: 'logs/report.log' });
      cronExit(w, 'logs/report.log', 'sqlite3 build.db < scripts/report.sql', r.code);
    },
  },
  {
    id: 'logic-javac-claude',
    category: 'logic_error',
    agent: 'claude',
    task: 'Rename the Invoice total method to sum.',
    files: {
      'src/Invoice.java': 'public class Invoice {\n  int total() { return 42; }\n}\n',
      'src/Main.java':
        'public class Main {\n  public static void main(String[] a) {\n    System.out.println(new Invoice().total());\n  }\n}\n',
      'build.gradle': "plugins { id 'java' }\n",
      'logs/build.log': '',
    },
    errorAt: { file: 'logs/build.log', match: /Main\.java:3: error: cannot find symbol/ },
    trigger: 'src/Invoice.java',
    async run({ agent }) {
      agent.edit('src/Invoice.java', 'int total()', 'int sum()');
      agent.edit('build.gradle', "plugins { id 'java' }\n", "plugins { id 'java' }\n// build with javac in CI\n");
      await agent.bash('mkdir -p out && javac -d out src/*.java >> logs/build.log 2>&1');
    },
  },

  // ================================================================ resource_exhaustion
  {
    id: 'res-timeout-124-cron',
    category: 'resource_exhaustion',
    agent: 'cron',
    task: 'dedupe job',
    files: {
      'data/items.csv': 'id\n' + Array.from({ length: 200 }, (_, i) => String(i)).join('\n') + '\n',
      'src/dedupe.py':
        [
          "rows = open('data/items.csv').read().split()[1:]",
          'seen = []',
          'for r in rows:',
          '    if r not in seen:',
          '        seen.append(r)',
          "print('unique', len(seen))",
        ].join('\n') + '\n',
      'scripts/dedupe.sh':
        'echo "$(date -u +%FT%TZ) INFO dedupe: start"\ntimeout 2 python3 src/dedupe.py\nrc=$?\n[ $rc -eq 124 ] && echo "$(date -u +%FT%TZ) ERROR dedupe: timed out after 2s (exit 124)"\nexit $rc\n',
      'README.md': README,
      'logs/dedupe.log': oldLog('dedupe'),
    },
    errorAt: { file: 'logs/dedupe.log', match: /exit 124/ },
    trigger: 'data/items.csv',
    async run({ w }) {
      w.write({ 'README.md': README + '\nDedupe runs at 03:00.\n' });
      w.write({ 'data/items.csv': 'id\n' + Array.from({ length: 400_000 }, (_, i) => String(i)).join('\n') + '\n' });
      infoSpam(w, 'logs/dedupe.log', 'dedupe', 10, 'heartbeat');
      const r = await sh(w, 'bash scripts/dedupe.sh', { log: 'logs/dedupe.log' });
      cronExit(w, 'logs/dedupe.log', 'scripts/dedupe.sh', r.code);
    },
  },
  {
    id: 'res-memoryerror-cache-claude',
    category: 'resource_exhaustion',
    agent: 'claude',
    task: 'Speed up the loader by caching more.',
    files: {
      'config/cache.json': JSON.stringify({ cache_mb: 16, log_level: 'info' }, null, 2) + '\n',
      'src/load.py':
        [
          'import json',
          "cfg = json.load(open('config/cache.json'))",
          "print('loader: allocating cache of', cfg['cache_mb'], 'MB', flush=True)",
          "cache = bytearray(cfg['cache_mb'] * 1024 * 1024)",
          "print('loader: ready')",
        ].join('\n') + '\n',
      'logs/loader.log': oldLog('loader'),
    },
    errorAt: { file: 'logs/loader.log', match: /^MemoryError/ },
    trigger: 'config/cache.json',
    async run({ w, agent }) {
      agent.edit('config/cache.json', '"cache_mb": 16', '"cache_mb": 4096');
      agent.edit('config/cache.json', '"log_level": "info"', '"log_level": "debug"');
      infoSpam(w, 'logs/loader.log', 'loader', 6);
      await agent.bash('ulimit -v 1000000; python3 src/load.py >> logs/loader.log 2>&1');
    },
  },
  {
    id: 'res-killed-137-codex',
    category: 'resource_exhaustion',
    agent: 'codex',
    task: 'Make the simulation more precise.',
    files: {
      'config/sim.json': JSON.stringify({ iterations: 1000, label: 'nightly' }, null, 2) + '\n',
      'src/sim.js':
        [
          "const { iterations } = require('../config/sim.json');",
          "console.log(new Date().toISOString() + ' INFO sim: ' + iterations + ' iterations');",
          'let x = 0;',
          'for (let i = 0; i < iterations; i++) for (let j = 0; j < 1e5; j++) x += Math.sqrt(j);',
          "console.log(new Date().toISOString() + ' INFO sim: done ' + x);",
        ].join('\n') + '\n',
      'scripts/sim.sh':
        'timeout -s KILL 2 node src/sim.js\nrc=$?\necho "$(date -u +%FT%TZ) ERROR sim: worker Killed (exit status $rc)"\nexit $rc\n',
      'logs/sim.log': oldLog('sim'),
    },
    errorAt: { file: 'logs/sim.log', match: /Killed \(exit status 137\)/ },
    trigger: 'config/sim.json',
    async run({ w, agent }) {
      agent.edit('config/sim.json', '"iterations": 1000', '"iterations": 1000000');
      agent.edit('config/sim.json', '"label": "nightly"', '"label": "nightly-precise"');
      infoSpam(w, 'logs/sim.log', 'sim', 5);
      await agent.bash('bash scripts/sim.sh >> logs/sim.log 2>&1');
    },
  },
  {
    id: 'res-emfile-plain',
    category: 'resource_exhaustion',
    agent: 'plain',
    task: 'open all shards at once for speed',
    files: {
      'config/pool.json': JSON.stringify({ open_at_once: 8, retention_days: 7 }, null, 2) + '\n',
      'src/shards.js':
        [
          "const fs = require('node:fs');",
          "const { open_at_once } = require('../config/pool.json');",
          "console.log(new Date().toISOString() + ' INFO shards: opening ' + open_at_once);",
          'const fds = [];',
          "for (let i = 0; i < open_at_once; i++) fds.push(fs.openSync(__filename, 'r'));",
          "console.log(new Date().toISOString() + ' INFO shards: ok');",
        ].join('\n') + '\n',
      'logs/shards.log': oldLog('shards'),
    },
    errorAt: { file: 'logs/shards.log', match: /EMFILE/ },
    trigger: 'config/pool.json',
    async run({ w, agent }) {
      agent.edit('config/pool.json', '"open_at_once": 8', '"open_at_once": 4000');
      agent.edit('config/pool.json', '"retention_days": 7', '"retention_days": 30');
      recoveredError(w, 'logs/shards.log', 'shards');
      await agent.bash('ulimit -n 256; node src/shards.js >> logs/shards.log 2>&1');
    },
  },
  {
    id: 'res-matrix-grew-cron',
    category: 'resource_exhaustion',
    agent: 'cron',
    task: 'similarity matrix',
    files: {
      'data/vectors.json': JSON.stringify({ n: 300 }) + '\n',
      'src/matrix.py':
        [
          'import json',
          "n = json.load(open('data/vectors.json'))['n']",
          "print('matrix: n =', n, flush=True)",
          'm = [[0.0] * n for _ in range(n)]',
          "print('matrix: built', len(m))",
        ].join('\n') + '\n',
      'docs/matrix.md': '# Matrix\n',
      'logs/matrix.log': oldLog('matrix'),
    },
    errorAt: { file: 'logs/matrix.log', match: /^MemoryError/ },
    trigger: 'data/vectors.json',
    async run({ w }) {
      w.write({ 'docs/matrix.md': '# Matrix\n\nBuilt nightly.\n' });
      w.write({ 'data/vectors.json': JSON.stringify({ n: 60000 }) + '\n' });
      infoSpam(w, 'logs/matrix.log', 'matrix', 14, 'heartbeat');
      const r = await sh(w, 'ulimit -v 600000; python3 src/matrix.py', { log: 'logs/matrix.log' });
      cronExit(w, 'logs/matrix.log', 'src/matrix.py', r.code);
    },
  },

  // ================================================================ drift
  {
    id: 'drift-input-noise-cron',
    category: 'drift',
    agent: 'cron',
    task: 'score job',
    files: {
      'data/labels.csv': labels(200, 0),
      'src/score.py':
        [
          'import json',
          "rows = [l.split(',') for l in open('data/labels.csv').read().split()[1:]]",
          'ok = sum(1 for r in rows if r[1] == r[2])',
          "json.dump({'accuracy': round(ok / len(rows), 3), 'rows': len(rows)}, open('out/metrics.json', 'w'))",
          "print('score: accuracy', round(ok / len(rows), 3))",
        ].join('\n') + '\n',
      'out/.keep': '',
      'README.md': README,
      'logs/score.log': oldLog('score'),
    },
    trigger: 'data/labels.csv',
    async run({ w, snapshot }) {
      await sh(w, 'python3 src/score.py', { log: 'logs/score.log' });
      await snapshot('run 1');
      for (const [i, noisy] of [20, 45, 80].entries()) {
        if (i === 1) w.write({ 'README.md': README + '\nScores are kept for 30 days.\n' });
        w.write({ 'data/labels.csv': labels(200, noisy) });
        infoSpam(w, 'logs/score.log', 'score', 4, 'heartbeat');
        await sh(w, 'python3 src/score.py', { log: 'logs/score.log' });
        await snapshot(`run ${i + 2}`);
      }
    },
  },
  {
    id: 'drift-vendored-vocab-claude',
    category: 'drift',
    agent: 'claude',
    task: 'Keep the vendored tokenizer up to date and report coverage.',
    files: {
      'vendor/tokenizer/vocab.txt': words(0, 400).join('\n') + '\n',
      'vendor/tokenizer/package.json': JSON.stringify({ name: 'tokenizer', version: '2.0.0' }, null, 2) + '\n',
      'data/corpus.txt': words(0, 300).join(' ') + '\n',
      'src/coverage.js':
        [
          "const fs = require('node:fs');",
          "const vocab = new Set(fs.readFileSync('vendor/tokenizer/vocab.txt', 'utf8').split('\\n'));",
          "const toks = fs.readFileSync('data/corpus.txt', 'utf8').trim().split(' ');",
          'const coverage = toks.filter((t) => vocab.has(t)).length / toks.length;',
          "fs.writeFileSync('reports/quality.json', JSON.stringify({ coverage: Number(coverage.toFixed(3)) }));",
          "console.log(new Date().toISOString() + ' INFO coverage: ' + coverage.toFixed(3));",
        ].join('\n') + '\n',
      'reports/.keep': '',
      'logs/coverage.log': '',
    },
    trigger: 'vendor/tokenizer/vocab.txt',
    async run({ agent, snapshot }) {
      await agent.bash('node src/coverage.js >> logs/coverage.log 2>&1');
      agent.save();
      await snapshot('coverage 1');
      for (const [i, from] of [40, 90, 150].entries()) {
        agent.say(`Refreshing the vendored tokenizer to 2.${i + 1}.0.`);
        agent.writeFile('vendor/tokenizer/vocab.txt', words(from, 400).join('\n') + '\n');
        agent.edit('vendor/tokenizer/package.json', `"version": "2.${i}.0"`, `"version": "2.${i + 1}.0"`);
        await agent.bash('node src/coverage.js >> logs/coverage.log 2>&1');
        agent.save();
        await snapshot(`coverage ${i + 2}`);
      }
    },
  },
  {
    id: 'drift-queue-latency-plain',
    category: 'drift',
    agent: 'plain',
    task: 'keep the queue worker running',
    files: {
      'data/queue.jsonl': jobs(50),
      'src/worker.js':
        [
          "const fs = require('node:fs');",
          "const jobs = fs.readFileSync('data/queue.jsonl', 'utf8').trim().split('\\n');",
          'const t0 = process.hrtime.bigint();',
          'let h = 0;',
          'for (const j of jobs) for (let k = 0; k < 200000; k++) h = (h * 31 + j.length + k) | 0;',
          'const ms = Number(process.hrtime.bigint() - t0) / 1e6;',
          "console.log(new Date().toISOString() + ' INFO worker: batch of ' + jobs.length + ' done latency_ms=' + ms.toFixed(1) + ' h=' + h);",
        ].join('\n') + '\n',
      'docs/worker.md': '# Worker\n',
      'logs/worker.log': '',
    },
    trigger: 'data/queue.jsonl',
    async run({ w, agent, snapshot }) {
      await agent.bash('node src/worker.js >> logs/worker.log 2>&1');
      agent.save();
      await snapshot('worker 1');
      for (const [i, more] of [80, 200, 450].entries()) {
        if (i === 0) agent.edit('docs/worker.md', '# Worker\n', '# Worker\n\nProcesses the queue.\n');
        appendFileSync(w.path('data/queue.jsonl'), jobs(more));
        infoSpam(w, 'logs/worker.log', 'worker', 3, 'heartbeat');
        await agent.bash('node src/worker.js >> logs/worker.log 2>&1');
        agent.save();
        await snapshot(`worker ${i + 2}`);
      }
    },
  },
  {
    id: 'drift-threshold-codex',
    category: 'drift',
    agent: 'codex',
    task: 'Tune the fraud threshold a little each night to cut false alarms.',
    files: {
      'config/model.json': JSON.stringify({ threshold: 0.5, owner: 'risk' }, null, 2) + '\n',
      'data/tx.csv':
        'score,fraud\n' + Array.from({ length: 100 }, (_, i) => `${(i / 100).toFixed(2)},${i >= 60 ? 1 : 0}`).join('\n') + '\n',
      'src/eval.py':
        [
          'import json',
          "t = json.load(open('config/model.json'))['threshold']",
          "rows = [l.split(',') for l in open('data/tx.csv').read().split()[1:]]",
          'caught = sum(1 for s, f in rows if f == "1" and float(s) >= t)',
          'total = sum(1 for s, f in rows if f == "1")',
          "json.dump({'recall': round(caught / total, 3)}, open('out/eval.json', 'w'))",
          "print('eval: recall', round(caught / total, 3))",
        ].join('\n') + '\n',
      'out/.keep': '',
      'logs/eval.log': '',
    },
    trigger: 'config/model.json',
    async run({ agent, snapshot }) {
      await agent.bash('python3 src/eval.py >> logs/eval.log 2>&1');
      agent.save();
      await snapshot('eval 1');
      for (const [i, [from, to]] of [
        ['0.5', '0.65'],
        ['0.65', '0.75'],
        ['0.75', '0.85'],
      ].entries()) {
        agent.edit('config/model.json', `"threshold": ${from}`, `"threshold": ${to}`);
        if (i === 2) agent.edit('config/model.json', '"owner": "risk"', '"owner": "risk-team"');
        await agent.bash('python3 src/eval.py >> logs/eval.log 2>&1');
        agent.save();
        await snapshot(`eval ${i + 2}`);
      }
    },
  },
  {
    id: 'drift-feed-shrinks-aider',
    category: 'drift',
    agent: 'aider',
    task: 'Refresh the product feed nightly',
    files: {
      'data/feed.csv': feed(500),
      'src/summary.py':
        [
          'import json',
          "rows = open('data/feed.csv').read().split()[1:]",
          "json.dump({'rows': len(rows)}, open('reports/summary.json', 'w'))",
          "print('summary: rows', len(rows))",
        ].join('\n') + '\n',
      'reports/.keep': '',
      'src/notify.py': "MESSAGE = 'feed refreshed'\n",
      'logs/summary.log': '',
    },
    trigger: 'data/feed.csv',
    async run({ agent, snapshot }) {
      await agent.bash('python3 src/summary.py >> logs/summary.log 2>&1');
      agent.save();
      await snapshot('feed 1');
      for (const [i, n] of [420, 300, 150].entries()) {
        agent.writeFile('data/feed.csv', feed(n));
        if (i === 2) agent.edit('src/notify.py', "'feed refreshed'", "'product feed refreshed'");
        await agent.bash('python3 src/summary.py >> logs/summary.log 2>&1');
        agent.save();
        await snapshot(`feed ${i + 2}`);
      }
    },
  },

  // ================================================================ written after the engine changes, run once blind
  {
    id: 'blind-monorepo-handler-claude',
    category: 'logic_error',
    agent: 'claude',
    task: 'Return the user name in upper case from the API handler.',
    files: {
      'packages/api/src/handler.js': 'function greet(user) { return `hello ${user.name}`; }\nmodule.exports = { greet };\n',
      'packages/api/test/handler.test.js':
        "const test = require('node:test');\nconst assert = require('node:assert');\nconst { greet } = require('../src/handler.js');\ntest('greets by name', () => assert.strictEqual(greet({ name: 'ann' }), 'hello ANN'));\ntest('greets anonymous', () => assert.strictEqual(greet({}), 'hello ANONYMOUS'));\n",
      'packages/web/README.md': '# web\n',
      'packages/web/package.json': JSON.stringify({ name: 'web', version: '0.3.0' }, null, 2) + '\n',
      'logs/ci.log': '',
    },
    errorAt: { file: 'logs/ci.log', match: /^not ok \d+ - greets anonymous/ },
    trigger: 'packages/api/src/handler.js',
    async run({ agent }) {
      agent.edit('packages/api/src/handler.js', 'return `hello ${user.name}`;', 'return `hello ${user.name.toUpperCase()}`;');
      agent.edit('packages/web/README.md', '# web\n', '# web\n\nThe web front end.\n');
      await agent.bash('cd packages/api && node --test --test-reporter=tap test/ >> ../../logs/ci.log 2>&1');
    },
  },
  {
    id: 'blind-ml-train-nan-cron',
    category: 'data_corruption',
    agent: 'cron',
    task: 'nightly training',
    files: {
      'data/train.csv': 'x,y\n' + Array.from({ length: 50 }, (_, i) => `${i},${i * 2}`).join('\n') + '\n',
      'config/train.json': JSON.stringify({ epochs: 5, lr: 0.01 }, null, 2) + '\n',
      'train.py':
        [
          'import csv, json',
          "cfg = json.load(open('config/train.json'))",
          "print('train: epochs', cfg['epochs'], flush=True)",
          "rows = list(csv.DictReader(open('data/train.csv')))",
          "xs = [float(r['x']) for r in rows]",
          "ys = [float(r['y']) for r in rows]",
          "print('train: fitted on', len(xs), 'rows')",
        ].join('\n') + '\n',
      'logs/train.log': oldLog('train'),
    },
    errorAt: { file: 'logs/train.log', match: /^ValueError/ },
    trigger: 'data/train.csv',
    async run({ w }) {
      w.write({ 'config/train.json': JSON.stringify({ epochs: 8, lr: 0.01 }, null, 2) + '\n' });
      appendFileSync(w.path('data/train.csv'), '51,102\n52,n/a\n53,106\n');
      infoSpam(w, 'logs/train.log', 'train', 12, 'heartbeat');
      const r = await sh(w, 'python3 train.py', { log: 'logs/train.log' });
      cronExit(w, 'logs/train.log', 'train.py', r.code);
    },
  },
  {
    id: 'blind-psql-refused-cron',
    category: 'external_failure',
    agent: 'cron',
    task: 'database backup',
    files: {
      'scripts/backup.sh':
        '#!/bin/bash\nset -e\n# nightly backup\necho "$(date -u +%FT%TZ) INFO backup: dumping"\npsql -h 127.0.0.1 -p "$PGPORT" -U backup -c "select 1" app\n',
      'logs/backup.log': oldLog('backup'),
    },
    errorAt: { file: 'logs/backup.log', match: /Connection refused/ },
    trigger: 'external',
    async run({ w }) {
      const text = readFileSync(w.path('scripts/backup.sh'), 'utf8').replace('# nightly backup', '# nightly backup, kept 14 days');
      w.write({ 'scripts/backup.sh': text });
      infoSpam(w, 'logs/backup.log', 'backup', 8, 'heartbeat');
      const port = await closedPort();
      const r = await sh(w, 'bash scripts/backup.sh', { log: 'logs/backup.log', env: { PGPORT: String(port), PGCONNECT_TIMEOUT: '2' } });
      cronExit(w, 'logs/backup.log', 'scripts/backup.sh', r.code);
    },
  },
  {
    id: 'blind-yaml-indent-codex',
    category: 'config_error',
    agent: 'codex',
    task: 'Add a staging target to the deploy config.',
    files: {
      'config/deploy.yaml': 'targets:\n  prod:\n    host: prod.internal\n    replicas: 3\n',
      'deploy.py':
        [
          'import yaml',
          "print('deploy: loading config/deploy.yaml', flush=True)",
          "cfg = yaml.safe_load(open('config/deploy.yaml'))",
          "print('deploy:', sorted(cfg['targets']))",
        ].join('\n') + '\n',
      'docs/deploy.md': '# Deploy\n',
      'logs/deploy.log': '',
    },
    errorAt: { file: 'logs/deploy.log', match: /^yaml\.\w+\.\w+Error/ },
    trigger: 'config/deploy.yaml',
    async run({ agent }) {
      agent.edit('config/deploy.yaml', '    replicas: 3\n', '    replicas: 3\n  staging:\n    host: staging.internal\n   replicas: 1\n');
      agent.edit('docs/deploy.md', '# Deploy\n', '# Deploy\n\nTargets: prod, staging.\n');
      await agent.bash('python3 deploy.py >> logs/deploy.log 2>&1');
    },
  },
  {
    id: 'blind-recursion-plain',
    category: 'logic_error',
    agent: 'plain',
    task: 'simplify the tree walker',
    files: {
      'src/tree.py':
        'def depth(node):\n    if not node.get("children"):\n        return 1\n    return 1 + max(depth(c) for c in node["children"])\n\nprint("depth", depth({"children": [{"children": []}]}))\n',
      'config/logging.ini': '[log]\nlevel = info\n',
      'logs/tree.log': '',
    },
    errorAt: { file: 'logs/tree.log', match: /^RecursionError/ },
    trigger: 'src/tree.py',
    async run({ agent }) {
      agent.edit(
        'src/tree.py',
        '    if not node.get("children"):\n        return 1\n    return 1 + max(depth(c) for c in node["children"])',
        '    return 1 + max([depth(node)] + [depth(c) for c in node.get("children", [])])',
      );
      agent.edit('config/logging.ini', 'level = info', 'level = debug');
      await agent.bash('python3 src/tree.py >> logs/tree.log 2>&1');
    },
  },
  {
    id: 'blind-unbound-var-aider',
    category: 'config_error',
    agent: 'aider',
    task: 'Rename DEPLOY_TARGET to TARGET in the env file',
    files: {
      '.env': 'DEPLOY_TARGET=prod\nDEPLOY_USER=ci\n',
      'scripts/deploy.sh': 'set -u\nset -a; . ./.env; set +a\necho "$(date -u +%FT%TZ) INFO deploy: to $DEPLOY_TARGET as $DEPLOY_USER"\n',
      'scripts/README.md': 'Deploy scripts.\n',
      'logs/deploy.log': oldLog('deploy'),
    },
    errorAt: { file: 'logs/deploy.log', match: /DEPLOY_TARGET: unbound variable/ },
    trigger: '.env',
    async run({ w, agent }) {
      agent.edit('.env', 'DEPLOY_TARGET=prod', 'TARGET=prod');
      agent.edit('scripts/README.md', 'Deploy scripts.', 'Deploy scripts; see .env for the target.');
      infoSpam(w, 'logs/deploy.log', 'deploy', 6);
      await agent.bash('bash scripts/deploy.sh >> logs/deploy.log 2>&1');
    },
  },
  {
    id: 'blind-file-size-limit-cron',
    category: 'resource_exhaustion',
    agent: 'cron',
    task: 'expand report',
    files: {
      'data/rows.csv': 'id\n' + Array.from({ length: 100 }, (_, i) => String(i)).join('\n') + '\n',
      'src/expand.py':
        [
          "rows = open('data/rows.csv').read().split()[1:]",
          "with open('build/expanded.txt', 'w') as out:",
          '    for r in rows:',
          "        out.write(r * 200 + '\\n')",
          "print('expand: wrote', len(rows), 'rows')",
        ].join('\n') + '\n',
      'build/.keep': '',
      'README.md': README,
      'logs/expand.log': oldLog('expand'),
    },
    errorAt: { file: 'logs/expand.log', match: /File too large|File size limit exceeded/ },
    trigger: 'data/rows.csv',
    async run({ w }) {
      w.write({ 'README.md': README + '\nThe expansion runs after the import.\n' });
      w.write({ 'data/rows.csv': 'id\n' + Array.from({ length: 20_000 }, (_, i) => String(i)).join('\n') + '\n' });
      infoSpam(w, 'logs/expand.log', 'expand', 9, 'heartbeat');
      const r = await sh(w, 'ulimit -f 200; python3 src/expand.py', { log: 'logs/expand.log' });
      cronExit(w, 'logs/expand.log', 'src/expand.py', r.code);
    },
  },
];

function labels(n: number, wrong: number): string {
  const rows = ['id,truth,pred'];
  for (let i = 0; i < n; i++) rows.push(`${i},${i % 2},${i < wrong ? 1 - (i % 2) : i % 2}`);
  return rows.join('\n') + '\n';
}

function words(from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => `w${from + i}`);
}

function jobs(n: number): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, at: iso(), payload: 'x'.repeat(20) })).join('\n') + '\n';
}

function feed(n: number): string {
  return 'sku,price\n' + Array.from({ length: n }, (_, i) => `sku${i},${(i % 50) + 1}`).join('\n') + '\n';
}
