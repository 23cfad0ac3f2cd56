/**
 * The messages of a distributed run, and their subjects. Control messages are small JSON objects; the state
 * traffic is binary (little-endian int32 words), since it is the bulk of the bytes on the wire.
 *
 *   tlats.recruit               coordinator -> idle nodes: "a run wants nodes" (JSON; nodes answer `offer`)
 *   tlats.node.<node id>        coordinator -> one node: `setup` (its first partition, the spec, the model options)
 *   tlats.<run>.ctl             coordinator -> every node: level, close, gather, end, abort, heartbeat (JSON)
 *   tlats.<run>.c               node -> coordinator: offer, ready, refused, sent, closed, error, heartbeat (JSON)
 *   tlats.<run>.g               node -> coordinator: parent links, for traces (binary)
 *   tlats.<run>.n.<index>       partition -> partition on another node: QUERY (fingerprints), ANSWER (2 bits
 *                               each), STATES (binary); between two partitions of one node (two threads of one
 *                               `tlats serve --workers N`) the same messages go through a MessagePort instead
 *
 * A node with N threads (`tlats serve --workers N`) is N partitions, each a full participant of the protocol
 * with its own index and its own NATS connection: the messages above marked <index> are per partition, and the
 * coordinator counts a partition's silence as the loss of its node.
 *   tlats.<run>.k               node -> coordinator: its part of a checkpoint, as requests (binary; each answered
 *                               empty once written, which is the flow control: one part in flight per node)
 *   tlats.<run>.r.<index>       coordinator -> node: its part of a checkpoint to restore, as requests (binary;
 *                               each answered once applied; the last, PART_END, with the node's counts as JSON)
 *   tlats.<run>.e               node -> coordinator: its behaviour-graph records once the search is complete, for
 *                               temporal properties, as requests (binary, ./graph-gather.ts; each answered empty)
 *
 * Core NATS throughout (docs/design.md, "Many machines", says why not JetStream).
 */
import type { Candidate } from '../search/candidates.ts';
import type { ModelOptions } from '../model/model.ts';

export const RECRUIT = 'tlats.recruit';
export const nodeSubject = (id: string) => `tlats.node.${id}`;
export const ctlSubject = (run: string) => `tlats.${run}.ctl`;
export const coordSubject = (run: string) => `tlats.${run}.c`;
export const gatherSubject = (run: string) => `tlats.${run}.g`;
export const dataSubject = (run: string, index: number) => `tlats.${run}.n.${index}`;
export const snapshotSubject = (run: string) => `tlats.${run}.k`;
export const restoreSubject = (run: string, index: number) => `tlats.${run}.r.${index}`;
export const graphSubject = (run: string) => `tlats.${run}.e`;

/**
 * Kinds of the checkpoint parts (word 0; word 1 the node's index, word 2 a count), both ways:
 *   PART_OWNED    [kind, index, n, ...5n words]: owned-set entries (high, low, parent high, parent low, depth)
 *   PART_FRONTIER [kind, index, length, ...used words]: one frontier chunk (its allocated length, its used words)
 *   PART_END      [kind, index, owned states, frontier states]: the node's part is complete
 */
export const PART_OWNED = 1, PART_FRONTIER = 2, PART_END = 3;
/** Owned-set entries per PART_OWNED message at most (640 KB: below NATS's default 1 MB payload limit). */
export const PART_STATES = 32768;

/** Binary message kinds (word 0). */
export const QUERY = 1, ANSWER = 2, STATES = 3;
/** Words before the body of a binary node-to-node message: kind, from, seq, depth, count. */
export const HEADER = 5;

export interface SpecRef {
  /** The path as the coordinator was given it: a node resolves a relative one against its own working folder. */
  readonly path: string;
  readonly name: string;
  readonly sha256: string;
}

export interface Setup {
  readonly type: 'setup';
  readonly run: string;
  /** The partition's index (in the setup sent to a node: its first partition's; its threads take the next ones). */
  readonly index: number;
  /** Partitions in the run (the sum of the nodes' threads): what fingerprints are dealt out over. */
  readonly nodes: number;
  /** The node's threads, so its partitions are index .. index + threads - 1 (absent: 1). */
  readonly threads?: number;
  readonly spec: SpecRef;
  readonly modelOptions: ModelOptions;
  /** Seconds without a heartbeat after which the coordinator counts as gone. */
  readonly timeoutSeconds: number;
}

export type ToNode =
  | { type: 'level'; depth: number; skip: number[] }
  | { type: 'close'; depth: number; expect: number[] }
  | { type: 'gather'; upTo: number }
  /** Send your behaviour-graph records to the coordinator (tlats.<run>.e): the search is complete. */
  | { type: 'graph' }
  /** Stream your owned set and frontier to the coordinator (tlats.<run>.k): a checkpoint at this level boundary. */
  | { type: 'snapshot'; depth: number }
  | { type: 'end' }
  | { type: 'abort'; reason: string }
  | { type: 'hb' };

export interface LevelReport {
  readonly type: 'closed';
  readonly index: number;
  readonly depth: number;
  readonly generated: number;
  /** New states this node owns at the next depth. */
  readonly fresh: number;
  readonly candidates: Candidate[];
  /** Per action instance: enabled, generated, distinct (checker/search/expander.ts COVERAGE). */
  readonly coverage: number[];
  readonly initialDistinct: number;
  /** Payload bytes this partition published on NATS in the level (state traffic), and its messages; what goes to
   *  a partition of the same node (a MessagePort between its threads) is not counted. */
  readonly bytes: number;
  readonly messages: number;
  readonly tableBytes: number;
  readonly rssBytes: number;
}

export type ToCoordinator =
  /** An idle node: its id, where it runs and its threads (absent: 1), each a partition of the run. */
  | { type: 'offer'; id: string; host: string; pid: number; threads?: number }
  | { type: 'ready'; index: number }
  | { type: 'refused'; index: number; reason: string }
  | { type: 'sent'; index: number; depth: number; sentTo: number[] }
  | LevelReport
  | { type: 'error'; index: number; message: string; exitCode: number; at?: { high: number; low: number } }
  | { type: 'hb'; index: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const json = (v: unknown): Uint8Array => encoder.encode(JSON.stringify(v));
export const unjson = <T>(data: Uint8Array): T => JSON.parse(decoder.decode(data)) as T;

/** The int32 words of a binary payload (copied when the bytes are not 4-aligned in their buffer). */
export function words(data: Uint8Array): Int32Array {
  if (data.byteOffset % 4 === 0) return new Int32Array(data.buffer, data.byteOffset, data.byteLength >> 2);
  // new Uint8Array(view) copies (a Node Buffer's slice() would not: it is a view of the same pool).
  return new Int32Array(new Uint8Array(data).buffer, 0, data.byteLength >> 2);
}

export function bytesOf(w: Int32Array, used = w.length): Uint8Array {
  return new Uint8Array(w.buffer, w.byteOffset, used * 4);
}
