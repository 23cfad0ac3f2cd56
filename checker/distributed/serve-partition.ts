/**
 * One partition of a distributed run on a `tlats serve` node (./serve.ts): it checks and loads the spec the
 * coordinator names, runs the level protocol (./node-run.ts) on its own NATS connection, sends heartbeats, its
 * parent links and its part of a checkpoint, and takes its part back on a restore. A node with one thread runs one
 * in its main thread; a node with N threads (`--workers N`) runs one in each worker thread (./serve-thread.ts),
 * and the partitions of one node exchange their state traffic through MessagePorts (`local`), not over NATS.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { NatsConnection, Subscription } from 'nats';
import { Model } from '../model/model.ts';
import { loadSpec, type LoadedSpec } from '../run/load.ts';
import { statesIn } from '../store/frontier.ts';
import { NodeRun, type NodeLink } from './node-run.ts';
import { sendGraphRecords } from './graph-gather.ts';
import {
  bytesOf, coordSubject, ctlSubject, dataSubject, gatherSubject, json, PART_END, PART_FRONTIER, PART_OWNED, PART_STATES, restoreSubject,
  snapshotSubject, unjson, words, type Setup, type ToCoordinator, type ToNode,
} from './wire.ts';

const HEARTBEAT_MS = 500;
/** TLATS_NATS_DEBUG=1: log every control message. */
const debug = process.env.TLATS_NATS_DEBUG === '1';

export interface PartitionEnv {
  readonly nc: NatsConnection;
  /** Where the messages of the partition go (a line each). */
  readonly log: (line: string) => void;
  /** The node, as the coordinator's messages name it (host and pid). */
  readonly where: string;
  /** Specs loaded so far by this thread (a node serves many runs and loads each spec once). */
  readonly specs: Map<string, LoadedSpec>;
  /** The other partitions of this node, by index: a message to one of them is posted here instead of published. */
  readonly local: ReadonlyMap<number, (message: Int32Array) => void>;
  /** Called once, when the partition is done with the run (ended, aborted, refused, its coordinator silent). */
  readonly finished: () => void;
}

export class PartitionHost {
  private run: NodeRun | undefined;
  private readonly subs: Subscription[] = [];
  private lastCoordinator = Date.now();
  private readonly beat: ReturnType<typeof setInterval>;
  private done = false;
  /** Messages from the node's other partitions that came before the run was set up (they cannot, in the protocol). */
  private early: Int32Array[] = [];

  constructor(private readonly env: PartitionEnv, readonly setup: Setup) {
    this.beat = setInterval(() => {
      if (this.run) this.toCoordinator({ type: 'hb', index: setup.index });
      if (Date.now() - this.lastCoordinator > setup.timeoutSeconds * 1000) this.finish(`the coordinator went silent (nothing for ${setup.timeoutSeconds} s); waiting for the next run`);
    }, HEARTBEAT_MS);
  }

  private toCoordinator(m: ToCoordinator): void { this.env.nc.publish(coordSubject(this.setup.run), json(m)); }

  /** Leaves the run (once): the expansion stops, the subscriptions go, the node is told. */
  finish(why: string): void {
    if (this.done) return;
    this.done = true;
    clearInterval(this.beat);
    this.run?.abort();
    for (const s of this.subs) s.unsubscribe();
    this.env.log(`run ${this.setup.run}${this.setup.threads !== undefined && this.setup.threads > 1 ? ` partition ${this.setup.index}` : ''}: ${why}`);
    this.env.finished();
  }

  /** A message from another partition of this node (through its MessagePort). */
  onLocal(w: Int32Array): void {
    if (this.done) return;
    if (this.run) this.run.onData(w);
    else this.early.push(w);
  }

