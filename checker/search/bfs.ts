/**
 * The coordinator of the breadth-first search: level-synchronous, in the main thread for small levels and across
 * worker threads (checker/parallel/) for big ones, with the same result either way.
 *
 * Each level is a list of frontier chunks. Its states are expanded (./expander.ts) by the main thread when the
 * level is small, or by the workers, which claim chunks from a shared counter. When every state of the level has
 * been expanded the coordinator merges the counts and the violation candidates and decides: a violation stops the
 * search after its level (so the counts are those of whole levels), and the one reported is the smallest candidate
 * in a canonical order. The seen-table grows when it is 3/4 full: expansion pauses, the coordinator rehashes into a
 * bigger table within the memory budget and remaps the frontier, expansion resumes.
 *
 * Why level-synchronous: the set of states at each depth does not depend on who explores them, so the counts, the
 * depth, the parent links (lowered to the smallest-fingerprint parent, checker/store/seen-table.ts) and the traces
 * are the same for every worker count and every run. docs/design.md has the argument.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { CheckerError, DiskError, InternalError, MemoryBudgetError, SpecEvalError } from '../errors.ts';
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts';
import type { Model } from '../model/model.ts';
import { acquireCrew, releaseCrew, type Crew, type WorkerHandle } from '../parallel/crew.ts';
import { Coord, type FromWorker, type ToWorker, type WorkerError } from '../parallel/protocol.ts';
import { piecesPerChunk, remapChunk, statesIn, type Chunk } from '../store/frontier.ts';
import { capacityFor, SeenTable, tableBytes } from '../store/seen-table.ts';
import { finishGraph, remapRecords } from '../store/edges.ts';
import type { BehaviourGraph } from '../liveness/graph.ts';
import type { Lasso } from '../liveness/check.ts';
import { checkInstances } from '../liveness/run.ts';
import { formatBytes } from '../units.ts';
import { acceptedCandidates, type Candidate } from './candidates.ts';
import { Expander } from './expander.ts';
import type { Coverage, SearchOptions, SearchResult, SearchStats } from './types.ts';
import type { ParentLinks } from '../store/types.ts';
import { DiskIo, diskFailure } from '../store/disk-files.ts';
import { DiskSeenStore, type StoredFile } from '../store/disk-seen.ts';
import { checkIdentity, CheckpointError, readArray, readCheckpoint, readChunks, restoreSpillFiles, specIdentity, writeCheckpoint, type CheckpointIdentity } from '../store/checkpoint.ts';
import { frozenLinks } from '../store/frozen-links.ts';
import { Spill, type MergeCrew } from './spill.ts';

/** What expanding one level gave: counts, violation candidates, the next level, and (after a stop) what is left. */
interface LevelResult {
  generated: number;
  candidates: Candidate[];
  chunks: Chunk[];
  remaining: number;
}

/** Levels smaller than this are expanded in the main thread: starting workers would cost more than it saves. */
const PARALLEL_MIN_STATES = 4096;
const INITIAL_CAPACITY = 1 << 16;

export const defaultWorkers = (): number => availableParallelism();
export const defaultMemoryBytes = (): number => Math.floor(totalmem() / 4);

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The error a worker reported, as the coordinator rethrows it. */
export function errorFromWorker(m: WorkerError): CheckerError {
  if (m.exitCode === ExitCode.evaluation) {
    const e = new SpecEvalError(m.message);
    if (m.at) e.at = m.at;
    return e;
  }
  if (m.exitCode === ExitCode.memory) return new MemoryBudgetError(m.message);
  if (m.exitCode === ExitCode.disk) return new DiskError(m.message);
  if (m.exitCode === ExitCode.system) return new InternalError(m.message);
  return new CheckerError(m.message, m.exitCode as ExitCodeValue);
}

