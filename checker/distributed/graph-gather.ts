/**
 * Gathering the behaviour graph at the coordinator, for temporal properties. The exploration stays distributed;
 * once it is complete every node sends the records of the states it expanded (./node-graph.ts) to the coordinator,
 * one chunk per request on tlats.<run>.e (each answered once taken: the flow control, as for checkpoints):
 *
 *   GRAPH_CHUNK [kind, node index, ...the chunk's used words (word 0: their number)]
 *   GRAPH_END   [kind, node index, chunks sent, records sent]
 *
 * The coordinator has the parent links of every state in a seen-table by then (the gathering of traces, every
 * depth), rewrites each record's fingerprints into that table's slots, which gives exactly the records of the
 * one-machine expander (checker/store/edges.ts), and builds the graph with the one-machine `finishGraph`. The
 * numbering follows the nodes' order, not the one-machine expansion order, which does not matter: every choice of
 * the liveness check follows the initial states' order and each state's successor order (checker/liveness/check.ts),
 * and those are the one-machine ones (init order; generation order at the node that expanded the state). So the
 * verdicts and lassos are those of `--workers 1`.
 *
 * Cost: the coordinator holds the whole graph, as one machine does (plus the 12 bytes a state of the gathered
 * seen-table); on the wire, 4 × (3 + nodeWords) bytes a state and 4 × (2 + edgeWords) bytes an edge (12 bytes for
 * most specs), once, after the search.
 */
import type { NatsConnection } from 'nats';
import { InternalError } from '../errors.ts';
import type { BehaviourGraph } from '../liveness/graph.ts';
import type { Model } from '../model/model.ts';
import { finishGraph, RECORD_HEAD } from '../store/edges.ts';
import type { SeenTable } from '../store/seen-table.ts';
import { FP_RECORD_HEAD } from './node-graph.ts';
import type { NodeRun } from './node-run.ts';
import { bytesOf, graphSubject, words } from './wire.ts';

export const GRAPH_CHUNK = 1, GRAPH_END = 2;

/** Node side: sends the node's records, one request at a time; an error (or the run ending) goes to `fail`. */
export async function sendGraphRecords(nc: NatsConnection, runId: string, run: NodeRun, timeoutMs: number, active: () => boolean): Promise<void> {
  const subject = graphSubject(runId);
  const send = async (msg: Int32Array) => {
    if (!active()) throw new Error('the run ended');
    await nc.request(subject, bytesOf(msg), { timeout: timeoutMs });
  };
  try {
    const chunks = run.graph?.chunks ?? [];
    for (const c of chunks) {
      const used = c[0]!;
      const msg = new Int32Array(2 + used);
      msg[0] = GRAPH_CHUNK; msg[1] = run.index;
      msg.set(c.subarray(0, used), 2);
      await send(msg);
    }
    await send(Int32Array.of(GRAPH_END, run.index, chunks.length, run.graph?.records ?? 0));
  } catch (e) {
    if (active()) run.fail(new Error(`sending its part of the behaviour graph: ${(e as Error).message}`));
  }
}

/** Coordinator side: the parts as they arrive, per node. */
export class GraphGathering {
  readonly chunks: Int32Array[][];
  readonly done: ({ chunks: number; records: number } | undefined)[];
  error: unknown;

  constructor(readonly nodes: number) {
    this.chunks = Array.from({ length: nodes }, () => []);
    this.done = new Array(nodes).fill(undefined);
  }

  /** One request's payload (copied: NATS reuses nothing, but the words may be a view of a shared buffer). */
  take(data: Uint8Array): void {
    const w = words(data);
    const i = w[1]!;
    if (!(i >= 0 && i < this.nodes)) throw new InternalError(`behaviour-graph records from node ${i}`);
    if (w[0] === GRAPH_CHUNK) this.chunks[i]!.push(w.slice(2));
    else if (w[0] === GRAPH_END) this.done[i] = { chunks: w[2]!, records: w[3]! };
  }

  get complete(): boolean { return this.done.every((d) => d !== undefined); }

  /**
   * The behaviour graph: the records with their fingerprints rewritten into `table`'s slots (every state of the
   * run must be there, and have exactly one record), then the one-machine numbering into compressed rows.
   */
  build(model: Model, table: SeenTable): BehaviourGraph {
    const plan = model.liveness!;
    const nodeWords = plan.nodeWords, edgeWords = plan.edgeWords;
    const slotOf = (high: number, low: number) => {
      const s = table.lookup(high, low);
      if (s < 0) throw new InternalError(`the behaviour graph names a state (fingerprint ${(high >>> 0).toString(16)}${(low >>> 0).toString(16).padStart(8, '0')}) that no node stored`);
      return s;
    };
    const out: (Int32Array | undefined)[] = [];
    for (let i = 0; i < this.nodes; i++) {
      const got = this.chunks[i]!;
      if (got.length !== this.done[i]!.chunks) throw new InternalError(`node ${i} sent ${got.length} chunks of the behaviour graph and says it sent ${this.done[i]!.chunks}`);
      for (const c of got) {
        // A one-machine record is shorter (a slot is one word, a fingerprint two): the same length is room enough.
        const r = new Int32Array(c.length);
        let q = 1;
        for (let at = 1; at < c[0]!;) {
          const k = c[at + 2]!;
          r[q] = slotOf(c[at]!, c[at + 1]!);
          r[q + 1] = k;
          for (let w = 0; w < nodeWords; w++) r[q + RECORD_HEAD + w] = c[at + FP_RECORD_HEAD + w]!;
          let p = at + FP_RECORD_HEAD + nodeWords;
          let o = q + RECORD_HEAD + nodeWords;
          for (let e = 0; e < k; e++, p += 2 + edgeWords, o += 1 + edgeWords) {
            r[o] = slotOf(c[p]!, c[p + 1]!);
            for (let w = 0; w < edgeWords; w++) r[o + 1 + w] = c[p + 2 + w]!;
          }
          at = p;
          q = o;
        }
        r[0] = q;
        out.push(r);
      }
      got.length = 0;
    }
    return finishGraph(out, table, nodeWords, edgeWords, plan.edgeBitCount, initialSlots(model, table), false);
  }
}

/** The initial states inside the model, as slots of `table`, in the order init gives them (as the expander lists them). */
function initialSlots(model: Model, table: SeenTable): number[] {
  const slots: number[] = [];
  for (const to of model.initialStates()) {
    model.encodeAndFingerprint(to, 'the initial state');
    const high = model.fp.high, low = model.fp.low;
    if (model.checks.inModel(undefined, to, undefined)) slots.push(table.lookup(high, low));
  }
  return slots;
}
