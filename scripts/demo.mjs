// The README's first command: copies the bundled sample workspace to a temporary folder,
// takes a baseline, lets the sample "agent" break it for real, and shows what the CLI finds.
import { cpSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'dist', 'cli.js');
const ws = mkdtempSync(path.join(os.tmpdir(), 'incident-replay-demo-'));
cpSync(path.join(root, 'samples', 'agent-workspace'), ws, { recursive: true });

function step(title, args, { allowFail = false } = {}) {
  console.log(`\n\x1b[1m$ incident-replay ${args.join(' ')}\x1b[0m   # ${title}`);
  const r = spawnSync(process.execPath, [cli, '--workspace', ws, ...args], { stdio: 'inherit' });
  if (r.status !== 0 && !allowFail) {
    console.error(`demo step failed with exit code ${r.status}`);
    process.exit(r.status ?? 1);
  }
}

console.log(`Sample workspace copied to ${ws}`);
step('capture the healthy workspace as the baseline', ['snapshot', '--baseline', '--label', 'baseline']);
console.log('\n$ node agent/run-agent.js   # the sample agent edits config, deletes a file and runs the job');
spawnSync(process.execPath, [path.join(ws, 'agent', 'run-agent.js')], { stdio: 'inherit', cwd: ws });
step('snapshot again and analyse everything since the baseline', ['analyze']);
step('the changes behind it (patches: drop --stat)', ['diff', 'baseline', 'latest', '--stat']);
step('the snapshots in the store', ['snapshots']);
step('write the blameless postmortem into the repository', ['report', 'INC-0001']);
console.log(`\nExplore further: node dist/cli.js --workspace ${ws} show INC-0001   (or --help)`);
