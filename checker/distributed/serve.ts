/**
 * `tlats serve --nats URL`: a node of distributed runs. It connects to the NATS server and waits; a coordinator
 * (`tlats spec.ts --nats URL --nodes K`, ./coordinator.ts) recruits it, names the spec file, its SHA-256 and the
 * model options; the node opens the same path (a relative one against its own working folder), refuses the run
 * with the reason if the file is missing or its hash differs, else loads it and takes part in the run
 * (./node-run.ts). After the run (or when it is aborted, or its coordinator goes silent) it waits for the next.
 *
 * A node is one thread: run several nodes on a machine with several cores.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { connect, type NatsConnection, type Subscription } from 'nats';
import { Model } from '../model/model.ts';
import { loadSpec, type LoadedSpec } from '../run/load.ts';
import { NodeRun, type NodeLink } from './node-run.ts';
import { sendGraphRecords } from './graph-gather.ts';
import { statesIn } from '../store/frontier.ts';
import { bytesOf, coordSubject, ctlSubject, dataSubject, json, nodeSubject, PART_END, PART_FRONTIER, PART_OWNED, PART_STATES, RECRUIT, restoreSubject, snapshotSubject, unjson, words, type Setup, type ToCoordinator, type ToNode } from './wire.ts';

export interface ServeOptions {
  readonly url: string;
  /** Where the messages of the node go (a line each). */
  readonly log: (line: string) => void;
  /** Resolves when the node must stop (SIGINT, SIGTERM). */
  readonly stop: Promise<void>;
}

const HEARTBEAT_MS = 500;
/** TLATS_NATS_DEBUG=1: log every control message. */
const debug = process.env.TLATS_NATS_DEBUG === '1';

interface Active {
  readonly setup: Setup;
  readonly run: NodeRun | undefined;
  readonly subs: Subscription[];
  lastCoordinator: number;
}