export class BfsSearch {
  private table: SeenTable;
  private readonly coord: Int32Array;
  private readonly local: Expander;
  private readonly workersWanted: number;
  private readonly budget: number;
  private readonly shared: boolean;
  private generated = 0;
  private depth = 0;
  private queue = 0;
  private readonly started = performance.now();
  private lastProgress = 0;
  private crew: Crew | undefined;
  private handles: WorkerHandle[] = [];
  private workersUsed = 1;
  /** Ranks of the properties already reported (continue mode): not checked again in later levels. */
  private readonly reported = new Set<number>();
  /** Chunks of expanded levels, handed back to the writers (checker/store/frontier.ts). */
  private spares: Chunk[] = [];
  /** The behaviour graph's record chunks, from every expander (checker/store/edges.ts). */
  private readonly records: Int32Array[] = [];
  /** The workers' action coverage, summed level by level (the main thread's expander keeps its own). */
  private readonly coverage: Float64Array;
  private initialGenerated = 0;
  /** Set once the fingerprints have gone to disk (./spill.ts). */
  private spill: Spill | undefined;
  private lastCheckpoint = 0;
  /** Seconds the run had taken before it was resumed from a checkpoint. */
  private secondsBefore = 0;
  private diskParents: ParentLinks | undefined;
  private readonly diskIo: DiskIo;

  constructor(private readonly model: Model, private readonly opts: SearchOptions = {}, private readonly specFile?: string) {
    // Under a VIEW a fingerprint stands for several states, and the one kept (whose successors are explored) is
    // the first found. One thread finds them in one order, TLC's with one worker; threads racing to store two
    // copies would make the verdict depend on timing (test/fixtures/view-race.ts). So a VIEW runs on one thread.
    this.workersWanted = model.spec.view !== undefined ? 1 : Math.max(1, opts.workers ?? defaultWorkers());
    this.budget = opts.memoryBytes ?? defaultMemoryBytes();
    this.shared = this.workersWanted > 1;
    // An explicit --memory is allocated (and touched) up front, as TLC's -fpmem; by default the table starts
    // small and doubles up to the default budget, so small specs do not pay for gigabytes they never use.
    let capacity = opts.memoryBytes !== undefined ? capacityFor(this.budget) : opts.initialCapacity ?? INITIAL_CAPACITY;
    while (tableBytes(capacity) > this.budget && capacity > 64) capacity >>= 1;
    if (capacity < 64) throw new MemoryBudgetError(`--memory ${this.budget} bytes is too small for even a tiny fingerprint table`);
    try {
      this.table = SeenTable.create(capacity, this.shared);
    } catch (e) {
      throw new MemoryBudgetError(`cannot allocate a fingerprint table of ${formatBytes(tableBytes(capacity))} (--memory): ${(e as Error).message}`);
    }
    this.coord = new Int32Array(this.shared ? new SharedArrayBuffer(Coord.words * 4) : new ArrayBuffer(Coord.words * 4));
    this.local = new Expander(model, this.table, this.coord, this.shared);
    this.coverage = new Float64Array(this.local.coverage.length);
    this.diskIo = new DiskIo(opts.diskLimitBytes);
  }

  /** The mark bitmap of the states first found while the current level is expanded. */
  private get markHalf(): number { return (this.depth + 1) & 1; }

  /** Per action instance: enabled, generated, distinct (./expander.ts COVERAGE), over the main thread and workers. */
  private coverageSoFar(): Coverage {
    const total = Float64Array.from(this.coverage);
    const local = this.local.coverage;
    for (let i = 0; i < total.length; i++) total[i]! += local[i]!;
    return { perInstance: total, initialGenerated: this.initialGenerated, initialDistinct: this.local.initialDistinct };
  }

  /** The parent links as they are now (for the behaviour up to an evaluation error). */
  get parents(): ParentLinks { return this.diskParents ?? this.table; }

