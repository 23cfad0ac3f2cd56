/**
 * Running one configuration by random simulation (`--simulate`): the model built as for a check, behaviours walked
 * by number until the behaviour count, the time budget or a stop, and the smallest violating behaviour number
 * re-run here, shortened and turned into a trace. See checker/search/simulate.ts for the walk.
 *
 * Threads. Behaviour number i depends on the seed and i alone, so it does not matter which thread walks it: every
 * thread claims numbers from one shared counter (SimCoord.next), in increasing order. The main thread walks alone
 * first (`localMs`, 200 ms by default: a short run is over before workers would have started, ~0.4 s each); a longer
 * run then starts `workers` worker threads (checker/parallel/sim-worker.ts) and, once they are ready, leaves the
 * walking to them. With `--workers 1` the main thread walks everything, in slices between which it looks at SIGINT
 * and the clock.
 *
 * What is the same for any worker count:
 * - with `traces` (no time budget) and no violation: everything but the time (behaviours 0 .. traces-1, each walked
 *   whole; steps; the deepest behaviour; distinct states, counted in one fingerprint table shared by all threads);
 * - a violation: the smallest violating number among the behaviours walked, since a walker claims no number past
 *   a violating one and every smaller number was claimed before it and is walked to its end; the behaviour, its
 *   shortening and the trace are functions of (seed, number). The statistics then also count what other threads
 *   walked past it before they heard of it; `--traces number+1` gives them exactly.
 * - with `seconds`: claiming stops when the time is spent and walks under way are finished, so the run covers
 *   behaviours 0 .. M-1 whole for an M that depends on the machine's speed; a violation among them is the smallest.
 */
import { availableParallelism, totalmem } from 'node:os';
import type { TraceStep } from '../search/trace.ts';
import { Simulator, STAT_BEHAVIOURS, STAT_DEEPEST, STAT_STEPS, STAT_WORDS, type SimStats } from '../search/simulate.ts';
import { DistinctStates } from '../search/sim-distinct.ts';
import { capacityFor, SeenTable, tableBytes, type TableBuffers } from '../store/seen-table.ts';
import { acquireCrew, releaseCrew, type Crew, type WorkerHandle } from '../parallel/crew.ts';
import { SimCoord, type FromWorker } from '../parallel/protocol.ts';
import { claimOne, offerViolation } from '../parallel/sim-worker.ts';
import { errorFromWorker } from '../search/bfs.ts';
import type { CheckOptions } from './check.ts';
import { prepareRun } from './check.ts';
import type { LoadedSpec } from './load.ts';
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts';
import { exitCodeFor } from './outcome.ts';
import type { PropertyInfo } from '../model/properties.ts';

export interface SimulateOptions extends Pick<CheckOptions, 'config' | 'constants' | 'invariants' | 'noDeadlock' | 'shouldStop' | 'workers' | 'memoryBytes'> {
  readonly seed: number;
  /** States per behaviour at most (TLC -depth; default 100). */
  readonly depth: number;
  /** Behaviours to run (default: until the time budget). */
  readonly traces?: number;
  /** Time budget in seconds. */
  readonly seconds?: number;
  readonly onProgress?: (s: SimStats) => void;
  /** How long the main thread walks alone before starting the workers (ms; default 200; 0 in tests: at once). */
  readonly localMs?: number;
}

export interface SimResult {
  readonly specName: string;
  readonly config: string | undefined;
  readonly seed: number;
  readonly depth: number;
  readonly properties: readonly PropertyInfo[];
  readonly stats: SimStats;
  /** Threads that walked: 1 (the main thread alone) or the number of workers. */
  readonly workers: number;
  readonly violation?: {
    readonly property: string;
    readonly kind: 'invariant' | 'actionProperty' | 'deadlock';
    /** Its index: `--traces behaviour + 1` with the same seed finds it again. */
    readonly behaviour: number;
    /** States in the behaviour as found, before shortening. */
    readonly foundLength: number;
    readonly trace: TraceStep[];
  };
  readonly interrupted: boolean;
  readonly exitCode: ExitCodeValue;
}

