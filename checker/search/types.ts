/**
 * What a search is asked to do and what it reports: the shape every search strategy shares (today the
 * level-synchronous BFS of ./bfs.ts).
 */
import type { BehaviourGraph } from '../liveness/graph.ts';
import type { Lasso } from '../liveness/check.ts';
import type { ParentLinks } from '../store/types.ts';
import type { Candidate } from './candidates.ts';

export interface SearchStats {
  generated: number;
  distinct: number;
  /** BFS levels so far; the initial states are depth 1 (as TLC counts). */
  depth: number;
  /** States waiting to be expanded. */
  queue: number;
  seconds: number;
  /** Bytes of the seen-table. */
  tableBytes: number;
  /** The memory budget for the seen-table. */
  budgetBytes: number;
  tableFill: number;
  workers: number;
  /**
   * Where the fingerprints are: all in memory (spilling allowed), on disk (spilled), or memory only (--no-disk);
   * 'starting' in the one progress report made as a full table begins to be written to disk (a long pause).
   */
  spill: 'memory' | 'starting' | 'disk' | 'off';
  /** Bytes of the spill folder's files. */
  diskBytes: number;
  /** The process's resident memory. */
  rssBytes: number;
  /** A distributed run (--nats): its nodes, and the payload bytes of the state traffic between them. */
  nodes?: number;
  /** The partitions of a distributed run: the sum of its nodes' threads (`tlats serve --workers N`). */
  threads?: number;
  wireBytes?: number;
}

export interface SearchOptions {
  maxDepth?: number;
  /** Report every violated property (each with its own shortest trace) instead of stopping after the first. */
  continueAfterViolation?: boolean;
  /** Worker threads for big levels (default: the number of cores). 1: everything in the main thread. */
  workers?: number;
  /** Budget for the seen-table in bytes (default: a quarter of physical memory). */
  memoryBytes?: number;
  /** Called every `progressEveryMs` (and at the end) with the statistics so far. */
  onProgress?: (p: SearchStats) => void;
  progressEveryMs?: number;
  /** Polled at the same points: return true to stop (SIGINT). */
  shouldStop?: () => boolean;
  /**
   * Called with each violation as soon as its level is decided (with --continue, before the search goes on), with
   * the parent links as they are then, so its trace can be rebuilt and shown at once.
   */
  onViolation?: (v: Candidate, parents: ParentLinks) => void;
  /**
   * Called at the end of a run that spilled, with its violations, while the parent links on disk are still whole
   * (afterwards only the violations' own chains are kept): their traces are rebuilt here, so that they are the
   * ones an in-memory run gives (the fewest-switch search needs every stored state).
   */
  beforeSpillClosed?: (violations: readonly Candidate[], parents: ParentLinks) => void;
  /** Levels with fewer states are expanded in the main thread (default 4096; tests lower it to force workers). */
  parallelThreshold?: number;
  /** Slots of the first table when no --memory is given (default 64 Ki; tests lower it to force growth). */
  initialCapacity?: number;
  /**
   * Where the fingerprints go when the table cannot grow within the budget: a folder (a fresh subfolder is made in
   * it), true/undefined for one under the OS temp dir, false to stop with exit 152 instead (--no-disk).
   */
  disk?: string | boolean;
  /** Write a checkpoint into `dir` at level boundaries, at most every `everySeconds` (checker/store/checkpoint.ts). */
  checkpoint?: { readonly dir: string; readonly everySeconds: number };
  /** Continue from the checkpoint in this folder. */
  resume?: string;
  /** Testing only: the disk "fills up" after this many bytes written (a simulated ENOSPC). */
  diskLimitBytes?: number;
  /** Explore on the nodes of a NATS server instead of this process (checker/distributed/coordinator.ts). */
  nats?: {
    readonly url: string;
    readonly nodes: number;
    readonly timeoutSeconds: number;
    /** With a checkpoint: seconds to wait for idle nodes to replace a lost one (--nats-rejoin-timeout). */
    readonly rejoinTimeoutSeconds?: number;
    /** The spec's path as the command line gave it: each node resolves a relative one in its own folder. */
    readonly specPath?: string;
  };
}

/** Action coverage (./expander.ts): COVERAGE numbers per action instance, in instance order. */
export interface Coverage {
  /** enabled, generated, distinct for instance 0, then instance 1, ... */
  readonly perInstance: Float64Array;
  /** Initial states generated, and stored. */
  readonly initialGenerated: number;
  readonly initialDistinct: number;
}

export interface SearchResult {
  readonly stats: SearchStats;
  /** Canonically ordered; with `continueAfterViolation`, at most one per property. */
  readonly violations: Candidate[];
  /** The search stopped at maxDepth with states left to expand. */
  readonly bounded: boolean;
  readonly interrupted: boolean;
  /** Set when the memory budget ran out: the search stopped cleanly there. */
  readonly memoryExhausted?: string;
  /** Set when the spill folder or the checkpoint could not be written: the search stopped cleanly there. */
  readonly diskFailed?: string;
  /** Set when a distributed run lost a node or the NATS server: the search stopped there. */
  readonly clusterFailed?: string;
  /** The parent links, for rebuilding traces. */
  readonly parents: ParentLinks;
  readonly coverage: Coverage;
  /** The behaviour graph, when the model checks temporal properties and the search explored the whole graph. */
  readonly graph?: BehaviourGraph;
  /** Its violated temporal property instances (indices in the model's liveness plan), in instance order, with their lassos. */
  readonly temporal?: readonly { readonly instance: number; readonly lasso: Lasso }[];
  /** The liveness phase's time (numbering the graph and checking it), not counted in stats.seconds. */
  readonly livenessSeconds?: number;
}