  async run(): Promise<SearchResult> {
    const violations: Candidate[] = [];
    let bounded = false;
    let memoryExhausted: string | undefined;
    let diskFailed: string | undefined;
    let failure: unknown;
    try {
      let chunks: Chunk[];
      let found = false;
      if (this.opts.resume) {
        chunks = this.restore(this.opts.resume, violations);
      } else {
        this.local.beginLevel(0, []);
        this.local.expandInitial();
        this.generated += this.local.generated;
        this.initialGenerated = this.local.generated;
        chunks = this.local.out.take();
        this.collectLocalRecords();
        found = this.decide(this.local.candidates.values(), violations);
        this.queue = statesIn(chunks);
        if (this.queue > 0) this.depth = 1;
      }
      this.lastCheckpoint = performance.now();
      while (!found && this.queue > 0 && !this.stopRequested()) {
        this.maybeCheckpoint(chunks, violations);
        if (this.opts.maxDepth !== undefined && this.depth >= this.opts.maxDepth) { bounded = true; break; }
        // Marks first: past the spill, the marks say which states a purge (in grow) must keep (./spill.ts).
        this.table.clearMarks((this.depth + 1) & 1);
        if (this.table.size >= this.table.growAt) this.grow([chunks]);
        const level = this.queue >= (this.opts.parallelThreshold ?? PARALLEL_MIN_STATES) && this.workersWanted > 1
          ? await this.parallelLevel(chunks)
          : await this.localLevel(chunks);
        this.generated += level.generated;
        if (this.stopRequested()) {
          // Interrupted: what is left is the unexpanded part of this level and what the level found so far.
          this.queue = level.remaining + statesIn(level.chunks);
          break;
        }
        if (this.spill) await this.spill.endLevel(this.table, this.markHalf, [level.chunks], this.model.codec.fixedWidth, this.mergeCrew());
        found = this.decide(level.candidates, violations);
        this.spares.push(...chunks);
        chunks = level.chunks;
        this.queue = statesIn(chunks);
        if (this.queue > 0) this.depth++;
      }
    } catch (e) {
      await this.releaseWorkers(true);
      if (e instanceof MemoryBudgetError) memoryExhausted = e.message;
      else if (e instanceof DiskError) diskFailed = e.message;
      else failure = e;
    }
    if (this.spill) this.closeDisk(violations, failure);
    if (failure !== undefined) throw failure;
    // As run/outcome.ts decides completeness: the whole graph, and no violation left unreported.
    const complete = !bounded && !this.stopRequested() && memoryExhausted === undefined && diskFailed === undefined && this.queue === 0
      && (violations.length === 0 || this.opts.continueAfterViolation === true);
    const stats = this.progress();
    let graph: BehaviourGraph | undefined;
    let temporal: SearchResult['temporal'];
    const livenessStarted = performance.now();
    try {
      if (complete && this.model.liveness) {
        graph = this.finishGraph();
        temporal = await this.checkTemporal(graph);
      }
    } catch (e) {
      await this.releaseWorkers(true);
      throw e;
    }
    const livenessSeconds = (performance.now() - livenessStarted) / 1000;
    await this.releaseWorkers(false);
    const interrupted = this.stopRequested();
    this.opts.onProgress?.(stats);
    return {
      stats, violations, bounded, interrupted, memoryExhausted, diskFailed, parents: this.parents, graph, coverage: this.coverageSoFar(),
      temporal: interrupted ? undefined : temporal, livenessSeconds: graph ? livenessSeconds : undefined,
    };
  }

  /**
   * The liveness phase: every temporal property instance checked on the behaviour graph. With workers, they claim
   * instances one at a time (each check is sequential; instances run in parallel); the findings are put back in
   * instance order, so the result does not depend on who checked what.
   */
  private async checkTemporal(graph: BehaviourGraph): Promise<NonNullable<SearchResult['temporal']>> {
    const plan = this.model.liveness!;
    const patterns = plan.properties.map((p) => p.pattern);
    const fairness = plan.fairnessBits();
    if (this.workersWanted <= 1 || patterns.length <= 1 || graph.n < (this.opts.parallelThreshold ?? PARALLEL_MIN_STATES)) {
      return checkInstances(graph, plan);
    }
    await this.ensureWorkers();
    Atomics.store(this.coord, Coord.claim, 0);
    const order = { graph: graph.data(), patterns, fairness };
    for (const h of this.handles) this.post(h, { type: 'liveness', ...order });
    const findings: { instance: number; lasso: Lasso }[] = [];
    for (const h of this.handles) {
      const m = await this.receive(h);
      if (m.type !== 'lassos') throw new InternalError(`a worker answered ${m.type} to a liveness order`);
      findings.push(...m.findings);
    }
    return findings.sort((a, b) => a.instance - b.instance);
  }

  private collectLocalRecords(): void {
    const fresh = this.local.recorder?.writer.takeNew();
    if (fresh) this.records.push(...fresh);
  }

