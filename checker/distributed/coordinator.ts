/**
 * The coordinator of a distributed run (`tlats spec.ts --nats URL --nodes K`): the level-synchronous search of
 * checker/search/bfs.ts with the states spread over K nodes (`tlats serve`, ./serve.ts) by fingerprint
 * (./partition.ts). It explores nothing itself: it recruits the nodes, starts each level and closes it (the
 * barrier, ./node-run.ts), merges the counts and the violation candidates, and applies the single-machine rules
 * (the canonical smallest candidate, stopping after the level), so the counts, the depth, the verdict and the
 * trace are those of a one-machine run.
 *
 * Temporal properties: once the search is complete, the nodes send their behaviour-graph records and the
 * coordinator checks the whole graph with the one-machine code (./graph-gather.ts).
 *
 * Traces: the owners keep each state's smallest-fingerprint parent, as the one-machine table does. For a violation
 * the coordinator gathers the parent links of the states up to its depth from every node into an ordinary
 * seen-table (checker/store/seen-table.ts), and the one-machine trace code (checker/search/trace.ts, the
 * fewest-switch search included) rebuilds the trace from it by replay.
 *
 * Faults: every node sends a heartbeat every 0.5 s and the coordinator one to them; a node silent for
 * --nats-timeout seconds (default 10), a node's error, or the loss of the NATS connection stops the run at once
 * with the statistics so far and the verdict `cluster-failed` (exit 155): states may be lost, so nothing is
 * claimed to hold. A slow node only makes the barrier wait: it keeps sending heartbeats while it works, since it
 * returns to its event loop every 256 states.
 *
 * Checkpoints (--checkpoint DIR): at a level boundary, at most every --checkpoint-every seconds, every node streams
 * its owned set and its part of the next frontier to the coordinator, which writes them with its own counters and
 * a manifest renamed into place last (./cluster-checkpoint.ts). With a checkpoint asked for, a lost node no longer
 * ends the run: the coordinator aborts the run on every node, recruits K idle nodes again within
 * --nats-rejoin-timeout (the survivors and a replacement), sends each its partition of the last checkpoint (or
 * starts from the initial states if none was written yet) and goes on; the result is that of an uninterrupted
 * run, since every level after the checkpoint is explored again from the same data. `--resume DIR` is the same
 * restore, by a new coordinator.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { connect, type NatsConnection, type Subscription } from 'nats';
import { CheckerError, DiskError, InternalError, SpecEvalError, UsageError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import type { Model } from '../model/model.ts';
import { acceptedCandidates, type Candidate } from '../search/candidates.ts';
import { errorFromWorker } from '../search/bfs.ts';
import type { SearchOptions, SearchResult, SearchStats } from '../search/types.ts';
import { checkIdentity, CheckpointError, readArray, readCheckpoint, readChunks, specIdentity, type CheckpointIdentity } from '../store/checkpoint.ts';
import { DiskIo } from '../store/disk-files.ts';
import { SeenTable } from '../store/seen-table.ts';
import type { ParentLinks } from '../store/types.ts';
import { statesIn } from '../store/frontier.ts';
import { repartition, type Part } from './repartition.ts';
import { GraphGathering } from './graph-gather.ts';
import type { BehaviourGraph } from '../liveness/graph.ts';
import { checkInstances } from '../liveness/run.ts';
import { ClusterCheckpointWriter, clusterSnapshotOf, frontierFile, ownedFile, type ClusterSnapshot } from './cluster-checkpoint.ts';
import {
  bytesOf, coordSubject, ctlSubject, gatherSubject, graphSubject, json, nodeSubject, PART_END, PART_FRONTIER, PART_OWNED, PART_STATES, RECRUIT, restoreSubject,
  snapshotSubject, unjson, words, type LevelReport, type Setup, type ToCoordinator, type ToNode,
} from './wire.ts';

/** --nats URL, --nodes K, --nats-timeout SECONDS (and the spec's path as typed, for the nodes). */
export type NatsOptions = NonNullable<SearchOptions['nats']>;

import { DEFAULT_REJOIN_TIMEOUT } from './defaults.ts';
export { DEFAULT_NATS_TIMEOUT, DEFAULT_REJOIN_TIMEOUT } from './defaults.ts';
const HEARTBEAT_MS = 500;

/** The run cannot go on: a node is gone or failed, or the NATS server is. */
export class ClusterFailure extends Error {}
/** A node stopped answering: with a checkpoint asked for, the run rolls back instead of stopping. */
class NodeLost extends ClusterFailure {}

/** A checkpoint being written: the nodes' parts arrive on tlats.<run>.k. */
interface SnapshotInProgress {
  readonly writer: ClusterCheckpointWriter;
  readonly done: Map<number, { owned: number; frontier: number }>;
  bytes: number;
  error?: unknown;
}

