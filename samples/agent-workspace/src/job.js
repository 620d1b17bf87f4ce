// The nightly job the agent maintains: totals the orders and checks the database is up.
// It needs a database on config.database.port; in the demo nothing listens there.
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const config = JSON.parse(fs.readFileSync(path.join(root, 'config/app.json'), 'utf8'));

function log(level, msg) {
  console.error(`${new Date().toISOString()} ${level} nightly-report: ${msg}`);
}

function connect({ host, port, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`connect ETIMEDOUT ${host}:${port}`)));
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function main() {
  log('INFO', `starting with batchSize=${config.batchSize}`);
  const out = path.join(root, config.output);
  // The output is opened before the work, so a failed run leaves it empty.
  fs.writeFileSync(out, '');
  const socket = await connect(config.database);
  const rows = fs.readFileSync(path.join(root, 'data/orders.csv'), 'utf8').trim().split('\n').slice(1);
  const total = rows.reduce((sum, r) => sum + Number(r.split(',')[2]), 0);
  fs.writeFileSync(out, `orders,total\n${rows.length},${total.toFixed(2)}\n`);
  socket.end();
  log('INFO', `wrote ${out}`);
}

main().catch((err) => {
  log('ERROR', `run failed: ${err.message}`);
  console.error(err.stack);
  process.exitCode = 1;
});