  /** Checks and loads the spec, subscribes to the run's subjects and tells the coordinator it is ready (or refuses). */
  async start(): Promise<void> {
    const { nc, where } = this.env;
    const setup = this.setup;
    // Listen to the coordinator at once: an abort may come while the spec is still loading.
    this.subs.push(nc.subscribe(ctlSubject(setup.run), {
      callback: (_e, msg) => {
        this.lastCoordinator = Date.now();
        const m = unjson<ToNode>(msg.data);
        if (debug && m.type !== 'hb') this.env.log(`ctl ${JSON.stringify(m)}`);
        if (m.type === 'end') { this.finish('done'); return; }
        if (m.type === 'abort') { this.finish(`aborted by the coordinator: ${m.reason}`); return; }
        const run = this.run;
        if (!run) return;
        if (m.type === 'level') void run.level(m.depth, m.skip);
        else if (m.type === 'close') run.close(m.expect);
        else if (m.type === 'gather') this.sendLinks(run, m.upTo);
        else if (m.type === 'snapshot') void this.sendSnapshot(run);
        else if (m.type === 'graph') void sendGraphRecords(this.env.nc, setup.run, run, setup.timeoutSeconds * 1000, () => !this.done);
      },
    }));
    const refuse = (reason: string) => {
      this.toCoordinator({ type: 'refused', index: setup.index, reason: `node ${setup.index} (${where}): ${reason}` });
      this.finish(`refused: ${reason}`);
    };
    const file = isAbsolute(setup.spec.path) ? setup.spec.path : resolve(process.cwd(), setup.spec.path);
    let sha: string;
    try {
      sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    } catch (e) {
      refuse(`cannot read the spec file ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      return;
    }
    if (sha !== setup.spec.sha256) {
      refuse(`its spec file ${file} is not the coordinator's (SHA-256 ${sha.slice(0, 12)}… here, ${setup.spec.sha256.slice(0, 12)}… there): every node must load the same spec`);
      return;
    }
    let model: Model;
    try {
      const key = `${file}\0${sha}\0${setup.spec.name}`;
      let loaded = this.env.specs.get(key);
      if (!loaded) { loaded = await loadSpec(file, setup.spec.name); this.env.specs.set(key, loaded); }
      model = new Model(loaded.spec, { ...setup.modelOptions, specFile: file });
    } catch (e) {
      refuse(`cannot load ${file}: ${(e as Error).message}`);
      return;
    }
    if (this.done) return;
    const local = this.env.local;
    const link: NodeLink = {
      sendData: (index, payload, used) => {
        if (debug) this.env.log(`send kind ${payload[0]} to ${index} words ${used}`);
        const post = local.get(index);
        if (post) post(payload.slice(0, used));
        else nc.publish(dataSubject(setup.run, index), bytesOf(payload.slice(0, used)));
      },
      isLocal: (index) => local.has(index),
      toCoordinator: (m) => this.toCoordinator(m),
    };
    const run = new NodeRun(model, setup.index, setup.nodes, link);
    this.run = run;
    this.subs.push(nc.subscribe(restoreSubject(setup.run, setup.index), { callback: (_e, msg) => {
      // Answered once applied (the coordinator sends the next part then); a part that cannot be applied says why.
      try {
        const w = words(msg.data);
        if (w[0] === PART_OWNED) run.set.restore(w.subarray(3, 3 + 5 * w[2]!));
        else if (w[0] === PART_FRONTIER) run.restoreChunk(w[2]!, w.subarray(3));
        msg.respond(w[0] === PART_END ? json({ owned: run.set.size, frontier: statesIn(run.frontierChunks) }) : new Uint8Array(0));
      } catch (e) {
        msg.respond(json({ error: (e as Error).message }));
      }
    } }));
    this.subs.push(nc.subscribe(dataSubject(setup.run, setup.index), { callback: (_e, msg) => {
      const w = words(msg.data);
      if (debug) this.env.log(`data kind ${w[0]} from ${w[1]} seq ${w[2]} count ${w[4]} bytes ${msg.data.byteLength}`);
      run.onData(w);
    } }));
    for (const w of this.early.splice(0)) run.onData(w);
    await nc.flush();
    if (this.done) return;
    this.env.log(`run ${setup.run}: node ${setup.index} of ${setup.nodes}, ${file}${setup.modelOptions.config ? ` --config ${setup.modelOptions.config}` : ''}`);
    this.toCoordinator({ type: 'ready', index: setup.index });
  }

  /** The parent links, in messages of at most 20,000 states (5 words each), the last one flagged. */
  private sendLinks(run: NodeRun, upTo: number): void {
    const all = run.links(upTo);
    const per = 5 * 20000;
    for (let at = 0, part = 0; ; at += per, part++) {
      const body = all.subarray(at, Math.min(all.length, at + per));
      const last = at + per >= all.length ? 1 : 0;
      const msg = new Int32Array(4 + body.length);
      msg[0] = run.index; msg[1] = part; msg[2] = last; msg[3] = body.length / 5;
      msg.set(body, 4);
      this.env.nc.publish(gatherSubject(this.setup.run), bytesOf(msg));
      if (last) break;
    }
  }

  /**
   * A checkpoint at a level boundary: the owned set and the frontier part, to the coordinator, one request at a time
   * (each answered once written: the flow control). A run aborted meanwhile stops sending.
   */
  private async sendSnapshot(run: NodeRun): Promise<void> {
    const subject = snapshotSubject(this.setup.run);
    const timeout = this.setup.timeoutSeconds * 1000;
    const send = async (msg: Int32Array) => {
      if (this.done) throw new Error('the run ended');
      await this.env.nc.request(subject, bytesOf(msg), { timeout });
    };
    try {
      const entries = run.set.entries();
      for (let at = 0; at < entries.length; at += 5 * PART_STATES) {
        const body = entries.subarray(at, Math.min(entries.length, at + 5 * PART_STATES));
        const msg = new Int32Array(3 + body.length);
        msg[0] = PART_OWNED; msg[1] = run.index; msg[2] = body.length / 5;
        msg.set(body, 3);
        await send(msg);
      }
      for (const c of run.frontierChunks) {
        const used = c[0]!;
        if (used > 240_000) throw new Error(`a frontier chunk of ${used} words is too big for one NATS message (a state of more than 900 KB)`);
        const msg = new Int32Array(3 + used);
        msg[0] = PART_FRONTIER; msg[1] = run.index; msg[2] = c.length;
        msg.set(c.subarray(0, used), 3);
        await send(msg);
      }
      await send(Int32Array.of(PART_END, run.index, run.set.size, statesIn(run.frontierChunks)));
    } catch (e) {
      if (!this.done) run.fail(new Error(`sending its part of the checkpoint: ${(e as Error).message}`));
    }
  }
}
