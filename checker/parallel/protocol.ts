/**
 * The thread protocol of the parallel search: the shared coordination words and the messages between the
 * coordinator (checker/search/bfs.ts) and the workers (./worker.ts). Everything here is plain data that survives a
 * structured clone; states never cross threads except as encoded words in frontier chunks.
 *
 *   coordinator -> worker   setup (spec file, model options, table, coord), level, resume, retable
 *   worker -> coordinator   ready, paused (the table must grow), done (the level's counts and candidates), error;
 *                           paused and done also hand over the behaviour graph's record chunks started since the last
 */
import type { MergeArrays } from '../store/disk-merge.ts';
import type { ModelOptions } from '../model/model.ts';
import type { FairnessBits, Lasso, Pattern } from '../liveness/check.ts';
import type { GraphData } from '../liveness/graph.ts';
import type { Candidate } from '../search/candidates.ts';
import type { Chunk } from '../store/frontier.ts';
import type { TableBuffers } from '../store/seen-table.ts';

/** Indices of the shared coordination words (an Int32Array over a SharedArrayBuffer in parallel runs). */
export const Coord = {
  /** Non-zero: stop after the current state (SIGINT, or a failure elsewhere). */
  stop: 0,
  /** The next unit of work to claim in the current level. */
  claim: 1,
  /** Non-zero: the table must grow, every expander pauses after its current state. */
  pause: 2,
  /** States generated so far in the current level (for progress lines). */
  generated: 3,
  words: 8,
} as const;

/**
 * The shared words of a simulation run (`--simulate` with workers; checker/run/simulate.ts). Behaviour numbers are
 * claimed one at a time from `next`; `best` holds the smallest violating behaviour number found so far (2^31 - 1:
 * none), so a walker stops claiming past it and abandons a walk of a bigger number.
 */
export const SimCoord = {
  /** Non-zero: abandon the current walk at once (SIGINT, or a failure elsewhere). */
  stop: 0,
  /** Non-zero: claim no new behaviour (the time budget is spent); walks under way are finished. */
  noMore: 1,
  /** Non-zero: the distinct-state table must grow; every walker pauses after its current behaviour. */
  pause: 2,
  /** The next behaviour number to claim. */
  next: 3,
  best: 4,
  words: 8,
} as const;

/** A simulation worker's orders: walk behaviours claimed from the shared words until none is left. */
export interface SimulateOrder {
  readonly specFile: string;
  readonly specName: string;
  readonly modelOptions: ModelOptions;
  readonly seed: number;
  readonly depth: number;
  /** Behaviour numbers below this only. */
  readonly limit: number;
  /** The distinct-state table; undefined once the memory budget stopped the counting. */
  readonly table: TableBuffers | undefined;
  readonly coord: SharedArrayBuffer;
  /** Float64 statistics slots (checker/search/simulate.ts, STAT_*), one per thread; this worker writes `slot`. */
  readonly stats: SharedArrayBuffer;
  readonly slot: number;
}

/** One run's setup: the spec and its whole model options, and the shared table and coordination words. */
export interface WorkerSetup {
  readonly specFile: string;
  /** The spec's name: the module may export several (a spec handed to the programmatic `check()`). */
  readonly specName: string;
  readonly modelOptions: ModelOptions;
  readonly table: TableBuffers;
  readonly coord: SharedArrayBuffer;
}

export interface LevelOrder {
  readonly depth: number;
  /** Ranks of the properties reported in earlier levels (--continue): not checked again. */
  readonly skip: readonly number[];
  readonly chunks: readonly Chunk[];
  readonly table: TableBuffers;
  /** Chunks of expanded levels, for the worker to write into again. */
  readonly spares: readonly Chunk[];
}

/** Check temporal property instances on the behaviour graph, claiming them one at a time from Coord.claim. */
export interface LivenessOrder {
  readonly graph: GraphData;
  readonly patterns: readonly Pattern[];
  readonly fairness: readonly FairnessBits[];
}

export type ToWorker =
  | ({ type: 'setup' } & WorkerSetup)
  | ({ type: 'level' } & LevelOrder)
  | ({ type: 'liveness' } & LivenessOrder)
  | { type: 'resume'; table: TableBuffers }
  | { type: 'retable'; table: TableBuffers }
  | ({ type: 'simulate' } & SimulateOrder)
  | { type: 'simResume'; table: TableBuffers | undefined }
  | { type: 'mergeCollect'; table: TableBuffers; markHalf: number; from: number; to: number }
  | { type: 'mergeKnown'; runs: { path: string; count: number }[]; arrays: MergeArrays; from: number; to: number };

/** An error inside a worker, as it crosses to the coordinator. */
export interface WorkerError {
  readonly type: 'error';
  readonly message: string;
  readonly exitCode: number;
  /** For an evaluation error: the fingerprint of the stored state being expanded. */
  readonly at?: { readonly high: number; readonly low: number };
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'paused'; chunks: Chunk[]; records: Int32Array[] }
  | { type: 'done'; generated: number; candidates: Candidate[]; chunks: Chunk[]; records: Int32Array[]; coverage: Float64Array }
  | { type: 'lassos'; findings: { instance: number; lasso: Lasso }[] }
  | { type: 'simPaused' }
  | { type: 'simDone' }
  | { type: 'mergeCollected'; recs: Uint32Array }
  | { type: 'mergeKnownDone'; added: number }
  | WorkerError;
