/**
 * Keys of many providers, planted in a workspace the way they leak (a config rewritten with a
 * key, an .env, a log line printing one, an agent's notes), must reach no output of the built
 * CLI (`npm run build` first): every JSON and text command, the diff's patches, every report
 * format, eval cases, learnings, the summary, and the store's database file itself.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { Incident } from '../../src/engine/types';
import { cli, settle, TempWorkspace } from '../support/workspace';
import { keyCorpus, randomString, type PlantedKey } from './keyCorpus';

const spaces: TempWorkspace[] = [];
after(() => spaces.forEach((w) => w.dispose()));

function ok(w: TempWorkspace, ...args: string[]): string {
  const r = cli(w, ...args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Every file under a folder, as text (the database is binary, but SQLite keeps text as UTF-8 bytes). */
function filesUnder(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push({ file: p, text: readFileSync(p).toString('latin1') + readFileSync(p, 'utf8') });
  }
  return out;
}

function leaks(outputs: Record<string, string>, keys: readonly PlantedKey[]): string[] {
  const found: string[] = [];
  for (const [what, text] of Object.entries(outputs)) {
    for (const k of keys) if (text.includes(k.value)) found.push(`${what} leaks the ${k.provider}`);
  }
  return found;
}

test('no key of 38 providers reaches any export path', async () => {
  const keys = keyCorpus();
  assert.ok(new Set(keys.map((k) => k.provider)).size >= 30, 'the corpus covers at least 30 providers');
  const part = (i: number): PlantedKey[] => keys.filter((_, j) => j % 4 === i);
  const w = new TempWorkspace({
    'config/app.properties': 'service=payments\nretries=3\n',
    '.env': 'NODE_ENV=production\n',
    'logs/app.log': '',
    'agent/session.log': '',
    'src/main.py': 'print("hello")\n',
  });
  spaces.push(w);
  ok(w, 'snapshot', '--baseline');
  await settle();

  // A config rewritten with keys, an .env, a program logging keys, an agent's notes quoting them.
  w.write({
    'config/app.properties':
      'service=payments\nretries=3\n' +
      part(0)
        .map((k) => k.line)
        .join('\n') +
      '\n',
    '.env':
      'NODE_ENV=production\n' +
      part(1)
        .map((k) => k.line)
        .join('\n') +
      '\n',
  });
  const now = Date.now();
  appendFileSync(
    w.path('logs/app.log'),
    part(2)
      .map((k, i) => `${new Date(now + i).toISOString()} ERROR payments: request failed: ${k.line}`)
      .join('\n') + '\n',
  );
  appendFileSync(
    w.path('agent/session.log'),
    part(3)
      .map((k) => `Thought: the deploy needs credentials\nDecision: use ${k.line}\nAction: run the deploy with ${k.value}`)
      .join('\n') + '\n',
  );
  const byProvider = (name: string): PlantedKey => keys.find((k) => k.provider === name) as PlantedKey;
  // Typed by people after the analysis, so only the export pass stands between them and the outputs: keys no prefix names.
  const titleKey = byProvider('Azure storage account key');
  const analyzed = ok(w, 'analyze', '--json', '--title', `Payments down, key ${titleKey.value} leaked`);
  const incident = (JSON.parse(analyzed) as { incident: Incident }).incident;
  assert.ok(incident.triggers.filter((t) => t.kind === 'secret').length >= 20, 'the keys are reported as secret triggers');

  ok(w, 'postmortem', incident.id, '--set', `summary=Rotated ${byProvider('AWS secret access key').value} after the leak`);
  ok(w, 'postmortem', incident.id, '--set', `root_cause.immediate=${byProvider('Generic service secret').line}`);
  ok(w, 'annotate', incident.id, '--outcome', 'fixed', '--note', `revoked ${byProvider('Twilio auth token').line}`);

  const reportFile = (format: string): string => readFileSync(ok(w, 'report', incident.id, '--format', format, '--force').trim(), 'utf8');
  const outputs: Record<string, string> = {
    'analyze --json': analyzed,
    'triggers --json': ok(w, 'triggers', incident.baselineId, incident.postId, '--json'),
    triggers: ok(w, 'triggers', incident.baselineId, incident.postId),
    // The patches quote the files as written: only the export pass stands between them and the terminal.
    diff: ok(w, 'diff', incident.baselineId, incident.postId),
    'diff --json': ok(w, 'diff', incident.baselineId, incident.postId, '--json'),
    'show --json': ok(w, 'show', incident.id, '--json'),
    show: ok(w, 'show', incident.id),
    'incidents --json': ok(w, 'incidents', '--json'),
    'patterns --json': ok(w, 'patterns', '--json'),
    'postmortem --json': ok(w, 'postmortem', incident.id, '--json'),
    postmortem: ok(w, 'postmortem', incident.id),
    'report md': reportFile('md'),
    'report json': reportFile('json'),
    'report yaml': reportFile('yaml'),
    'export-evals': ok(w, 'export-evals'),
    learnings: readFileSync(ok(w, 'learnings').trim(), 'utf8'),
    summary: ok(w, 'summary'),
    'summary --json': ok(w, 'summary', '--format', 'json'),
  };
  for (const { file, text } of filesUnder(w.path('.incident-replay')).filter((f) => /\.(db|sqlite3?)$/.test(f.file))) {
    outputs[`database ${path.basename(file)}`] = text;
  }
  assert.ok(
    Object.keys(outputs).some((k) => k.startsWith('database')),
    'the store has a database file to check',
  );
  assert.deepEqual(leaks(outputs, keys), []);

  // Redacted, not dropped: the exports still say what was found and where.
  assert.match(outputs['report md'] ?? '', /…\[redacted \d+ chars\]/);
  assert.match(outputs['show'] ?? '', /config\/app\.properties|\.env/);
});