  /** The behaviour graph of the whole search (every stored state expanded once). */
  private finishGraph(): BehaviourGraph {
    const plan = this.model.liveness!;
    this.collectLocalRecords();
    const initial: number[] = [];
    const fps = this.local.initialFingerprints;
    for (let i = 0; i < fps.length; i += 2) initial.push(this.table.lookup(fps[i]!, fps[i + 1]!));
    const chunks: (Int32Array | undefined)[] = this.records.splice(0);
    return finishGraph(chunks, this.table, plan.nodeWords, plan.edgeWords, plan.edgeBitCount, initial, this.shared);
  }

  /** Records the level's violations; true when the search must stop. */
  private decide(candidates: Iterable<Candidate>, violations: Candidate[]): boolean {
    const accepted = acceptedCandidates(candidates, this.reported, this.opts.continueAfterViolation === true);
    if (accepted.length === 0) return false;
    for (const c of accepted) {
      violations.push(c);
      this.reported.add(c.rank);
      this.opts.onViolation?.(c, this.parents);
    }
    return !this.opts.continueAfterViolation;
  }

  private stopRequested(): boolean {
    if (Atomics.load(this.coord, Coord.stop) !== 0) return true;
    if (this.opts.shouldStop?.()) { Atomics.store(this.coord, Coord.stop, 1); return true; }
    return false;
  }

  private progress(): SearchStats {
    const distinct = this.spill ? this.spill.distinct(this.table) : this.table.size;
    return {
      generated: this.generated + Atomics.load(this.coord, Coord.generated),
      distinct,
      depth: this.depth,
      queue: this.queue,
      seconds: this.secondsBefore + (performance.now() - this.started) / 1000,
      tableBytes: this.table.bytes,
      budgetBytes: this.budget,
      tableFill: distinct / this.table.capacity,
      workers: this.workersUsed,
      spill: this.spill ? 'disk' : this.opts.disk === false ? 'off' : 'memory',
      diskBytes: this.spill?.store.bytes ?? 0,
      rssBytes: process.memoryUsage.rss(),
    };
  }

  private async maybeReport(): Promise<void> {
    const now = performance.now();
    if (now - this.lastProgress < (this.opts.progressEveryMs ?? 100)) return;
    this.lastProgress = now;
    this.opts.onProgress?.(this.progress());
    await tick();
    this.stopRequested();
  }

  /** Doubles the table (or grows it to what the budget allows) and remaps every frontier chunk given. */
  private grow(chunkLists: Chunk[][]): void {
    const old = this.table;
    if (this.spill) {
      this.spill.purge(old, this.markHalf, chunkLists, this.model.codec.fixedWidth);
      Atomics.store(this.coord, Coord.pause, 0);
      return;
    }
    let capacity = old.capacity * 2;
    if (tableBytes(capacity) > this.budget) {
      capacity = capacityFor(this.budget);
      if (capacity < old.capacity * 1.1 && this.canSpill()) {
        this.startSpill(chunkLists);
        return;
      }
      if (capacity < old.capacity * 1.1) {
        throw new MemoryBudgetError(`memory budget exhausted: the fingerprint table holds ${old.size.toLocaleString('en-US')} states in ${formatBytes(old.bytes)} and the budget (${formatBytes(this.budget)}, --memory) does not allow it to grow`);
      }
    }
    let rehashed: ReturnType<SeenTable['rehash']>;
    try {
      rehashed = old.rehash(capacity, this.shared);
    } catch (e) {
      throw new MemoryBudgetError(`cannot grow the fingerprint table to ${formatBytes(tableBytes(capacity))}: ${(e as Error).message}`);
    }
    const { table, moved } = rehashed;
    const fixed = this.model.codec.fixedWidth;
    for (const list of chunkLists) for (const c of list) remapChunk(c, fixed, moved);
    const plan = this.model.liveness;
    if (plan) {
      this.collectLocalRecords();
      remapRecords(this.records, plan.nodeWords, plan.edgeWords, moved);
    }
    this.table = table;
    this.local.table = table;
    Atomics.store(this.coord, Coord.pause, 0);
  }

  /** What must match for a checkpoint of this run to be resumed. */
  private identity(): CheckpointIdentity {
    if (!this.specFile) throw new InternalError('a checkpoint needs the spec file, and none was given');
    const { specFile: _file, ...options } = this.model.opts;
    return specIdentity(this.specFile, this.model.spec.name, { constants: this.model.consts, options });
  }

