/**
 * The worker threads of parallel searches. A matrix, a suite or a test file checks many configurations, and
 * starting a worker costs ~0.4 s (tsx, then the checker and the spec compiled in the new thread), so workers are
 * started once and kept between runs: each loads each spec once (checker/parallel/worker.ts) and is set up afresh
 * for every run.
 *
 * worker-threads-pool does the starting and the bookkeeping of live threads: `acquire` starts a worker (or queues
 * the request while `max` threads are alive), and the pool forgets a worker as soon as it exits or fails, so
 * `livingWorkers()` is the number of threads really alive. This module keeps the idle ones for reuse, hands a
 * *crew* of them to a run, and retires workers (Worker.terminate, which the pool sees exit) when their run failed,
 * since they may still be in the middle of a level, and at shutdown. The pool's own `destroy()` is not used: it
 * calls the callback form of terminate(), deprecated since Node 12 (DEP0132).
 */
import type { Worker } from 'node:worker_threads';
import Pool from 'worker-threads-pool';
import { ExitCode } from '../exit-codes.ts';
import type { FromWorker } from './protocol.ts';

export interface WorkerHandle {
  readonly worker: Worker;
  readonly inbox: FromWorker[];
  wake?: () => void;
  /** Set when this module ends the thread itself: its exit is then expected, not an error. */
  retiring?: boolean;
}

/** The workers of one run. */
export interface Crew {
  readonly handles: WorkerHandle[];
}

/** `--workers` accepts at most this many; the pool never runs more threads. */
export const MAX_WORKERS = 256;

const pool = new Pool({ max: MAX_WORKERS });
const idle: WorkerHandle[] = [];
const entry = new URL('./worker-entry.mjs', import.meta.url).pathname;

/** Threads alive now (idle or in a crew), as the pool counts them. */
export function livingWorkers(): number { return pool.size; }

function waitReady(h: WorkerHandle): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = h.inbox.shift();
      if (!m) { h.wake = check; return; }
      h.wake = undefined;
      if (m.type === 'ready') resolve();
      else reject(new Error(m.type === 'error' ? m.message : `worker said ${m.type} before ready`));
    };
    check();
  });
}

async function startWorker(): Promise<WorkerHandle> {
  const worker = await new Promise<Worker>((resolve, reject) => {
    // A small young generation: a worker's garbage is decoded states and successors that die within one
    // expansion, so a 4 MiB nursery collects them as cheaply as a big one, and each worker's RSS is ~10-20 MiB
    // smaller (measured: filter N=6 with 2 workers, 338 -> 328 MiB peak RSS at the same speed).
    pool.acquire(entry, { resourceLimits: { maxYoungGenerationSizeMb: 4 } }, (err, w) => (err ? reject(err) : resolve(w)));
  });
  const h: WorkerHandle = { worker, inbox: [] };
  const deliver = (m: FromWorker) => { h.inbox.push(m); h.wake?.(); };
  worker.on('message', deliver);
  worker.on('error', (e) => deliver({ type: 'error', message: `a worker thread crashed: ${e.message}`, exitCode: ExitCode.system }));
  worker.on('exit', (code) => {
    const i = idle.indexOf(h);
    if (i >= 0) idle.splice(i, 1);
    if (!h.retiring) deliver({ type: 'error', message: `a worker thread exited unexpectedly (code ${code})`, exitCode: ExitCode.system });
  });
  await waitReady(h);
  return h;
}

/** A crew of `workers` threads: idle ones first, new ones for the rest. */
export async function acquireCrew(workers: number): Promise<Crew> {
  const handles = idle.splice(0, workers);
  for (const h of handles) h.worker.ref();
  try {
    const started = await Promise.all(Array.from({ length: workers - handles.length }, startWorker));
    handles.push(...started);
  } catch (e) {
    await retire(handles);
    throw e;
  }
  return { handles };
}

async function retire(handles: readonly WorkerHandle[]): Promise<void> {
  for (const h of handles) h.retiring = true;
  await Promise.all(handles.map((h) => h.worker.terminate()));
}

/** Ends a run's use of its crew: kept for the next run, or retired if the run failed. */
export async function releaseCrew(crew: Crew, failed: boolean): Promise<void> {
  if (failed) { await retire(crew.handles); return; }
  // Kept workers must not keep the process alive.
  for (const h of crew.handles) { h.worker.unref(); h.inbox.length = 0; }
  idle.push(...crew.handles);
}

/** Retires every idle worker (the CLI calls it before exiting; tests after a file). */
export async function shutdownCrews(): Promise<void> {
  await retire(idle.splice(0));
}
