/**
 * A worker thread of `tlats serve --workers N` (./serve.ts): one partition of each run the node takes part in
 * (./serve-partition.ts), on a NATS connection of its own, so its heartbeats, its traffic with the coordinator and
 * with the other nodes' partitions need nothing from the main thread; a thread that dies takes its connection
 * with it, and the coordinator sees a lost node. The main thread only recruits (it answers for the whole node) and
 * hands each thread its setup and the MessagePorts to the node's other partitions.
 */
import { hostname } from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { connect } from 'nats';
import type { LoadedSpec } from '../run/load.ts';
import { PartitionHost } from './serve-partition.ts';
import type { Setup } from './wire.ts';

/** From the main thread. */
export type ToServeThread =
  /** Take part in a run: `peers[i]` is the index of the partition at the other end of `ports[i]`. */
  | { type: 'begin'; setup: Setup; peers: number[]; ports: MessagePort[] }
  | { type: 'abort'; run: string; reason: string };

/** To the main thread. */
export type FromServeThread =
  | { type: 'connected' }
  | { type: 'log'; line: string }
  | { type: 'finished'; run: string };

export interface ServeThreadData { readonly url: string; readonly thread: number }

export async function runServeThread(): Promise<void> {
  const port = parentPort!;
  const { url, thread } = workerData as ServeThreadData;
  const send = (m: FromServeThread) => port.postMessage(m);
  const log = (line: string) => send({ type: 'log', line });
  const nc = await connect({ servers: url, name: `tlats serve ${hostname()} pid ${process.pid} thread ${thread}`, maxReconnectAttempts: -1, reconnectTimeWait: 500, waitOnFirstConnect: true });
  const specs = new Map<string, LoadedSpec>();
  let host: PartitionHost | undefined;

  port.on('message', (m: ToServeThread) => {
    if (m.type === 'abort') { if (host?.setup.run === m.run) host.finish(`aborted by the coordinator: ${m.reason}`); return; }
    const local = new Map<number, (w: Int32Array) => void>();
    m.ports.forEach((p, i) => local.set(m.peers[i]!, (w) => p.postMessage(w.buffer, [w.buffer as ArrayBuffer])));
    const run = m.setup.run;
    const h: PartitionHost = new PartitionHost({
      nc, log, where: `${hostname()} pid ${process.pid}`, specs, local,
      finished: () => {
        for (const p of m.ports) p.close();
        if (host === h) host = undefined;
        send({ type: 'finished', run });
      },
    }, m.setup);
    host = h;
    for (const p of m.ports) p.on('message', (buf: ArrayBuffer) => h.onLocal(new Int32Array(buf)));
    void h.start().catch((e: unknown) => h.finish(`failed: ${(e as Error).message}`));
  });

  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') host?.finish('lost the connection to the NATS server');
    }
  })();
  send({ type: 'connected' });
}
