/** Entry of the log scan worker thread (bundled as dist/logScanWorker.js); see logThread.ts. */
import { parentPort, workerData } from 'node:worker_threads';
import { type LogThreadJob, type LogThreadResult, runLogJob } from './logThread';

const run = (job: LogThreadJob): Promise<void> => runLogJob(job).then((result: LogThreadResult) => parentPort?.postMessage(result));

// Started before its job was known, the worker is handed it as its first message.
if (workerData) void run(workerData as LogThreadJob);
else parentPort?.once('message', (job: LogThreadJob) => void run(job));
