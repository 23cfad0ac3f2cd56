/**
 * A search worker thread. It loads the spec itself (no state object ever crosses threads), attaches to the shared
 * seen-table and coordination words, and for each level claims frontier chunks from the shared counter and expands
 * them. It pauses when the table must grow (the coordinator rehashes, then sends the new table) and stops when
 * asked. Messages: coordinator -> worker `level`, `resume`, `retable`; worker -> coordinator `ready`, `paused`,
 * `done`, `error`.
 */
import { parentPort } from 'node:worker_threads';
import { CheckerError } from './errors.ts';
import { Coord, Expander } from './expander.ts';
import { PIECES, pieceBounds } from './chunks.ts';
import { loadSpec, type LoadedSpec } from './load.ts';
import { Model, type ModelOptions } from './model.ts';
import { SeenTable, type TableBuffers } from './seen-table.ts';

/** One run's setup: the spec and its configuration, and the shared table and coordination words. */
export interface WorkerSetup {
  specFile: string;
  modelOptions: ModelOptions;
  table: TableBuffers;
  coord: SharedArrayBuffer;
}

export type ToWorker =
  | ({ type: 'setup' } & WorkerSetup)
  | { type: 'level'; depth: number; skip: string[]; chunks: Int32Array[]; table: TableBuffers; spares: Int32Array[] }
  | { type: 'resume'; table: TableBuffers }
  | { type: 'retable'; table: TableBuffers };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'paused'; chunks: Int32Array[] }
  | { type: 'done'; generated: number; candidates: unknown[]; chunks: Int32Array[] }
  | { type: 'error'; message: string; exitCode: number };

export async function runWorker(): Promise<void> {
  const port = parentPort!;
  const inbox: ToWorker[] = [];
  let wake: (() => void) | undefined;
  port.on('message', (m: ToWorker) => { inbox.push(m); wake?.(); });
  const next = async (): Promise<ToWorker> => {
    while (inbox.length === 0) await new Promise<void>((r) => { wake = r; });
    wake = undefined;
    return inbox.shift()!;
  };
  const send = (m: FromWorker) => port.postMessage(m);
  try {
    // Specs loaded so far: a worker serves runs of several specs (a test file, a suite) and loads each once.
    const specs = new Map<string, LoadedSpec>();
    let coord: Int32Array<ArrayBufferLike> = new Int32Array(0);
    let expander: Expander | undefined;
    let fixedWidth = -1;
    send({ type: 'ready' });
    for (;;) {
      const msg = await next();
      if (msg.type === 'setup') {
        let loaded = specs.get(msg.specFile);
        if (!loaded) { loaded = await loadSpec(msg.specFile); specs.set(msg.specFile, loaded); }
        const model = new Model(loaded.spec, { ...msg.modelOptions, specFile: loaded.file });
        // The generic codec rebuilds Immutable Records through factories it has seen encoding: show it the
        // initial states, which the main thread (not this worker) generated. See docs/spec-api.md on Records.
        if (model.codec.fixedWidth < 0) for (const s of model.initialStates()) model.codec.encode(s);
        coord = new Int32Array(msg.coord);
        expander = new Expander(model, new SeenTable(msg.table), coord, true);
        fixedWidth = model.codec.fixedWidth;
        send({ type: 'ready' });
        continue;
      }
      if (!expander) throw new Error('worker: a level before setup');
      if (msg.type === 'retable' || msg.type === 'resume') { expander.table = new SeenTable(msg.table); continue; }
      // The table may have grown while the main thread expanded small levels: always take the current one.
      expander.table = new SeenTable(msg.table);
      expander.out.spares.push(...msg.spares);
      expander.beginLevel(msg.depth, msg.skip);
      // Work is claimed in pieces: with fixed-width entries a chunk is cut into PIECES parts, so that at the end
      // of a level no worker waits long for another finishing a whole chunk (see claimUnit in checker/chunks.ts).
      const pieces = fixedWidth >= 0 ? PIECES : 1;
      const entryWords = fixedWidth + 3;
      let index = -1;
      let pos = 0;
      let end = 0;
      for (;;) {
        if (index < 0) {
          if (Atomics.load(coord, Coord.stop) !== 0) break;
          const unit = Atomics.add(coord, Coord.claim, 1);
          if (unit >= msg.chunks.length * pieces) break;
          index = Math.floor(unit / pieces);
          const chunk = msg.chunks[index]!;
          [pos, end] = pieceBounds(chunk, unit % pieces, pieces, entryWords);
        }
        const chunk = msg.chunks[index]!;
        const before = expander.generated;
        pos = expander.expandChunk(chunk, pos, pieces > 1 ? (end - pos) / entryWords : Number.MAX_SAFE_INTEGER);
        Atomics.add(coord, Coord.generated, expander.generated - before);
        if (pos >= end) { index = -1; continue; }
        if (Atomics.load(coord, Coord.stop) !== 0) break;
        // The table must grow: make everyone pause, hand over what this worker wrote, wait for the new table.
        Atomics.store(coord, Coord.pause, 1);
        send({ type: 'paused', chunks: expander.out.chunks });
        let reply = await next();
        while (reply.type === 'retable') { expander.table = new SeenTable(reply.table); reply = await next(); }
        if (reply.type !== 'resume') throw new Error(`worker: unexpected ${reply.type} while paused`);
        expander.table = new SeenTable(reply.table);
      }
      send({ type: 'done', generated: expander.generated, candidates: [...expander.candidates.values()], chunks: expander.out.take() });
    }
  } catch (e) {
    if (e instanceof CheckerError) send({ type: 'error', message: e.message, exitCode: e.exitCode });
    else send({ type: 'error', message: `worker crashed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`, exitCode: 153 });
  }
}