  /** At a level boundary: writes a checkpoint if one is asked for and the last is old enough. */
  private maybeCheckpoint(chunks: Chunk[], violations: readonly Candidate[]): void {
    const c = this.opts.checkpoint;
    if (!c || performance.now() - this.lastCheckpoint < c.everySeconds * 1000) return;
    this.collectLocalRecords();
    const coverage = this.coverageSoFar();
    const search = {
      generated: this.generated, depth: this.depth, queue: this.queue, seconds: this.progress().seconds,
      initialGenerated: this.initialGenerated, initialDistinct: this.local.initialDistinct,
      coverage: [...coverage.perInstance], reported: [...this.reported], violations,
      initialFingerprints: this.local.initialFingerprints, capacity: this.table.capacity, size: this.table.size,
      spill: this.spill ? { runs: this.spill.store.runs, links: this.spill.store.links, nextId: this.spill.store.idCounter, onDiskInTable: this.spill.onDiskInTable } : null,
    };
    writeCheckpoint(c.dir, this.identity(), search, {
      arrays: { table: this.table.entries, marks: this.table.marks },
      chunkLists: { frontier: chunks, records: this.records },
      spillDir: this.spill?.store.dir,
      spillFiles: this.spill?.store.files(),
    }, this.diskIo);
    this.lastCheckpoint = performance.now();
  }

  /** Puts the search back where a checkpoint left it; returns the frontier of the next level. */
  private restore(resume: NonNullable<SearchOptions['resume']>, violations: Candidate[]): Chunk[] {
    const { manifest, gen } = readCheckpoint(resume);
    checkIdentity(resume, manifest.identity, this.identity());
    const m = manifest.search as {
      generated: number; depth: number; queue: number; seconds: number; initialGenerated: number; initialDistinct: number;
      coverage: number[]; reported: number[]; violations: Candidate[]; initialFingerprints: number[]; capacity: number; size: number;
      spill: { runs: StoredFile[]; links: StoredFile[]; nextId: number; onDiskInTable: number } | null;
    };
    const table = SeenTable.create(m.capacity, this.shared);
    const entries = readArray(gen, 'table', false);
    const marks = readArray(gen, 'marks', false);
    if (entries.length !== table.entries.length || marks.length !== table.marks.length) {
      throw new CheckpointError(`--resume ${resume}: the checkpoint's table does not have the size its manifest says`);
    }
    table.entries.set(entries);
    table.marks.set(marks);
    Atomics.store(table.ctrl, 0, m.size);
    this.table = table;
    this.local.table = table;
    this.generated = m.generated;
    this.depth = m.depth;
    this.queue = m.queue;
    this.secondsBefore = m.seconds;
    this.initialGenerated = m.initialGenerated;
    this.local.initialDistinct = m.initialDistinct;
    this.coverage.set(m.coverage);
    this.local.coverage.fill(0);
    for (const r of m.reported) this.reported.add(r);
    violations.push(...m.violations);
    this.local.initialFingerprints.push(...m.initialFingerprints);
    this.records.push(...readChunks(gen, 'records', this.shared));
    if (m.spill) {
      const store = this.openSpillFolder();
      restoreSpillFiles(gen, [...m.spill.runs, ...m.spill.links], store.dir);
      store.restore(m.spill.runs, m.spill.links, m.spill.nextId);
      this.spill = new Spill(store);
      this.spill.onDiskInTable = m.spill.onDiskInTable;
      this.diskParents = store.parents();
    }
    return readChunks(gen, 'frontier', this.shared);
  }

  /** Spilling is on unless --no-disk; the behaviour graph of a liveness check must stay whole in memory. */
  private canSpill(): boolean { return this.opts.disk !== false && !this.model.liveness; }

  /** The table cannot grow: from now on the fingerprints live on disk (./spill.ts). */
  private startSpill(chunkLists: Chunk[][]): void {
    const store = this.openSpillFolder();
    this.spill = new Spill(store);
    this.diskParents = store.parents();
    // Sorting and writing a full table takes minutes on a big run, with no level finishing meanwhile: say so first.
    this.opts.onProgress?.({ ...this.progress(), spill: 'starting' });
    this.spill.begin(this.table, this.markHalf, chunkLists, this.model.codec.fixedWidth);
    Atomics.store(this.coord, Coord.pause, 0);
  }

