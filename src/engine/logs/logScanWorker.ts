/** Entry of the log scan worker thread (bundled as dist/logScanWorker.js); see logThread.ts. */
import { parentPort, workerData } from 'node:worker_threads';
import { type LogThreadJob, runLogJob } from './logThread';

void runLogJob(workerData as LogThreadJob).then((result) => parentPort?.postMessage(result));