/** What the distributed run adds to a search result. */
export interface ClusterStats {
  readonly nodes: number;
  /** Partitions: the sum of the nodes' threads (`tlats serve --workers N`). */
  readonly threads: number;
  /** Payload bytes of the state traffic between nodes (queries, answers, states), and its messages. */
  readonly wireBytes: number;
  readonly messages: number;
}

const emptyLinks: ParentLinks = { lookup: () => -1, high: () => 0, low: () => 0, pathTo: () => [], parent: () => -1 };

export class NatsSearch {
  parents: ParentLinks = emptyLinks;
  private nc: NatsConnection | undefined;
  /** A new id for every attempt: a run rolled back to a checkpoint is a new run for the nodes. */
  private runId = randomBytes(6).toString('hex');
  private subs: Subscription[] = [];
  /** K, the nodes (machines, `tlats serve` processes) asked for with --nodes. */
  private readonly machines: number;
  /**
   * The partitions of the run: the sum of the recruited nodes' threads (K until they are recruited). Every
   * per-node array and message below is per partition: a node with N threads takes part as N partitions.
   */
  private nodes: number;
  /** Per partition: where it runs (host, pid, thread), for the messages. */
  private readonly names: string[] = [];
  /** The recruited nodes' ids, one per node (their own subjects, which they listen to from the start). */
  private readonly ids: string[] = [];
  private readonly lastSeen: number[] = [];
  private inbox: ToCoordinator[] = [];
  private gathered: Int32Array[] = [];
  private wake: (() => void) | undefined;
  private failure: string | undefined;
  private generated = 0;
  private distinct = 0;
  private depth = 0;
  private queue = 0;
  private tableBytes = 0;
  private rss = 0;
  private wireBytes = 0;
  private messages = 0;
  private readonly coverage: Float64Array;
  private initialGenerated = 0;
  private initialDistinct = 0;
  private readonly reported = new Set<number>();
  private readonly started = performance.now();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly timeoutMs: number;
  private readonly rejoinMs: number;
  private readonly diskIo: DiskIo;
  private lastCheckpoint = 0;
  /** The depth of the checkpoint this run wrote or resumed from (undefined: none yet, a rollback starts afresh). */
  private savedDepth: number | undefined;
  private snapshot: SnapshotInProgress | undefined;
  /** The behaviour graph's records being gathered (temporal properties, after a complete search). */
  private graphParts: GraphGathering | undefined;
  /** When the exploration ended, if a liveness phase followed it (whose time is reported apart). */
  private searchEnded: number | undefined;
  /** Seconds the run had taken before it was resumed (--resume). */
  private secondsBefore = 0;
  /** Ranks of the violations already passed to onViolation: a rollback finds them again and must not repeat them. */
  private readonly announced = new Set<number>();