  /** A fresh spill folder, in --disk DIR or the OS temp dir; removed at the end of the run. */
  private openSpillFolder(): DiskSeenStore {
    const wanted = typeof this.opts.disk === 'string' ? this.opts.disk : undefined;
    let dir: string;
    try {
      if (wanted !== undefined) mkdirSync(wanted, { recursive: true });
      dir = mkdtempSync(join(wanted ?? tmpdir(), 'tlats-spill-'));
    } catch (e) {
      throw diskFailure(`cannot create the spill folder${wanted !== undefined ? ` in --disk ${wanted}` : ` in ${tmpdir()}`}`, e);
    }
    return new DiskSeenStore(dir, this.diskIo, true);
  }

  /**
   * The run is over: the parent links the traces still need (the violations', the evaluation error's) are read into
   * memory, and the spill folder is removed.
   */
  private closeDisk(violations: readonly Candidate[], failure: unknown): void {
    const disk = this.diskParents!;
    const wanted: [number, number][] = violations.filter((v) => v.lastHigh !== 0 || v.lastLow !== 0).map((v) => [v.lastHigh, v.lastLow]);
    if (failure instanceof SpecEvalError && failure.at) wanted.push([failure.at.high, failure.at.low]);
    try {
      // A disk failure here leaves the traces to the frozen chains below: shortest, not the fewest switches.
      if (failure === undefined) try { this.opts.beforeSpillClosed?.(violations, disk); } catch (e) { if (!(e instanceof DiskError)) throw e; }
      try {
        this.diskParents = frozenLinks(disk, wanted);
      } catch { /* the disk failed: no traces from it */ }
    } finally {
      this.spill!.store.close();
    }
  }

  private async localLevel(chunks: Chunk[]): Promise<LevelResult> {
    const x = this.local;
    x.out.spares.push(...this.spares.splice(0));
    x.beginLevel(this.depth, this.reported);
    Atomics.store(this.coord, Coord.generated, 0);
    let remaining = this.queue;
    for (const chunk of chunks) {
      let pos = 0;
      while (pos < chunk[0]!) {
        const before = x.generated;
        pos = x.expandChunk(chunk, pos, 1024);
        Atomics.add(this.coord, Coord.generated, x.generated - before);
        if (this.table.size >= this.table.growAt) this.grow([chunks, x.out.chunks]);
        await this.maybeReport();
        if (this.stopRequested()) return { generated: x.generated, candidates: [], chunks: x.out.take(), remaining };
      }
      remaining -= chunk[1]!;
    }
    Atomics.store(this.coord, Coord.generated, 0);
    this.collectLocalRecords();
    return { generated: x.generated, candidates: [...x.candidates.values()], chunks: x.out.take(), remaining: 0 };
  }

  private async ensureWorkers(): Promise<void> {
    if (this.handles.length) return;
    if (!this.specFile) throw new InternalError('the parallel search needs the spec file, and none was given');
    this.crew = await acquireCrew(this.workersWanted);
    this.handles = this.crew.handles;
    this.workersUsed = this.handles.length;
    for (const h of this.handles) {
      this.post(h, {
        type: 'setup',
        specFile: this.specFile,
        specName: this.model.spec.name,
        modelOptions: this.model.opts,
        table: this.table.buffers,
        coord: this.coord.buffer as SharedArrayBuffer,
      });
    }
    for (const h of this.handles) {
      const m = await this.receive(h);
      if (m.type !== 'ready') throw new InternalError(`a worker said ${m.type} before ready`);
    }
  }

