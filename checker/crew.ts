/**
 * The worker threads of parallel searches, started through worker-threads-pool and kept between runs (a matrix, a
 * suite or a test checks many configurations: starting a worker costs ~0.4 s, so each is started once, loads each
 * spec once, and is set up afresh for every run). A crew whose run failed is terminated: its workers may still be
 * mid-level.
 */
import type { Worker } from 'node:worker_threads';
import Pool from 'worker-threads-pool';
import { ExitCode } from './exit-codes.ts';
import type { FromWorker } from './worker.ts';

export interface WorkerHandle {
  readonly worker: Worker;
  readonly inbox: FromWorker[];
  wake?: () => void;
}

export interface Crew {
  readonly key: string;
  readonly pool: Pool;
  readonly handles: WorkerHandle[];
}

const idle = new Map<string, Crew>();

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

export async function acquireCrew(workers: number): Promise<Crew> {
  const key = String(workers);
  const kept = idle.get(key);
  if (kept) {
    idle.delete(key);
    for (const h of kept.handles) h.worker.ref();
    return kept;
  }
  for (const [k, other] of idle) { idle.delete(k); await terminate(other); }
  const pool = new Pool({ max: workers });
  const entry = new URL('./worker-entry.mjs', import.meta.url).pathname;
  const started = await Promise.all(Array.from({ length: workers }, () => new Promise<Worker>((resolve, reject) => {
    // A small young generation: a worker's garbage is decoded states and successors that die within one
    // expansion, so a 4 MiB nursery collects them as cheaply as a big one, and each worker's RSS is ~10-20 MiB
    // smaller (measured: filter N=6 with 2 workers, 338 -> 328 MiB peak RSS at the same speed).
    pool.acquire(entry, { resourceLimits: { maxYoungGenerationSizeMb: 4 } }, (err, w) => (err ? reject(err) : resolve(w)));
  })));
  const handles = started.map((worker) => {
    const h: WorkerHandle = { worker, inbox: [] };
    const deliver = (m: FromWorker) => { h.inbox.push(m); h.wake?.(); };
    worker.on('message', deliver);
    worker.on('error', (e) => deliver({ type: 'error', message: `a worker thread crashed: ${e.message}`, exitCode: ExitCode.system }));
    worker.on('exit', (code) => deliver({ type: 'error', message: `a worker thread exited unexpectedly (code ${code})`, exitCode: ExitCode.system }));
    return h;
  });
  const crew: Crew = { key, pool, handles };
  try {
    await Promise.all(handles.map(waitReady));
  } catch (e) {
    await terminate(crew);
    throw e;
  }
  return crew;
}

async function terminate(crew: Crew): Promise<void> {
  // Worker.terminate() returns a promise; worker-threads-pool's destroy() still uses its deprecated callback form.
  for (const h of crew.handles) h.worker.removeAllListeners('exit');
  await Promise.all(crew.handles.map((h) => h.worker.terminate()));
}

export async function releaseCrew(crew: Crew, failed: boolean): Promise<void> {
  if (failed) { await terminate(crew); return; }
  // Kept workers must not keep the process alive.
  for (const h of crew.handles) h.worker.unref();
  idle.set(crew.key, crew);
}

/** Ends every kept worker (the CLI calls it before exiting; tests after a file). */
export async function shutdownCrews(): Promise<void> {
  const all = [...idle.values()];
  idle.clear();
  await Promise.all(all.map(terminate));
}
