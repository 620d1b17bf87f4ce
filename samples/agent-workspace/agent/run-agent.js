// A scripted stand-in for an AI coding agent: it reasons, edits the workspace, runs the job.
// Everything it does really happens; the failure at the end is a real refused connection.
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const agentLog = path.join(root, 'agent/agent.log');
const say = (line) => fs.appendFileSync(agentLog, `${new Date().toISOString()} ${line}\n`);

// A port nothing listens on: bind, note it, close.
function closedPort() {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function main() {
  say('Plan: speed up the nightly report before tonight\'s run');
  say('Thought: the job spends most of its time waiting on the database connection pool');
  const port = await closedPort();
  say(`Decision: point the job at the read replica on port ${port} because the primary is slow at night`);
  const cfgPath = path.join(root, 'config/app.json');
  const cfg = JSON.parse(fs.readFileSync(cfgPath, 'utf8'));
  cfg.database.port = port;
  cfg.batchSize = 5000;
  fs.writeFileSync(cfgPath, JSON.stringify(cfg, null, 2) + '\n');
  say('Action: edit config/app.json (database.port, batchSize)');

  say('Decision: remove agent/notes.md since it is stale');
  fs.rmSync(path.join(root, 'agent/notes.md'), { force: true });
  say('Action: delete agent/notes.md');

  say('Action: run node src/job.js');
  const run = spawnSync(process.execPath, [path.join(root, 'src/job.js')], { cwd: root, encoding: 'utf8' });
  fs.appendFileSync(path.join(root, 'logs/job.log'), run.stderr + run.stdout);
  if (run.status !== 0) fs.appendFileSync(path.join(root, 'logs/job.log'), `job exited with code ${run.status}\n`);
  say(`Observation: job exited with code ${run.status}; ${run.status === 0 ? 'report written' : 'see logs/job.log'}`);
}

main();
