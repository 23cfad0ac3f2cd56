/**
 * `tlats serve --nats URL [--workers N]`: a node of distributed runs. It connects to the NATS server and waits; a
 * coordinator (`tlats spec.ts --nats URL --nodes K`, ./coordinator.ts) recruits it, names the spec file, its
 * SHA-256 and the model options; the node opens the same path (a relative one against its own working folder),
 * refuses the run with the reason if the file is missing or its hash differs, else loads it and takes part in the
 * run. After the run (or when it is aborted, or its coordinator goes silent) it waits for the next.
 *
 * A node with N threads is N partitions of the run (./serve-partition.ts): it offers N, the coordinator gives it
 * N consecutive partition indexes, and each thread is a full participant of the level protocol. With N = 1 the
 * partition runs in this thread; with N > 1 each runs in a worker thread of its own (./serve-thread.ts), and the
 * traffic between two partitions of this node goes through a MessagePort, not over NATS.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { connect, type NatsConnection } from 'nats';
import type { LoadedSpec } from '../run/load.ts';
import { PartitionHost } from './serve-partition.ts';
import type { FromServeThread, ServeThreadData, ToServeThread } from './serve-thread.ts';
import { coordSubject, json, nodeSubject, RECRUIT, unjson, type Setup } from './wire.ts';

export interface ServeOptions {
  readonly url: string;
  /** Threads, each a partition of the runs (default 1: in this thread). */
  readonly workers?: number;
  /** Where the messages of the node go (a line each). */
  readonly log: (line: string) => void;
  /** Resolves when the node must stop (SIGINT, SIGTERM). */
  readonly stop: Promise<void>;
}

/** The run the node takes part in: its partitions still in it. */
interface Active {
  readonly setup: Setup;
  /** Partitions not yet finished, by thread. */
  readonly running: Set<number>;
  /** N = 1: the partition of this thread. */
  host?: PartitionHost;
}

/** A worker thread of a node with N > 1 threads, restarted if it dies. */
interface Thread {
  worker: Worker;
  connected: boolean;
}

export async function serve(o: ServeOptions): Promise<void> {
  const id = randomBytes(6).toString('hex');
  const threads = o.workers ?? 1;
  const where = `${hostname()} pid ${process.pid}`;
  let nc: NatsConnection;
  o.log(`tlats serve: connecting to the NATS server at ${o.url} (retrying until it is there)`);
  try {
    nc = await connect({ servers: o.url, name: `tlats serve ${where}`, maxReconnectAttempts: -1, reconnectTimeWait: 500, waitOnFirstConnect: true });
  } catch (e) {
    throw new Error(`cannot connect to the NATS server at ${o.url}: ${(e as Error).message}`);
  }
  const specs = new Map<string, LoadedSpec>();
  let active: Active | undefined;
  let stopping = false;

  const partitionDone = (a: Active, thread: number) => {
    a.running.delete(thread);
    if (a.running.size === 0 && active === a) active = undefined;
  };

  const pool: Thread[] = [];
  const spawn = (t: number): Thread => {
    const data: ServeThreadData = { url: o.url, thread: t };
    // A small young generation, as the search workers have (checker/parallel/crew.ts says why: less RSS, same speed).
    const worker = new Worker(new URL('./serve-thread-entry.mjs', import.meta.url), { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    const th: Thread = { worker, connected: false };
    worker.on('message', (m: FromServeThread) => {
      if (m.type === 'connected') th.connected = true;
      else if (m.type === 'log') o.log(m.line);
      else if (m.type === 'finished' && active?.setup.run === m.run) partitionDone(active, t);
    });
    worker.on('error', (e) => o.log(`tlats serve: thread ${t + 1} of ${threads} failed: ${e.stack ?? e.message}`));
    worker.on('exit', () => {
      if (stopping) return;
      // Its NATS connection went with it: the coordinator counts its partition as lost. A new thread takes its place.
      if (active?.running.has(t)) { o.log(`run ${active.setup.run}: thread ${t + 1} of ${threads} ended (its partition ${active.setup.index + t} is lost for the coordinator); a new thread takes its place`); partitionDone(active, t); }
      pool[t] = spawn(t);
    });
    return th;
  };
  if (threads > 1) for (let t = 0; t < threads; t++) pool.push(spawn(t));
  const ready = () => pool.every((th) => th.connected);
  while (!ready()) await new Promise((r) => setTimeout(r, 20));
  o.log(`tlats serve: node ${id} (${where}${threads > 1 ? `, ${threads} threads` : ''}) connected to ${o.url}; waiting for a coordinator (tlats SPEC --nats ${o.url} --nodes K)`);

  const abort = (run: string, reason: string) => {
    const a = active;
    if (!a || a.setup.run !== run) return;
    if (a.host) a.host.finish(`aborted by the coordinator: ${reason}`);
    else for (const th of pool) th.worker.postMessage({ type: 'abort', run, reason } satisfies ToServeThread);
  };

  nc.subscribe(RECRUIT, {
    callback: (_err, msg) => {
      if (active || !ready()) return;
      const r = unjson<{ run: string; reply: string }>(msg.data);
      nc.publish(r.reply, json({ type: 'offer', id, host: hostname(), pid: process.pid, threads }));
    },
  });

  nc.subscribe(nodeSubject(id), {
    callback: (_err, msg) => {
      const setup = unjson<Setup | { type: 'abort'; run: string; reason: string }>(msg.data);
      if (setup.type === 'abort') { abort(setup.run, setup.reason); return; }
      if (setup.type !== 'setup') return;
      if (active) {
        nc.publish(coordSubject(setup.run), json({ type: 'refused', index: setup.index, reason: `node ${id} (${where}) is busy with run ${active.setup.run}` }));
        return;
      }
      begin(setup);
    },
  });

  function begin(setup: Setup): void {
    const a: Active = { setup, running: new Set(Array.from({ length: threads }, (_, t) => t)) };
    active = a;
    if (threads === 1) {
      a.host = new PartitionHost({ nc, log: o.log, where, specs, local: new Map(), finished: () => partitionDone(a, 0) }, setup);
      void a.host.start().catch((e: unknown) => a.host!.finish(`failed: ${(e as Error).message}`));
      return;
    }
    // A MessagePort pair between every two partitions of this node, new for every run (nothing of an earlier
    // run can arrive on them).
    const ports: MessagePort[][] = Array.from({ length: threads }, () => []);
    const peers: number[][] = Array.from({ length: threads }, () => []);
    for (let i = 0; i < threads; i++) {
      for (let j = i + 1; j < threads; j++) {
        const ch = new MessageChannel();
        ports[i]!.push(ch.port1); peers[i]!.push(setup.index + j);
        ports[j]!.push(ch.port2); peers[j]!.push(setup.index + i);
      }
    }
    pool.forEach((th, t) => {
      const m: ToServeThread = { type: 'begin', setup: { ...setup, index: setup.index + t, threads }, peers: peers[t]!, ports: ports[t]! };
      th.worker.postMessage(m, ports[t]!);
    });
  }

  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        // The threads' own connections are lost too (the same server): they leave the run themselves.
        active?.host?.finish('lost the connection to the NATS server');
        o.log(`tlats serve: disconnected from ${o.url}; reconnecting`);
      } else if (s.type === 'reconnect') o.log(`tlats serve: reconnected to ${o.url}; waiting for a coordinator`);
    }
  })();

  await Promise.race([o.stop, nc.closed()]);
  stopping = true;
  active?.host?.finish('the node is stopping');
  await Promise.all(pool.map((th) => th.worker.terminate()));
  if (!nc.isClosed()) await nc.close();
}