/** Behaviour numbers are int32 words shared by the threads; the generator's stream is 32 bits anyway. */
export const MAX_BEHAVIOURS = 2 ** 31 - 1024;
const NONE = 2 ** 31 - 1;
/** 12 MiB: a run of a few seconds does not spend its time doubling the table. */
const INITIAL_CAPACITY = 1 << 20;
/** The main thread walks in slices this long, then looks at the clock, SIGINT and its workers. */
const SLICE_MS = 25;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function simulate(loaded: LoadedSpec, o: SimulateOptions): Promise<SimResult> {
  const { model } = prepareRun(loaded, { config: o.config, constants: o.constants, invariants: o.invariants, noDeadlock: o.noDeadlock, temporal: [], symmetry: 'off' });
  const workers = o.workers ?? availableParallelism();
  const shared = workers > 1;
  const budget = o.memoryBytes ?? Math.floor(totalmem() / 4);
  const words = (n: number, bytes: number) => (shared ? new SharedArrayBuffer(n * bytes) : new ArrayBuffer(n * bytes));
  const coord = new Int32Array(words(SimCoord.words, 4));
  coord[SimCoord.best] = NONE;
  const statsBuffer = words((workers + 1) * STAT_WORDS, 8);
  const stats = new Float64Array(statsBuffer);
  const firstCapacity = Math.min(INITIAL_CAPACITY, capacityFor(budget));
  const distinct = new DistinctStates(SeenTable.create(Math.max(firstCapacity, 64), shared));
  if (firstCapacity < 64) distinct.capped = true;
  const local = new Simulator(model, o.seed, o.depth, distinct, coord, stats, 0);
  const limit = Math.min(o.traces ?? MAX_BEHAVIOURS, MAX_BEHAVIOURS);
  const started = performance.now();
  const deadline = o.seconds === undefined ? Infinity : started + o.seconds * 1000;
  const elapsed = () => (performance.now() - started) / 1000;
  let interrupted = false;

  const merged = (): SimStats => {
    const s: SimStats = { behaviours: 0, steps: 0, distinct: distinct.table.size, deepest: 0, seconds: elapsed() };
    for (let i = 0; i <= workers; i++) {
      s.behaviours += stats[i * STAT_WORDS + STAT_BEHAVIOURS]!;
      s.steps += stats[i * STAT_WORDS + STAT_STEPS]!;
      s.deepest = Math.max(s.deepest, stats[i * STAT_WORDS + STAT_DEEPEST]!);
    }
    if (distinct.capped) s.distinctCapped = true;
    return s;
  };
  let lastProgress = started;
  /** SIGINT and the clock; progress once a second. */
  const look = () => {
    if (!interrupted && o.shouldStop?.()) { interrupted = true; Atomics.store(coord, SimCoord.stop, 1); }
    if (performance.now() >= deadline) Atomics.store(coord, SimCoord.noMore, 1);
    if (o.onProgress && performance.now() - lastProgress > 1000) { lastProgress = performance.now(); o.onProgress(merged()); }
  };
  /** Grows the shared table within the budget; undefined when it cannot (counting stops). */
  const grow = (): TableBuffers | undefined => {
    distinct.flush();
    const old = distinct.table;
    let capacity = old.capacity * 2;
    if (tableBytes(capacity) > budget) capacity = capacityFor(budget);
    let table: SeenTable | undefined;
    if (capacity >= old.capacity * 1.1) {
      try { table = old.rehash(capacity, shared).table; } catch { table = undefined; }
    }
    distinct.retable(table);
    return table?.buffers;
  };

  // The main thread alone: everything with one worker; the first `localMs` otherwise, and until the crew is ready.
  // With localMs 0 it does not walk at all (tests: a spec that ends its thread must not end the test process).
  const localMs = workers > 1 ? o.localMs ?? 200 : Infinity;
  const localUntil = started + localMs;
  let crew: Crew | undefined;
  let crewFailed: unknown;
  let starting: Promise<void> | undefined;
  let over = false;
  /** Walks here until the run is over or the workers are ready. */
  const walkHere = async () => {
    while (!over && !crew) {
      if (!starting && performance.now() >= localUntil) {
        starting = acquireCrew(workers).then((c) => { crew = c; }, (e: unknown) => { crewFailed = e; });
      }
      if (localMs === 0) await starting;
      else {
        const sliceEnd = performance.now() + SLICE_MS;
        do {
          if (distinct.wantsGrowth) grow();
          const n = claimOne(coord, limit);
          if (n < 0) { over = true; break; }
          if (local.run(n)) offerViolation(coord, n);
        } while (performance.now() < sliceEnd);
      }
      look();
      if (crewFailed) throw crewFailed;
      if (!over) await tick();
    }
  };
  // Workers that become ready after the main thread is done (or failed) are kept for the next run.
  const keepLateCrew = () => { void starting?.then(() => { if (crew) void releaseCrew(crew, false); }); };
  try {
    await walkHere();
  } catch (e) {
    if (!crew) keepLateCrew();
    throw e;
  }
  // Over before the workers were ready (the CLI ends them at exit).
  if (!crew) keepLateCrew();
  let threads = 1;
  if (crew && !over) {
    let failed = true;
    try {
      while (distinct.wantsGrowth) grow();
      distinct.flush();
      threads = crew.handles.length;
      await walkOnWorkers(crew.handles, { loaded, model, o, limit, coord, statsBuffer, distinct, grow, look });
      failed = false;
    } finally {
      if (failed) Atomics.store(coord, SimCoord.stop, 1);
      await releaseCrew(crew, failed);
    }
  } else if (crew) {
    await releaseCrew(crew, false);
  }
  distinct.flush();
  const s = merged();
  const base = {
    specName: loaded.spec.name, config: o.config, seed: o.seed, depth: o.depth, properties: model.properties.list, stats: s,
    workers: threads, interrupted,
  };
  const best = Atomics.load(coord, SimCoord.best);
  if (best === NONE) return { ...base, exitCode: interrupted ? ExitCode.interrupted : ExitCode.ok };
  // Walk the violating behaviour again, here, recording its choices (the walkers do not), and shorten it.
  const again = new Simulator(model, o.seed, o.depth, undefined, new Int32Array(SimCoord.words).fill(0).fill(NONE, SimCoord.best, SimCoord.best + 1));
  const found = again.run(best, true)!;
  const short = again.shorten(found);
  return {
    ...base,
    violation: { property: found.property, kind: found.kind, behaviour: found.behaviour, foundLength: found.choices.length + 1, trace: short.states },
    exitCode: exitCodeFor(found.kind),
  };
}