  constructor(private readonly model: Model, private readonly opts: SearchOptions & { nats: NatsOptions }, private readonly specFile: string) {
    this.machines = opts.nats.nodes;
    this.nodes = opts.nats.nodes;
    this.timeoutMs = opts.nats.timeoutSeconds * 1000;
    this.rejoinMs = (opts.nats.rejoinTimeoutSeconds ?? DEFAULT_REJOIN_TIMEOUT) * 1000;
    this.diskIo = new DiskIo(opts.diskLimitBytes);
    this.coverage = new Float64Array(3 * model.instances.length);
    if (model.liveness && (opts.checkpoint || opts.resume)) {
      const names = [...new Set(model.liveness.properties.map((p) => p.label.replace(/\(.*/, '')))].join(', ');
      throw new UsageError(`--nats with ${opts.resume ? '--resume' : '--checkpoint'} does not check temporal properties (${names}): a cluster checkpoint holds no behaviour graph. Run without ${opts.resume ? '--resume' : '--checkpoint'}, or without --nats, or give a --config whose properties are []`);
    }
    if (model.spec.view) {
      throw new UsageError('--nats does not go with a spec that declares a VIEW yet: of the states that share a view, one machine keeps the first it finds in its own expansion order, which the nodes do not know (docs/design.md, "Many machines"); run without --nats');
    }
  }

  get cluster(): ClusterStats { return { nodes: this.machines, threads: this.nodes, wireBytes: this.wireBytes, messages: this.messages }; }

  private notify(): void { const w = this.wake; this.wake = undefined; w?.(); }

  private broadcast(m: ToNode): void { this.nc!.publish(ctlSubject(this.runId), json(m)); }

  private stopRequested(): boolean { return this.opts.shouldStop?.() === true; }

  /** Waits until `ready` holds; a failure or a stop request ends the wait (Interrupt). */
  private async waitUntil(ready: () => boolean, what: string): Promise<void> {
    while (!ready()) {
      if (this.failure) throw new ClusterFailure(this.failure);
      if (this.stopRequested()) throw new Interrupt();
      const now = Date.now();
      for (let i = 0; i < this.lastSeen.length; i++) {
        if (now - this.lastSeen[i]! > this.timeoutMs) {
          throw new NodeLost(`node ${i} (${this.names[i]}) stopped answering: nothing from it for ${this.timeoutMs / 1000} s (--nats-timeout) while ${what}`);
        }
      }
      await new Promise<void>((r) => { this.wake = r; setTimeout(r, 100); });
    }
    if (this.failure) throw new ClusterFailure(this.failure);
  }

  /** Takes the messages of one type from the inbox (errors become exceptions). */
  private take<T extends ToCoordinator['type']>(type: T): Extract<ToCoordinator, { type: T }>[] {
    const out: Extract<ToCoordinator, { type: T }>[] = [];
    const rest: ToCoordinator[] = [];
    for (const m of this.inbox) {
      if (m.type === 'error') throw errorFromWorker({ type: 'error', message: m.message, exitCode: m.exitCode, at: m.at });
      if (m.type === type) out.push(m as Extract<ToCoordinator, { type: T }>);
      else rest.push(m);
    }
    this.inbox = rest;
    return out;
  }

  /** A node's error in the inbox, as an exception (what `take` does, without taking anything). */
  private raiseErrors(): void {
    const e = this.inbox.find((m) => m.type === 'error');
    if (e?.type === 'error') throw errorFromWorker({ type: 'error', message: e.message, exitCode: e.exitCode, at: e.at });
  }

  private onMessage(m: ToCoordinator): void {
    if (process.env.TLATS_NATS_DEBUG === '1' && m.type !== 'hb') process.stderr.write(`coordinator got ${JSON.stringify(m).slice(0, 300)}\n`);
    if (m.type !== 'offer' && m.index >= 0 && m.index < this.lastSeen.length) this.lastSeen[m.index] = Date.now();
    if (m.type !== 'hb') { this.inbox.push(m); this.notify(); }
  }

  async run(): Promise<SearchResult & { cluster: ClusterStats }> {
    const url = this.opts.nats.url;
    // A checkpoint to resume is checked whole (every file's SHA-256, the spec, the options, K) before any node is asked.
    if (this.opts.resume) this.savedSnapshot(this.opts.resume);
    try {
      this.nc = await connect({ servers: url, name: `tlats coordinator ${this.runId}`, maxReconnectAttempts: 0, timeout: 5000 });
    } catch (e) {
      throw new CheckerError(`--nats ${url}: cannot connect to the NATS server (${(e as Error).message})`, ExitCode.cluster);
    }
    const nc = this.nc;
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect' || s.type === 'error') { this.failure ??= `lost the connection to the NATS server at ${url}`; this.notify(); }
      }
    })();
    void nc.closed().then(() => { this.failure ??= `the connection to the NATS server at ${url} closed`; this.notify(); });
    const violations: Candidate[] = [];
    let bounded = false;
    let interrupted = false;
    let clusterFailed: string | undefined;
    let diskFailed: string | undefined;
    this.lastCheckpoint = performance.now();
    let from = this.opts.resume;
    let rollback: string | undefined;
    let graph: BehaviourGraph | undefined;
    let temporal: SearchResult['temporal'];
    let livenessSeconds: number | undefined;
    try {
      for (;;) {
        this.attach();
        try {
          await this.recruit(rollback);
          this.timer ??= setInterval(() => this.broadcast({ type: 'hb' }), HEARTBEAT_MS);
          if (from !== undefined) await this.restore(from, violations);
          else this.restart(violations);
          bounded = await this.explore(from === undefined, violations);
          break;
        } catch (e) {
          const c = this.opts.checkpoint;
          if (!(e instanceof NodeLost) || !c) throw e;
          rollback = e.message;
          this.abandon(`${e.message}; the run goes back to ${this.savedDepth === undefined ? 'its start' : 'its last checkpoint'}`);
          process.stderr.write(`tlats: ${e.message}.\nWaiting up to ${this.rejoinMs / 1000} s (--nats-rejoin-timeout) for ${this.machines} idle nodes (a \`tlats serve --nats ${url}\` to replace the lost one), then ${this.savedDepth === undefined
            ? 'the search starts again from the initial states (no checkpoint had been written yet)'
            : `every node goes back to the checkpoint of depth ${this.savedDepth} in ${c.dir}`}.\n`);
          from = this.savedDepth === undefined ? undefined : c.dir;
        }
      }
      // As the one-machine search: temporal properties once the whole graph is explored and nothing is left unreported.
      if (this.model.liveness && !bounded && this.queue === 0 && (violations.length === 0 || this.opts.continueAfterViolation === true)) {
        const started = performance.now();
        this.searchEnded = started; // as one machine: the search's time without the liveness phase
        graph = await this.gatherGraph();
        temporal = checkInstances(graph, this.model.liveness);
        livenessSeconds = (performance.now() - started) / 1000;
      }
      this.broadcast({ type: 'end' });
    } catch (e) {
      if (e instanceof Interrupt) interrupted = true;
      // The NATS server lost with a checkpoint written: the failure says how to resume (a rollback's says it already).
      else if (e instanceof ClusterFailure) clusterFailed = this.opts.checkpoint && !e.message.includes('--resume') ? `${e.message}. ${this.resumeHint()}` : e.message;
      else if (e instanceof DiskError) diskFailed = e.message;
      else {
        if (e instanceof SpecEvalError && e.at && !this.failure) {
          try { await this.gather(Number.MAX_SAFE_INTEGER); } catch { /* the message alone, then */ }
        }
        await this.close(`the run failed: ${(e as Error).message.split('\n')[0]}`);
        throw e;
      }
      await this.close(interrupted ? 'interrupted (SIGINT)' : clusterFailed ?? diskFailed!);
    }
    await this.close();
    const stats = this.stats();
    if (interrupted || clusterFailed !== undefined || diskFailed !== undefined) { graph = undefined; temporal = undefined; livenessSeconds = undefined; }
    this.opts.onProgress?.(stats);
    return {
      stats, violations, bounded, interrupted, parents: this.parents, diskFailed,
      coverage: { perInstance: this.coverage, initialGenerated: this.initialGenerated, initialDistinct: this.initialDistinct },
      cluster: this.cluster, clusterFailed, graph, temporal, livenessSeconds,
    };
  }

  /** What a stopped run with --checkpoint tells the user to do next. */
  private resumeHint(): string {
    const c = this.opts.checkpoint!;
    if (this.savedDepth === undefined) return `No checkpoint had been written yet (--checkpoint-every ${c.everySeconds}): run it again`;
    return `The checkpoint of depth ${this.savedDepth} in ${c.dir} is kept: once ${this.machines} nodes serve, resume with \`tlats ${this.opts.nats.specPath ?? this.specFile} --nats ${this.opts.nats.url} --nodes ${this.machines} --resume ${c.dir}\``;
  }

  /** The levels from where the counters stand (fresh: from the initial states). True: bounded by --max-depth. */
  private async explore(fresh: boolean, violations: Candidate[]): Promise<boolean> {
    let found = false;
    if (fresh) {
      found = await this.level(0, violations);
      if (this.queue > 0) this.depth = 1;
    }
    while (!found && this.queue > 0) {
      await this.maybeCheckpoint(violations);
      if (this.opts.maxDepth !== undefined && this.depth >= this.opts.maxDepth) return true;
      found = await this.level(this.depth, violations);
      if (this.queue > 0) this.depth++;
    }
    return false;
  }

  /** A new run id and its subscriptions (the first attempt, or after a rollback). */
  private attach(): void {
    const nc = this.nc!;
    this.inbox = [];
    this.gathered = [];
    this.subs.push(
      nc.subscribe(coordSubject(this.runId), { callback: (_e, msg) => this.onMessage(unjson<ToCoordinator>(msg.data)) }),
      nc.subscribe(gatherSubject(this.runId), { callback: (_e, msg) => { this.gathered.push(words(msg.data).slice()); this.notify(); } }),
      nc.subscribe(snapshotSubject(this.runId), { callback: (_e, msg) => { this.onPart(msg.data); msg.respond(new Uint8Array(0)); } }),
      nc.subscribe(graphSubject(this.runId), { callback: (_e, msg) => { this.onGraphPart(msg.data); msg.respond(new Uint8Array(0)); } }),
    );
  }

  /** Ends the current attempt on every node (they become idle again) and forgets it. */
  private abandon(reason: string): void {
    const nc = this.nc!;
    this.broadcast({ type: 'abort', reason });
    for (const id of this.ids) nc.publish(nodeSubject(id), json({ type: 'abort', run: this.runId, reason }));
    for (const sub of this.subs) sub.unsubscribe();
    this.subs = [];
    this.snapshot?.writer.abandon();
    this.snapshot = undefined;
    this.ids.length = 0;
    this.names.length = 0;
    this.lastSeen.length = 0;
    this.runId = randomBytes(6).toString('hex');
  }

  /** The counters of a run that has explored nothing yet. */
  private restart(violations: Candidate[]): void {
    this.generated = this.distinct = this.depth = this.queue = 0;
    this.initialGenerated = this.initialDistinct = 0;
    this.wireBytes = this.messages = 0;
    this.coverage.fill(0);
    this.reported.clear();
    violations.length = 0;
  }

  /** What must match for a checkpoint of this run to be resumed (as the one-machine search's identity). */
  private identity(): CheckpointIdentity {
    const { specFile: _file, ...options } = this.model.opts;
    return specIdentity(this.specFile, this.model.spec.name, { constants: this.model.consts, options });
  }

  /** The checkpoint in `dir`, checked: its files (size, SHA-256), the spec, the options, the node count. */
  private savedSnapshot(dir: string): { snapshot: ClusterSnapshot; gen: string } {
    const { manifest, gen } = readCheckpoint(dir);
    checkIdentity(dir, manifest.identity, this.identity());
    return { snapshot: clusterSnapshotOf(dir, manifest), gen };
  }

  /** At a level boundary: a checkpoint, if one is asked for and the last is old enough. */
  private async maybeCheckpoint(violations: readonly Candidate[]): Promise<void> {
    const c = this.opts.checkpoint;
    if (!c || performance.now() - this.lastCheckpoint < c.everySeconds * 1000) return;
    if (this.savedDepth === this.depth) return; // just restored from it
    const depth = this.depth;
    const snap: SnapshotInProgress = { writer: new ClusterCheckpointWriter(c.dir, this.diskIo, this.nodes), done: new Map(), bytes: 0 };
    this.snapshot = snap;
    this.broadcast({ type: 'snapshot', depth });
    try {
      await this.waitUntil(() => {
        if (snap.error !== undefined) throw snap.error;
        this.raiseErrors();
        return snap.done.size === this.nodes;
      }, `writing the checkpoint of depth ${depth}`);
    } catch (e) {
      // A half-written generation goes (a full disk gets its space back); the previous checkpoint stays valid.
      if (!(e instanceof NodeLost)) { snap.writer.abandon(); this.snapshot = undefined; }
      throw e;
    }
    this.snapshot = undefined;
    const parts = Array.from({ length: this.nodes }, (_, i) => snap.done.get(i)!);
    const owned = parts.reduce((n, p) => n + p.owned, 0), frontier = parts.reduce((n, p) => n + p.frontier, 0);
    if (owned !== this.distinct || frontier !== this.queue) {
      snap.writer.abandon();
      throw new InternalError(`the nodes' checkpoint parts hold ${owned} states and a frontier of ${frontier}, and the run has ${this.distinct} and ${this.queue}`);
    }
    const saved: ClusterSnapshot = {
      nats: { nodes: this.machines, partitions: this.nodes, specPath: this.opts.nats.specPath }, depth, queue: this.queue, generated: this.generated, distinct: this.distinct,
      seconds: this.stats().seconds, initialGenerated: this.initialGenerated, initialDistinct: this.initialDistinct,
      coverage: [...this.coverage], reported: [...this.reported], violations: [...violations], wireBytes: this.wireBytes,
      messages: this.messages, parts, checkpointBytes: snap.bytes,
    };
    try {
      snap.writer.commit(this.identity(), saved);
    } catch (e) {
      snap.writer.abandon();
      throw e;
    }
    this.savedDepth = depth;
    this.lastCheckpoint = performance.now();
  }

  /** A node's part of the checkpoint being written (a request: answered once written, by the caller). */
  private onPart(data: Uint8Array): void {
    const snap = this.snapshot;
    if (!snap || snap.error !== undefined) return;
    try {
      const w = words(data);
      const i = w[1]!;
      if (!(i >= 0 && i < this.nodes)) throw new InternalError(`a checkpoint part from node ${i}`);
      snap.bytes += data.byteLength;
      if (w[0] === PART_OWNED) snap.writer.owned(i, w.subarray(3, 3 + 5 * w[2]!));
      else if (w[0] === PART_FRONTIER) snap.writer.frontier(i, w[2]!, w.subarray(3));
      else if (w[0] === PART_END) snap.done.set(i, { owned: w[2]!, frontier: w[3]! });
    } catch (e) {
      snap.error = e;
    }
    this.notify();
  }

  /**
   * The whole behaviour graph at the coordinator (./graph-gather.ts): the parent links of every state (the seen-table
   * the lassos are replayed from), then every node's records of the states it expanded.
   */
  private async gatherGraph(): Promise<BehaviourGraph> {
    await this.gather(Number.MAX_SAFE_INTEGER);
    const parts = new GraphGathering(this.nodes);
    this.graphParts = parts;
    this.broadcast({ type: 'graph' });
    try {
      await this.waitUntil(() => {
        if (parts.error !== undefined) throw parts.error;
        this.raiseErrors();
        return parts.complete;
      }, 'gathering the behaviour graph');
    } finally {
      this.graphParts = undefined;
    }
    return parts.build(this.model, this.parents as SeenTable);
  }

  private onGraphPart(data: Uint8Array): void {
    const parts = this.graphParts;
    if (!parts || parts.error !== undefined) return;
    try {
      parts.take(data);
    } catch (e) {
      parts.error = e;
    }
    this.notify();
  }

  /** Puts the counters and every node back where the checkpoint in `dir` left them. */
  private async restore(dir: string, violations: Candidate[]): Promise<void> {
    const { snapshot: s, gen } = this.savedSnapshot(dir);
    this.generated = s.generated;
    this.distinct = s.distinct;
    this.depth = s.depth;
    this.queue = s.queue;
    this.initialGenerated = s.initialGenerated;
    this.initialDistinct = s.initialDistinct;
    this.wireBytes = s.wireBytes;
    this.messages = s.messages;
    this.coverage.set(s.coverage);
    this.reported.clear();
    for (const r of s.reported) this.reported.add(r);
    violations.length = 0;
    violations.push(...s.violations as Candidate[]);
    // The time of a resumed run counts what it took before; a rollback in this process has it on the clock already.
    if (this.savedDepth === undefined) this.secondsBefore = s.seconds;
    const saved: Part[] = s.parts.map((_, i) => ({ owned: readArray(gen, ownedFile(i), false), frontier: readChunks(gen, frontierFile(i), false) }));
    const owned = saved.reduce((n, p) => n + p.owned.length / 5, 0), frontier = saved.reduce((n, p) => n + statesIn(p.frontier), 0);
    if (owned !== s.distinct || frontier !== s.queue) {
      throw new CheckpointError(`--resume ${dir}: the checkpoint's files hold ${owned} states and a frontier of ${frontier}, and its manifest says ${s.distinct} and ${s.queue}`);
    }
    // Partitions, not nodes, decide: 2 nodes of 1 thread and 1 node of 2 threads deal the states out alike.
    const parts = saved.length === this.nodes ? saved : repartition(saved, this.nodes, this.model.codec.fixedWidth);
    if (parts !== saved) {
      const layout = (k: number, p: number) => p === k ? `${k} node${k === 1 ? '' : 's'}` : `${k} node${k === 1 ? '' : 's'}, ${p} threads`;
      const to = this.nodes === this.machines ? `${this.nodes} (--nodes)` : `the ${this.nodes} threads of ${this.machines} (--nodes)`;
      process.stderr.write(`tlats: the checkpoint in ${dir} is of ${layout(s.nats.nodes, saved.length)}: its states are dealt out again to ${to}.\n`);
    }
    await Promise.all(parts.map((part, i) => this.restoreNode(dir, i, part)));
    this.savedDepth = s.depth;
  }

  /** Node i's partition of the checkpoint, part by part (each a request, answered once applied). */
  private async restoreNode(dir: string, i: number, part: Part): Promise<void> {
    const subject = restoreSubject(this.runId, i);
    const ask = async (msg: Int32Array): Promise<Uint8Array> => {
      if (this.failure) throw new ClusterFailure(this.failure);
      if (this.stopRequested()) throw new Interrupt();
      let answer: Uint8Array;
      try {
        answer = (await this.nc!.request(subject, bytesOf(msg), { timeout: this.timeoutMs })).data;
      } catch (e) {
        throw new NodeLost(`node ${i} (${this.names[i]}) stopped answering while it was given its part of the checkpoint (${(e as Error).message})`);
      }
      this.lastSeen[i] = Date.now();
      if (answer.length > 0 && msg[0] !== PART_END) {
        throw new CheckpointError(`--resume ${dir}: node ${i} cannot take its part of the checkpoint: ${unjson<{ error: string }>(answer).error}`);
      }
      return answer;
    };
    const owned = part.owned;
    for (let at = 0; at < owned.length; at += 5 * PART_STATES) {
      const body = owned.subarray(at, Math.min(owned.length, at + 5 * PART_STATES));
      const msg = new Int32Array(3 + body.length);
      msg[0] = PART_OWNED; msg[1] = i; msg[2] = body.length / 5;
      msg.set(body, 3);
      await ask(msg);
    }
    for (const c of part.frontier) {
      const used = c[0]!;
      const msg = new Int32Array(3 + used);
      msg[0] = PART_FRONTIER; msg[1] = i; msg[2] = c.length;
      msg.set(c.subarray(0, used), 3);
      await ask(msg);
    }
    const got = unjson<{ owned: number; frontier: number; error?: string }>(await ask(Int32Array.of(PART_END, i, 0, 0)));
    const frontier = statesIn(part.frontier);
    if (got.owned !== owned.length / 5 || got.frontier !== frontier) {
      throw new CheckpointError(`--resume ${dir}: node ${i} holds ${got.owned} states and a frontier of ${got.frontier} after taking its part of the checkpoint, which has ${owned.length / 5} and ${frontier}`);
    }
  }

  /** Ends the run on the nodes (with `abort` and its reason, if any) and closes the connection. */
  private async close(abort?: string): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const nc = this.nc;
    if (!nc || nc.isClosed()) return;
    try {
      if (abort) {
        this.broadcast({ type: 'abort', reason: abort });
        // Also to each node's own subject: a node still loading the spec may not listen to the run's yet.
        for (const id of this.ids) nc.publish(nodeSubject(id), json({ type: 'abort', run: this.runId, reason: abort }));
      }
      // Drain sends what is buffered; without a server it would wait for ever (and nothing else keeps the
      // process alive then): at most 2 s, then the connection is just closed.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<'late'>((r) => { timer = setTimeout(() => r('late'), 2000); });
      const drained = await Promise.race([nc.drain().then(() => 'drained' as const), late]);
      clearTimeout(timer);
      if (drained === 'late' && !nc.isClosed()) await Promise.race([nc.close(), new Promise((r) => setTimeout(r, 500))]);
    } catch { /* the server is gone: nothing to tell anyone */ }
  }

  /**
   * Asks idle nodes for K of them, sets them up with the spec, and waits until each is ready or refuses. After a
   * lost node (`rollback`, the reason) or for --resume, it waits up to --nats-rejoin-timeout; if too few come, the
   * run stops (exit 155) with the checkpoint kept and the command that resumes it.
   */
  private async recruit(rollback?: string): Promise<void> {
    const nc = this.nc!;
    const url = this.opts.nats.url;
    const waitMs = rollback !== undefined || this.opts.resume ? this.rejoinMs : Math.max(this.timeoutMs, 5000);
    const deadline = Date.now() + waitMs;
    const offers = new Map<string, { id: string; host: string; pid: number; threads?: number }>();
    while (offers.size < this.machines) {
      nc.publish(RECRUIT, json({ run: this.runId, reply: coordSubject(this.runId) }));
      const until = Date.now() + 500;
      while (Date.now() < until && offers.size < this.machines) {
        if (this.failure) throw new ClusterFailure(this.failure);
        if (this.stopRequested()) throw new Interrupt();
        for (const o of this.take('offer')) if (offers.size < this.machines) offers.set(o.id, o);
        await new Promise<void>((r) => { this.wake = r; setTimeout(r, 50); });
      }
      if (Date.now() > deadline && offers.size < this.machines) {
        const threads = [...offers.values()].reduce((n, o) => n + (o.threads ?? 1), 0);
        const counted = threads > offers.size ? ` (--nodes counts \`tlats serve\` processes, not their threads: those that answered have ${threads})` : '';
        const few = `only ${offers.size} of the ${this.machines} nodes asked for (--nodes) answered at ${url} within ${Math.round(waitMs / 1000)} s${counted}`;
        if (rollback === undefined) throw new CheckerError(`${few}: start more with \`tlats serve --nats ${url}\``, ExitCode.cluster);
        throw new ClusterFailure(`${rollback}, and ${few} (--nats-rejoin-timeout) to take its place. ${this.resumeHint()}`);
      }
    }
    const sha256 = createHash('sha256').update(readFileSync(this.specFile)).digest('hex');
    const { specFile: _local, ...modelOptions } = this.model.opts;
    // Each node takes as many consecutive partitions as it has threads: fingerprints are dealt out over their sum.
    const recruited = [...offers.values()];
    const threadsOf = (o: { threads?: number }) => Math.max(1, Math.floor(o.threads ?? 1));
    this.nodes = recruited.reduce((n, o) => n + threadsOf(o), 0);
    let first = 0;
    recruited.forEach((o, machine) => {
      const threads = threadsOf(o);
      this.ids[machine] = o.id;
      for (let t = 0; t < threads; t++) {
        this.names[first + t] = threads === 1 ? `${o.host} pid ${o.pid}` : `${o.host} pid ${o.pid}, thread ${t + 1} of ${threads}`;
        this.lastSeen[first + t] = Date.now() + 60_000; // loading the spec may take a while: the heartbeats start after it
      }
      const setup: Setup = {
        type: 'setup', run: this.runId, index: first, nodes: this.nodes, threads, modelOptions, timeoutSeconds: this.opts.nats.timeoutSeconds,
        spec: { path: this.opts.nats.specPath ?? this.specFile, name: this.model.spec.name, sha256 },
      };
      nc.publish(nodeSubject(o.id), json(setup));
      first += threads;
    });
    const ready = new Set<number>();
    await this.waitUntil(() => {
      const refused = this.take('refused')[0];
      if (refused) throw new UsageError(`--nats: a node refused the run: ${refused.reason}`);
      for (const r of this.take('ready')) { ready.add(r.index); this.lastSeen[r.index] = Date.now(); }
      return ready.size === this.nodes;
    }, 'loading the spec');
  }

  /** One level on every node, through the barrier; then the single-machine decision. True: stop (a violation). */
  private async level(depth: number, violations: Candidate[]): Promise<boolean> {
    this.broadcast({ type: 'level', depth, skip: [...this.reported] });
    const sent = new Map<number, number[]>();
    await this.waitUntil(() => {
      for (const s of this.take('sent')) sent.set(s.index, s.sentTo);
      return sent.size === this.nodes;
    }, `expanding level ${depth}`);
    const expect = new Array<number>(this.nodes).fill(0);
    for (const to of sent.values()) to.forEach((n, i) => { expect[i]! += n; });
    this.broadcast({ type: 'close', depth, expect });
    const closed = new Map<number, LevelReport>();
    await this.waitUntil(() => {
      for (const c of this.take('closed')) closed.set(c.index, c);
      return closed.size === this.nodes;
    }, `closing level ${depth}`);
    let fresh = 0;
    const candidates: Candidate[] = [];
    this.tableBytes = 0;
    this.rss = 0;
    for (const r of closed.values()) {
      this.generated += r.generated;
      fresh += r.fresh;
      candidates.push(...r.candidates);
      for (let i = 0; i < r.coverage.length; i++) this.coverage[i]! += r.coverage[i]!;
      this.initialDistinct += r.initialDistinct;
      this.wireBytes += r.bytes;
      this.messages += r.messages;
      this.tableBytes += r.tableBytes;
      this.rss += r.rssBytes;
    }
    if (depth === 0) this.initialGenerated = this.generated;
    this.distinct += fresh;
    const found = await this.decide(candidates, violations);
    this.queue = fresh;
    this.opts.onProgress?.(this.stats());
    return found;
  }

  /** As BfsSearch.decide: the smallest candidate per property, in canonical order; traces from gathered links. */
  private async decide(candidates: Iterable<Candidate>, violations: Candidate[]): Promise<boolean> {
    const accepted = acceptedCandidates(candidates, this.reported, this.opts.continueAfterViolation === true);
    if (accepted.length === 0) return false;
    await this.gather(Math.max(...accepted.map((c) => c.length)));
    for (const c of accepted) {
      violations.push(c);
      this.reported.add(c.rank);
      if (this.announced.has(c.rank)) continue; // found again after a rollback: already shown
      this.announced.add(c.rank);
      this.opts.onViolation?.(c, this.parents);
    }
    return !this.opts.continueAfterViolation;
  }

  /**
   * The parent links of every state of depth at most `upTo`, from every node, into a seen-table (inserted depth
   * by depth, so that each parent is there before its children): what the one-machine trace code reads.
   */
  private async gather(upTo: number): Promise<void> {
    this.gathered = [];
    this.broadcast({ type: 'gather', upTo });
    const done = new Set<number>();
    const parts: Int32Array[] = [];
    await this.waitUntil(() => {
      for (const g of this.gathered.splice(0)) { parts.push(g); if (g[2] === 1) done.add(g[0]!); }
      return done.size === this.nodes;
    }, 'gathering the parent links of a trace');
    let n = 0;
    for (const p of parts) n += p[3]!;
    const all = new Int32Array(5 * n);
    let at = 0;
    for (const p of parts) { all.set(p.subarray(4, 4 + 5 * p[3]!), at); at += 5 * p[3]!; }
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => all[5 * a + 4]! - all[5 * b + 4]!);
    let capacity = 64;
    while (capacity < 2 * n + 64) capacity *= 2;
    const table = SeenTable.create(capacity, false);
    for (const i of order) {
      const b = 5 * i;
      const ph = all[b + 2]!, pl = all[b + 3]!;
      const parent = ph === 0 && pl === 0 ? -1 : table.lookup(ph, pl);
      table.insert(all[b]!, all[b + 1]!, parent, -1);
    }
    table.flush();
    this.parents = table;
  }

  private stats(): SearchStats & { nodes: number; threads: number; wireBytes: number } {
    return {
      generated: this.generated, distinct: this.distinct, depth: this.depth, queue: this.queue,
      seconds: this.secondsBefore + ((this.searchEnded ?? performance.now()) - this.started) / 1000, tableBytes: this.tableBytes, budgetBytes: 0,
      tableFill: 0, workers: this.nodes, spill: 'memory', diskBytes: 0, rssBytes: this.rss,
      nodes: this.machines, threads: this.nodes, wireBytes: this.wireBytes,
    };
  }
}

/** SIGINT during a distributed run. */
class Interrupt extends Error {}