export async function serve(o: ServeOptions): Promise<void> {
  const id = randomBytes(6).toString('hex');
  const where = `${hostname()} pid ${process.pid}`;
  let nc: NatsConnection;
  o.log(`tlats serve: connecting to the NATS server at ${o.url} (retrying until it is there)`);
  try {
    nc = await connect({ servers: o.url, name: `tlats serve ${where}`, maxReconnectAttempts: -1, reconnectTimeWait: 500, waitOnFirstConnect: true });
  } catch (e) {
    throw new Error(`cannot connect to the NATS server at ${o.url}: ${(e as Error).message}`);
  }
  o.log(`tlats serve: node ${id} (${where}) connected to ${o.url}; waiting for a coordinator (tlats SPEC --nats ${o.url} --nodes K)`);
  const specs = new Map<string, LoadedSpec>();
  let active: Active | undefined;

  const finish = (why: string) => {
    const a = active;
    if (!a) return;
    active = undefined;
    a.run?.abort();
    for (const s of a.subs) s.unsubscribe();
    o.log(`run ${a.setup.run}: ${why}`);
  };

  const toCoordinator = (run: string, m: ToCoordinator) => { nc.publish(coordSubject(run), json(m)); };

  nc.subscribe(RECRUIT, {
    callback: (_err, msg) => {
      if (active) return;
      const r = unjson<{ run: string; reply: string }>(msg.data);
      nc.publish(r.reply, json({ type: 'offer', id, host: hostname(), pid: process.pid }));
    },
  });

  nc.subscribe(nodeSubject(id), {
    callback: (_err, msg) => {
      const setup = unjson<Setup | { type: 'abort'; run: string; reason: string }>(msg.data);
      if (setup.type === 'abort') { if (active?.setup.run === setup.run) finish(`aborted by the coordinator: ${setup.reason}`); return; }
      if (setup.type !== 'setup') return;
      if (active) {
        toCoordinator(setup.run, { type: 'refused', index: setup.index, reason: `node ${id} (${where}) is busy with run ${active.setup.run}` });
        return;
      }
      void begin(setup);
    },
  });

  async function begin(setup: Setup): Promise<void> {
    const a: Active = { setup, run: undefined, subs: [], lastCoordinator: Date.now() };
    active = a;
    // Listen to the coordinator at once: an abort may come while the spec is still loading.
    a.subs.push(nc.subscribe(ctlSubject(setup.run), {
      callback: (_e, msg) => {
        a.lastCoordinator = Date.now();
        const m = unjson<ToNode>(msg.data);
        if (debug && m.type !== 'hb') o.log(`ctl ${JSON.stringify(m)}`);
        if (m.type === 'end') { if (active === a) finish('done'); return; }
        if (m.type === 'abort') { if (active === a) finish(`aborted by the coordinator: ${m.reason}`); return; }
        const run = a.run;
        if (!run) return;
        if (m.type === 'level') void run.level(m.depth, m.skip);
        else if (m.type === 'close') run.close(m.expect);
        else if (m.type === 'gather') sendLinks(setup.run, run, m.upTo);
        else if (m.type === 'snapshot') void sendSnapshot(a, run);
        else if (m.type === 'graph') void sendGraphRecords(nc, setup.run, run, setup.timeoutSeconds * 1000, () => active === a);
      },
    }));
    const refuse = (reason: string) => {
      toCoordinator(setup.run, { type: 'refused', index: setup.index, reason: `node ${setup.index} (${where}): ${reason}` });
      finish(`refused: ${reason}`);
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
      let loaded = specs.get(key);
      if (!loaded) { loaded = await loadSpec(file, setup.spec.name); specs.set(key, loaded); }
      model = new Model(loaded.spec, { ...setup.modelOptions, specFile: file });
    } catch (e) {
      refuse(`cannot load ${file}: ${(e as Error).message}`);
      return;
    }
    if (active !== a) return;
    const link: NodeLink = {
      sendData: (index, payload, used) => { if (debug) o.log(`send kind ${payload[0]} to ${index} words ${used}`); nc.publish(dataSubject(setup.run, index), bytesOf(payload.slice(0, used))); },
      toCoordinator: (m) => toCoordinator(setup.run, m),
    };
    const run = new NodeRun(model, setup.index, setup.nodes, link);
    (a as { run: NodeRun | undefined }).run = run;
    a.subs.push(nc.subscribe(restoreSubject(setup.run, setup.index), { callback: (_e, msg) => {
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
    a.subs.push(nc.subscribe(dataSubject(setup.run, setup.index), { callback: (_e, msg) => { const w = words(msg.data); if (debug) o.log(`data kind ${w[0]} from ${w[1]} seq ${w[2]} count ${w[4]} bytes ${msg.data.byteLength}`); run.onData(w); } }));
    await nc.flush();
    o.log(`run ${setup.run}: node ${setup.index} of ${setup.nodes}, ${file}${setup.modelOptions.config ? ` --config ${setup.modelOptions.config}` : ''}`);
    link.toCoordinator({ type: 'ready', index: setup.index });
  }

  /** The parent links, in messages of at most 20,000 states (5 words each), the last one flagged. */
  function sendLinks(runId: string, run: NodeRun, upTo: number): void {
    const all = run.links(upTo);
    const per = 5 * 20000;
    for (let at = 0, part = 0; ; at += per, part++) {
      const body = all.subarray(at, Math.min(all.length, at + per));
      const last = at + per >= all.length ? 1 : 0;
      const msg = new Int32Array(4 + body.length);
      msg[0] = run.index; msg[1] = part; msg[2] = last; msg[3] = body.length / 5;
      msg.set(body, 4);
      nc.publish(`tlats.${runId}.g`, bytesOf(msg));
      if (last) break;
    }
  }

  /**
   * A checkpoint at a level boundary: the owned set and the frontier part, to the coordinator, one request at a time
   * (each answered once written: the flow control). A run aborted meanwhile stops sending.
   */
  async function sendSnapshot(a: Active, run: NodeRun): Promise<void> {
    const subject = snapshotSubject(a.setup.run);
    const timeout = a.setup.timeoutSeconds * 1000;
    const send = async (msg: Int32Array) => {
      if (active !== a) throw new Error('the run ended');
      await nc.request(subject, bytesOf(msg), { timeout });
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
      if (active === a) run.fail(new Error(`sending its part of the checkpoint: ${(e as Error).message}`));
    }
  }

  const beat = setInterval(() => {
    const a = active;
    if (!a) return;
    if (a.run) toCoordinator(a.setup.run, { type: 'hb', index: a.setup.index });
    if (Date.now() - a.lastCoordinator > a.setup.timeoutSeconds * 1000) finish(`the coordinator went silent (nothing for ${a.setup.timeoutSeconds} s); waiting for the next run`);
  }, HEARTBEAT_MS);

  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') { finish('lost the connection to the NATS server'); o.log(`tlats serve: disconnected from ${o.url}; reconnecting`); }
      else if (s.type === 'reconnect') o.log(`tlats serve: reconnected to ${o.url}; waiting for a coordinator`);
    }
  })();

  await Promise.race([o.stop, nc.closed()]);
  clearInterval(beat);
  finish('the node is stopping');
  if (!nc.isClosed()) await nc.close();
}
