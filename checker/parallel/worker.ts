/**
 * A search worker thread. It loads the spec itself (no state object ever crosses threads), builds the model from
 * the whole model options the coordinator sent, attaches to the shared seen-table and coordination words, and for
 * each level claims frontier work from the shared counter and expands it. It pauses when the table must grow (the
 * coordinator rehashes, then sends the new table) and stops when asked. A simulation run (`simulate`) is handed to
 * ./sim-worker.ts. The messages are in ./protocol.ts.
 */
import { parentPort } from 'node:worker_threads';
import { CheckerError, SpecEvalError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { Model } from '../model/model.ts';
import { loadSpec, type LoadedSpec } from '../run/load.ts';
import { Expander } from '../search/expander.ts';
import { entriesBetween, pieceBounds, piecesPerChunk } from '../store/frontier.ts';
import { SeenTable } from '../store/seen-table.ts';
import { collectMarked, markKnownRange, newOfRange } from '../store/disk-merge.ts';
import { Coord, type FromWorker, type LevelOrder, type LivenessOrder, type ToWorker } from './protocol.ts';
import { checkPattern, Workspace } from '../liveness/check.ts';
import { BehaviourGraph } from '../liveness/graph.ts';
import { simulateInWorker } from './sim-worker.ts';

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
        const key = `${msg.specFile}\0${msg.specName}`;
        let loaded = specs.get(key);
        if (!loaded) { loaded = await loadSpec(msg.specFile, msg.specName); specs.set(key, loaded); }
        const model = new Model(loaded.spec, msg.modelOptions);
        // The generic codec rebuilds Immutable Records through factories it has seen encoding: show it the
        // initial states, which the main thread (not this worker) generated. See docs/spec-api.md on Records.
        if (model.codec.fixedWidth < 0) for (const s of model.initialStates()) model.codec.encode(s);
        coord = new Int32Array(msg.coord);
        expander = new Expander(model, new SeenTable(msg.table), coord, true);
        fixedWidth = model.codec.fixedWidth;
        send({ type: 'ready' });
        continue;
      }
      if (msg.type === 'simulate') {
        const key = `${msg.specFile}\0${msg.specName}`;
        let loaded = specs.get(key);
        if (!loaded) { loaded = await loadSpec(msg.specFile, msg.specName); specs.set(key, loaded); }
        await simulateInWorker(msg, loaded, next, send);
        continue;
      }
      if (!expander) throw new Error('a level before setup');
      if (msg.type === 'liveness') { send({ type: 'lassos', findings: checkClaimed(msg, coord) }); continue; }
      if (msg.type === 'retable' || msg.type === 'resume') { expander.table = new SeenTable(msg.table); continue; }
      if (msg.type === 'simResume') throw new Error('simResume outside a simulation');
      // The per-level merge past the spill (checker/search/spill.ts), shared: this worker's part of it.
      if (msg.type === 'mergeCollect') {
        const recs = collectMarked(new SeenTable(msg.table), msg.markHalf, msg.from, msg.to);
        port.postMessage({ type: 'mergeCollected', recs } satisfies FromWorker, [recs.buffer as ArrayBuffer]);
        continue;
      }
      if (msg.type === 'mergeKnown') {
        const { recs, order, known, keys, links } = msg.arrays;
        markKnownRange(msg.runs, recs, order, msg.from, msg.to, known);
        send({ type: 'mergeKnownDone', added: newOfRange(recs, order, msg.from, msg.to, known, keys, links) });
        continue;
      }
      await expandLevel(expander, msg, coord, fixedWidth, next, send);
    }
  } catch (e) {
    if (e instanceof CheckerError) {
      send({ type: 'error', message: e.message, exitCode: e.exitCode, ...(e instanceof SpecEvalError && e.at ? { at: e.at } : {}) });
    } else {
      send({ type: 'error', message: `a worker thread crashed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`, exitCode: ExitCode.system });
    }
  }
}

/** Checks the property instances this worker claims, one at a time, until none is left. */
function checkClaimed(msg: LivenessOrder, coord: Int32Array): { instance: number; lasso: import('../liveness/check.ts').Lasso }[] {
  const graph = new BehaviourGraph(msg.graph);
  const ws = new Workspace(graph.n);
  const out: { instance: number; lasso: import('../liveness/check.ts').Lasso }[] = [];
  for (;;) {
    if (Atomics.load(coord, Coord.stop) !== 0) break;
    const i = Atomics.add(coord, Coord.claim, 1);
    if (i >= msg.patterns.length) break;
    const v = checkPattern(graph, msg.patterns[i]!, msg.fairness, ws);
    if (v.violated) out.push({ instance: i, lasso: v.lasso });
  }
  return out;
}

/** Claims and expands pieces of the level until none is left (or a stop), pausing whenever the table must grow. */
async function expandLevel(
  expander: Expander, msg: LevelOrder, coord: Int32Array, fixedWidth: number,
  next: () => Promise<ToWorker>, send: (m: FromWorker) => void,
): Promise<void> {
  // The table may have grown while the main thread expanded small levels: always take the current one.
  expander.table = new SeenTable(msg.table);
  expander.out.spares.push(...msg.spares);
  expander.beginLevel(msg.depth, msg.skip);
  // Work is claimed in pieces: with fixed-width entries a chunk is cut into eighths, so that at the end of a
  // level no worker waits long for another finishing a whole chunk.
  const pieces = piecesPerChunk(fixedWidth);
  let index = -1;
  let pos = 0;
  let end = 0;
  for (;;) {
    if (index < 0) {
      if (Atomics.load(coord, Coord.stop) !== 0) break;
      const unit = Atomics.add(coord, Coord.claim, 1);
      if (unit >= msg.chunks.length * pieces) break;
      index = Math.floor(unit / pieces);
      [pos, end] = pieceBounds(msg.chunks[index]!, unit % pieces, fixedWidth);
    }
    const chunk = msg.chunks[index]!;
    const before = expander.generated;
    pos = expander.expandChunk(chunk, pos, pieces > 1 ? entriesBetween(pos, end, fixedWidth) : Number.MAX_SAFE_INTEGER);
    Atomics.add(coord, Coord.generated, expander.generated - before);
    if (pos >= end) { index = -1; continue; }
    if (Atomics.load(coord, Coord.stop) !== 0) break;
    // The table must grow: make everyone pause, hand over what this worker wrote, wait for the new table.
    Atomics.store(coord, Coord.pause, 1);
    send({ type: 'paused', chunks: expander.out.chunks, records: expander.recorder?.writer.takeNew() ?? [] });
    let reply = await next();
    while (reply.type === 'retable') { expander.table = new SeenTable(reply.table); reply = await next(); }
    if (reply.type !== 'resume') throw new Error(`unexpected ${reply.type} while paused`);
    expander.table = new SeenTable(reply.table);
  }
  send({
    type: 'done', generated: expander.generated, candidates: [...expander.candidates.values()], chunks: expander.out.take(),
    records: expander.recorder?.writer.takeNew() ?? [], coverage: expander.takeCoverage(),
  });
}
