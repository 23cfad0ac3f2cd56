/**
 * A worker thread's part of a simulation run (`--simulate --workers N`): build the model from the spec it loaded
 * itself, then claim behaviour numbers from the shared counter and walk them (checker/search/simulate.ts) until the
 * behaviour count, the time budget, a stop, or a smaller violating number ends the claiming. A violation is
 * published as the smallest violating number (a CAS loop on SimCoord.best); the coordinator re-runs that behaviour
 * itself to print and shorten it, so no state crosses threads. Between behaviours the worker pauses when the
 * distinct-state table must grow, and takes the new table with `simResume`.
 */
import type { LoadedSpec } from '../run/load.ts';
import { Model } from '../model/model.ts';
import { DistinctStates } from '../search/sim-distinct.ts';
import { Simulator } from '../search/simulate.ts';
import { SeenTable } from '../store/seen-table.ts';
import { SimCoord, type FromWorker, type SimulateOrder, type ToWorker } from './protocol.ts';

/** Lowers `coord[best]` to `n` if `n` is smaller (lock-free). */
export function offerViolation(coord: Int32Array, n: number): void {
  for (;;) {
    const current = Atomics.load(coord, SimCoord.best);
    if (current <= n) return;
    if (Atomics.compareExchange(coord, SimCoord.best, current, n) === current) return;
  }
}

/**
 * Walks behaviours for one run. `claimOne` is shared with the coordinator's own walking (checker/run/simulate.ts):
 * the next number to walk, or -1 when claiming is over.
 */
export function claimOne(coord: Int32Array, limit: number): number {
  if (Atomics.load(coord, SimCoord.stop) !== 0 || Atomics.load(coord, SimCoord.noMore) !== 0) return -1;
  const n = Atomics.add(coord, SimCoord.next, 1);
  if (n >= limit || n < 0 || n > Atomics.load(coord, SimCoord.best)) return -1;
  return n;
}

export async function simulateInWorker(
  order: SimulateOrder, loaded: LoadedSpec, next: () => Promise<ToWorker>, send: (m: FromWorker) => void,
): Promise<void> {
  const model = new Model(loaded.spec, order.modelOptions);
  const coord = new Int32Array(order.coord);
  const distinct = order.table ? new DistinctStates(new SeenTable(order.table)) : undefined;
  const sim = new Simulator(model, order.seed, order.depth, distinct, coord, new Float64Array(order.stats), order.slot);
  const pause = async () => {
    distinct?.flush();
    Atomics.store(coord, SimCoord.pause, 1);
    send({ type: 'simPaused' });
    const reply = await next();
    if (reply.type !== 'simResume') throw new Error(`unexpected ${reply.type} while paused`);
    distinct!.retable(reply.table ? new SeenTable(reply.table) : undefined);
  };
  for (;;) {
    if (Atomics.load(coord, SimCoord.stop) !== 0) break;
    if (distinct && (distinct.wantsGrowth || Atomics.load(coord, SimCoord.pause) !== 0)) { await pause(); continue; }
    const n = claimOne(coord, order.limit);
    if (n < 0) break;
    if (sim.run(n)) offerViolation(coord, n);
  }
  // Fingerprints refused by a full table are still to be counted: grow until none is left.
  while (distinct?.wantsGrowth && Atomics.load(coord, SimCoord.stop) === 0) await pause();
  distinct?.flush();
  send({ type: 'simDone' });
}
