/** Entry of the stat preload's worker thread (bundled as dist/statWorker.js); see statPreload.ts. */
import { parentPort } from 'node:worker_threads';
import { type StatJob, statChunks } from './statChunks';

parentPort?.on('message', (job: StatJob) => {
  statChunks(job.paths, new Int32Array(job.control), new Float64Array(job.results), job.chunkSize);
});