interface WorkerRun {
  readonly loaded: LoadedSpec;
  readonly model: ReturnType<typeof prepareRun>['model'];
  readonly o: SimulateOptions;
  readonly limit: number;
  readonly coord: Int32Array;
  readonly statsBuffer: ArrayBufferLike;
  readonly distinct: DistinctStates;
  readonly grow: () => TableBuffers | undefined;
  readonly look: () => void;
}

/**
 * Hands the walking to the workers and serves them until each is done: when every worker still walking has paused
 * for the table, grows it (here, while none of them touches it) and resumes them. Wakes every 100 ms for the clock,
 * SIGINT and progress. A worker's error (a spec that throws, a thread that died) stops the others and is rethrown.
 */
async function walkOnWorkers(handles: readonly WorkerHandle[], r: WorkerRun): Promise<void> {
  const { coord, distinct } = r;
  handles.forEach((h, i) => h.worker.postMessage({
    type: 'simulate', specFile: r.loaded.file, specName: r.loaded.spec.name, modelOptions: r.model.opts,
    seed: r.o.seed, depth: r.o.depth, limit: r.limit, table: distinct.capped ? undefined : distinct.table.buffers,
    coord: coord.buffer as SharedArrayBuffer, stats: r.statsBuffer as SharedArrayBuffer, slot: i + 1,
  }));
  const done = new Set<WorkerHandle>();
  const paused = new Set<WorkerHandle>();
  let wake: (() => void) | undefined;
  for (const h of handles) h.wake = () => wake?.();
  try {
    while (done.size < handles.length) {
      let heard = false;
      for (const h of handles) {
        for (let m = h.inbox.shift(); m; m = h.inbox.shift()) {
          heard = true;
          const msg: FromWorker = m;
          if (msg.type === 'error') throw errorFromWorker(msg);
          if (msg.type === 'simDone') done.add(h);
          else if (msg.type === 'simPaused') paused.add(h);
          else throw new Error(`a simulation worker said ${msg.type}`);
        }
      }
      if (paused.size > 0 && paused.size + done.size === handles.length) {
        const table = Atomics.load(coord, SimCoord.stop) !== 0 ? distinct.table.buffers : r.grow();
        Atomics.store(coord, SimCoord.pause, 0);
        for (const h of paused) h.worker.postMessage({ type: 'simResume', table });
        paused.clear();
      }
      r.look();
      if (heard) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        wake = () => { clearTimeout(timer); resolve(); };
        // A message that came while the inboxes were read: do not sleep on it.
        if (handles.some((h) => h.inbox.length > 0)) wake();
      });
      wake = undefined;
    }
  } finally {
    for (const h of handles) h.wake = undefined;
  }
}