  /** The next message of a worker; errors become exceptions. Wakes every 100 ms for progress and SIGINT. */
  private async receive(h: WorkerHandle): Promise<FromWorker> {
    for (;;) {
      if (h.inbox.length) {
        const m = h.inbox.shift()!;
        if (m.type === 'error') throw errorFromWorker(m);
        return m;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.opts.progressEveryMs ?? 100);
        h.wake = () => { clearTimeout(timer); resolve(); };
      });
      h.wake = undefined;
      await this.maybeReport();
    }
  }

  private post(h: WorkerHandle, m: ToWorker): void { h.worker.postMessage(m); }

  private async parallelLevel(chunks: Chunk[]): Promise<LevelResult> {
    await this.ensureWorkers();
    Atomics.store(this.coord, Coord.claim, 0);
    Atomics.store(this.coord, Coord.pause, 0);
    Atomics.store(this.coord, Coord.generated, 0);
    const skip = [...this.reported];
    const spares = this.spares.splice(0);
    this.handles.forEach((h, i) => this.post(h, {
      type: 'level', depth: this.depth, skip, chunks, table: this.table.buffers,
      spares: spares.filter((_, j) => j % this.handles.length === i),
    }));
    const done = new Map<WorkerHandle, Extract<FromWorker, { type: 'done' }>>();
    const paused = new Map<WorkerHandle, Chunk[]>();
    let waiting = [...this.handles];
    for (;;) {
      // Wait until every worker is done or paused.
      for (const h of waiting) {
        const m = await this.receive(h);
        if (m.type === 'done') { done.set(h, m); this.records.push(...m.records); }
        else if (m.type === 'paused') { paused.set(h, m.chunks); this.records.push(...m.records); }
      }
      if (paused.size === 0) break;
      const outLists = [...done.values()].map((d) => d.chunks).concat([...paused.values()]);
      this.grow([chunks, ...outLists]);
      const table = this.table.buffers;
      for (const h of done.keys()) this.post(h, { type: 'retable', table });
      waiting = [...paused.keys()];
      for (const h of waiting) this.post(h, { type: 'resume', table });
      paused.clear();
    }
    const results = this.handles.map((h) => done.get(h)!);
    const generated = results.reduce((n, r) => n + r.generated, 0);
    for (const r of results) for (let i = 0; i < r.coverage.length; i++) this.coverage[i]! += r.coverage[i]!;
    Atomics.store(this.coord, Coord.generated, 0);
    // After a stop, the chunks no worker claimed were not expanded (claimed ones may be partly expanded).
    const pieces = piecesPerChunk(this.model.codec.fixedWidth);
    const claimed = Math.min(Math.ceil(Atomics.load(this.coord, Coord.claim) / pieces), chunks.length);
    return {
      generated,
      candidates: results.flatMap((r) => r.candidates),
      chunks: results.flatMap((r) => r.chunks),
      remaining: statesIn(chunks.slice(claimed)),
    };
  }

  /**
   * The workers, to share the per-level merge past the spill (./spill.ts), when this run has them: each is given a
   * part of the mark bitmap to collect, then a range of the sorted candidates to look up in the runs on disk.
   */
  private mergeCrew(): MergeCrew | undefined {
    const handles = this.handles;
    if (handles.length < 2) return undefined;
    const table = this.table.buffers;
    return {
      size: handles.length,
      minCandidates: handles.length * (this.opts.parallelThreshold ?? PARALLEL_MIN_STATES),
      collect: async (markHalf, parts) => {
        parts.forEach(([from, to], i) => this.post(handles[i]!, { type: 'mergeCollect', table, markHalf, from, to }));
        return (await this.answerFromEach(handles, 'mergeCollected')).map((m) => m.recs);
      },
      markKnown: async (runs, arrays, parts) => {
        parts.forEach(([from, to], i) => this.post(handles[i]!, { type: 'mergeKnown', runs, arrays, from, to }));
        return (await this.answerFromEach(handles, 'mergeKnownDone')).map((m) => m.added);
      },
    };
  }

  /** One answer of the kind `type` from each of `handles`, in their order (a merge order's answers). */
  private async answerFromEach<K extends FromWorker['type']>(handles: WorkerHandle[], type: K): Promise<Extract<FromWorker, { type: K }>[]> {
    const out: Extract<FromWorker, { type: K }>[] = [];
    for (const h of handles) {
      const m = await this.receive(h);
      if (m.type !== type) throw new InternalError(`a worker answered ${m.type} to a merge order`);
      out.push(m as Extract<FromWorker, { type: K }>);
    }
    return out;
  }

  /** Gives the workers back for the next run, or retires them if this run failed (they may be mid-level). */
  private async releaseWorkers(failed: boolean): Promise<void> {
    const crew = this.crew;
    this.crew = undefined;
    this.handles = [];
    if (crew) await releaseCrew(crew, failed);
  }
}