test("a team's .gitleaks.toml adds detection through the CLI, and its keys stay out of the outputs", async () => {
  const token = 'acme_' + randomString('abcdefghijklmnopqrstuvwxyz0123456789', 32);
  const w = new TempWorkspace({
    '.gitleaks.toml': `[[rules]]\nid = "acme-token"\ndescription = "ACME internal token"\nregex = '''\\b(acme_[a-z0-9]{32})\\b'''\nkeywords = ["acme_"]\n`,
    'deploy.sh': '#!/bin/sh\necho deploying\n',
  });
  spaces.push(w);
  ok(w, 'snapshot', '--baseline');
  await settle();
  w.write({ 'deploy.sh': `#!/bin/sh\nexport ACME=${token}\necho deploying\n` });
  const out = ok(w, 'analyze', '--json');
  const incident = (JSON.parse(out) as { incident: Incident }).incident;
  assert.deepEqual(
    incident.triggers.filter((t) => t.kind === 'secret').map((t) => [t.file, t.line, t.message]),
    [['deploy.sh', 2, 'Secret added: ACME internal token acme…[redacted 33 chars]']],
  );
  const shown = [out, ok(w, 'show', incident.id), readFileSync(ok(w, 'report', incident.id).trim(), 'utf8')];
  for (const text of shown) assert.ok(!text.includes(token));
});

test("a workspace's .gitleaks.toml allowlist quiets nothing until the workspace's config is trusted", async () => {
  const token = 'ghp_' + randomString('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 36);
  const w = new TempWorkspace({ '.gitleaks.toml': "[allowlist]\ndescription = \"everything\"\npaths = ['''.*''']\n", 'a.txt': 'x\n' });
  spaces.push(w);
  ok(w, 'snapshot', '--baseline');
  await settle();
  w.write({ 'a.txt': `GITHUB_TOKEN=${token}\n` });
  const r = cli(w, 'analyze', '--json');
  assert.equal(r.code, 0, r.stderr);
  const incident = (JSON.parse(r.stdout) as { incident: Incident | null }).incident;
  assert.deepEqual(
    incident?.triggers.map((t) => t.kind),
    ['secret'],
  );
  assert.match(r.stderr, /\.gitleaks\.toml: global allowlist ignored \(untrusted file/);
  ok(w, 'resolve', incident?.id ?? '');

  w.write({ 'a.txt': `GITHUB_TOKEN=${token}\nmore\n` });
  const trusted = JSON.parse(ok(w, '--trust-config', 'analyze', '--json')) as { incident: Incident | null };
  assert.equal(trusted.incident, null, 'the trusted allowlist covers every path');
});
