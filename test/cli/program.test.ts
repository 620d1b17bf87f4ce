import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Command } from 'commander';
import { commandVerb } from '../../src/cli/argv';
import { COMMAND_MODULES } from '../../src/cli/program';
import type { CliIo } from '../../src/cli/io';
import { cli, TempWorkspace } from '../support/workspace';

const quiet: CliIo = { out: () => undefined, err: () => undefined };

test('the table of command modules names exactly the verbs each module registers', async () => {
  const seen = new Set<string>();
  for (const m of COMMAND_MODULES) {
    const program = new Command('incident-replay');
    (await m.load())(program, quiet);
    const registered = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
    assert.deepEqual([...registered].sort(), [...m.verbs].sort());
    for (const v of m.verbs) {
      assert.equal(seen.has(v), false, `${v} is listed twice`);
      seen.add(v);
    }
  }
});

test('the verb is the first word that is neither an option nor a global option value', () => {
  assert.equal(commandVerb(['snapshot', '--label', 'x']), 'snapshot');
  assert.equal(commandVerb(['--workspace', 'diff', '--store', 'prune', 'snapshot']), 'snapshot');
  assert.equal(commandVerb(['--workspace=diff', '--trust-config', 'hooks', 'run']), 'hooks');
  assert.equal(commandVerb(['--', 'run']), 'run');
  assert.equal(commandVerb(['--help']), undefined);
  assert.equal(commandVerb([]), undefined);
});

const spaces: TempWorkspace[] = [];
after(() => spaces.forEach((w) => w.dispose()));

test('help lists every command, and a mistyped verb gets a suggestion from all of them', () => {
  const w = new TempWorkspace();
  spaces.push(w);
  const help = cli(w, '--help');
  assert.equal(help.code, 0);
  for (const verb of COMMAND_MODULES.flatMap((m) => m.verbs)) assert.match(help.stdout, new RegExp(`^  ${verb}\\b`, 'm'));
  const typo = cli(w, 'snapshut');
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /unknown command 'snapshut'[\s\S]*snapshot/);
});
