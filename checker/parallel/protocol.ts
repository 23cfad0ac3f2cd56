/**
 * The thread protocol of the parallel search: the shared coordination words and the messages between the
 * coordinator (checker/search/bfs.ts) and the workers (./worker.ts). Everything here is plain data that survives a
 * structured clone; states never cross threads except as encoded words in frontier chunks.
 *
 *   coordinator -> worker   setup (spec file, model options, table, coord), level, resume, retable
 *   worker -> coordinator   ready, paused (the table must grow), done (the level's counts and candidates), error;
 *                           paused and done also hand over the behaviour graph's record chunks started since the last
 */
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
  | { type: 'retable'; table: TableBuffers };

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
  | WorkerError;
