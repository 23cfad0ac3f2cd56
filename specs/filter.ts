/**
 * Filter: Peterson's N-process filter lock, the speed benchmark.
 * Port of ../shared/bench/peers/Filter.tla (the same transition system as filter.pml, filter.m, filter.qnt
 * and filter_ref.py there). pc: 0 = idle, 1 = raise level, 2 = set last, 3 = wait, 4 = critical section.
 *
 * TLA+                                     -> here
 *   CONSTANT N                             -> constant N (default 3)
 *   VARIABLES pc, level, last              -> state { pc, level, last }, plain arrays of length N
 *                                             (last[0] is unused, as in the original)
 *   Init                                   -> init (everything 0)
 *   Start(i), Raise(i), SetLast(i),
 *   Wait(i), Exit(i)                       -> actions of the same names, parameter i over Procs = 0..N-1
 *   Next == \E i \in Procs : ...           -> the parameter domains
 *   Mutex                                  -> invariant Mutex
 * No deadlock: deadlock checking stays on and must find none.
 *   (TLC's SYMMETRY Permutations(Procs))   -> symmetry Procs: pc and level are indexed by the processes, last
 *                                             holds process ids (last[0], unused, holds process 0 from Init
 *                                             on). The N3.symmetric... configurations use it; TLC's figures come
 *                                             from bench/peers/symmetry/FilterSym.tla (the processes as model
 *                                             values, SYMMETRY Permutations(Procs)).
 *
 * Every action tests its pc guard first and returns null when disabled; a successor shares the arrays it does
 * not change and copies only the ones it changes (`except`).
 */
import { defineSpec, except, forAll, leadsTo, range, t, wf } from '#tlats';

interface State {
  readonly pc: readonly number[];
  readonly level: readonly number[];
  readonly last: readonly number[];
}

/** TLC's depth (initial state = 1) from a BFS copy of filter_ref.py that records each state's level. */
const depthSource = 'depth: BFS levels counted by a copy of ../shared/bench/peers/filter_ref.py extended to '
  + 'record each state\'s depth (initial state = 1)';
const countSource = 'distinct and transitions from ../shared/bench/peers/README.md (agreed by SPIN, Rumur, TLC, '
  + 'Quint and filter_ref.py); generated = transitions + 1 initial state';

const liveSource = 'starvation freedom holds: SPIN 6.5.2 (bench/peers-liveness.sh: the ltl claim of each process, pan -a -f, '
  + 'with an idle step at pc 0 so that SPIN\'s weak fairness per process matches fairness of all steps but Start) and TLC 2.19';

/** TLC with SYMMETRY on the model-value port of Filter.tla. */
const symSource = (n: number) => `TLC 2.19 with SYMMETRY Permutations(Procs): bash bench/peers/symmetry/run-tlc.sh FilterSym_N${n} `
  + '(FilterSym.tla: Filter.tla with Procs as model values; without SYMMETRY it gives the counts above)';

export default defineSpec({
  name: 'Filter',
  description: "Peterson's N-process filter lock (the peer benchmark in ../shared/bench/peers).",
  constants: {
    N: { default: 3 as number, doc: 'the number of processes' },
  },
  schema: (c) => t.record({
    pc: t.array(t.int(0, 4), c.N),
    level: t.array(t.int(0, c.N - 1), c.N),
    last: t.array(t.int(0, c.N - 1), c.N),
  }),
  symmetry: {
    Procs: { ids: (c) => range(c.N), index: ['pc', 'level'], values: ['last[*]'] },
  },
  init: (c): State => ({ pc: range(c.N).map(() => 0), level: range(c.N).map(() => 0), last: range(c.N).map(() => 0) }),
  actions: {
    Start: {
      params: (c) => ({ i: range(c.N) }),
      next: (s: State, { i }: { i: number }): State | null =>
        s.pc[i] !== 0 ? null : { pc: except(s.pc, i, 1), level: s.level, last: s.last },
    },
    Raise: {
      params: (c) => ({ i: range(c.N) }),
      next: (s: State, { i }: { i: number }): State | null =>
        s.pc[i] !== 1 ? null : { pc: except(s.pc, i, 2), level: except(s.level, i, s.level[i]! + 1), last: s.last },
    },
    SetLast: {
      params: (c) => ({ i: range(c.N) }),
      next: (s: State, { i }: { i: number }): State | null =>
        s.pc[i] !== 2 ? null : { pc: except(s.pc, i, 3), level: s.level, last: except(s.last, s.level[i]!, i) },
    },
    Wait: {
      params: (c) => ({ i: range(c.N) }),
      next: (s: State, { i }: { i: number }, c): State | null => {
        if (s.pc[i] !== 3) return null;
        const li = s.level[i]!;
        if (s.last[li] === i) { // otherwise last[level[i]] # i holds
          // \A k \in Procs \ {i} : level[k] < level[i]
          const level = s.level;
          for (let k = 0; k < level.length; k++) if (k !== i && level[k]! >= li) return null;
        }
        return { pc: except(s.pc, i, li < c.N - 1 ? 1 : 4), level: s.level, last: s.last };
      },
    },
    Exit: {
      params: (c) => ({ i: range(c.N) }),
      next: (s: State, { i }: { i: number }): State | null =>
        s.pc[i] !== 4 ? null : { pc: except(s.pc, i, 0), level: except(s.level, i, 0), last: s.last },
    },
  },
  invariants: {
    /** \A i, j \in Procs : i # j => ~(pc[i] = 4 /\ pc[j] = 4) */
    Mutex: (s) => {
      let inCs = 0;
      const pc = s.pc;
      for (let k = 0; k < pc.length; k++) if (pc[k] === 4 && ++inCs > 1) return false;
      return true;
    },
  },
  fairness: {
    /** Weak fairness of each process' steps other than Start: a process may stay idle for ever, not stop midway. */
    progress: wf(['Raise', 'SetLast', 'Wait', 'Exit'], { each: 'i' }),
  },
  properties: {
    /** \A i \in Procs : pc[i] = 1 ~> pc[i] = 4: a process that starts the entry protocol gets in. */
    starvationFree: forAll((c) => ({ i: range(c.N) }), ({ i }: { i: number }) => leadsTo((s: State) => s.pc[i] === 1, (s: State) => s.pc[i] === 4)),
  },
  configs: {
    N3: {
      constants: { N: 3 },
      properties: [],
      expect: { source: `${countSource}; ${depthSource}`, distinct: 705, generated: 1726, depth: 22 },
    },
    N4: {
      constants: { N: 4 },
      properties: [],
      expect: { source: `${countSource}; ${depthSource}`, distinct: 14844, generated: 44121, depth: 37 },
    },
    N5: {
      constants: { N: 5 },
      properties: [],
      expect: { source: `${countSource}; ${depthSource}`, distinct: 344805, generated: 1205326, depth: 55 },
    },
    'N3.symmetric': {
      constants: { N: 3 },
      properties: [],
      symmetry: 'exact',
      expect: { source: symSource(3), distinct: 366, generated: 902, depth: 22 },
    },
    'N4.symmetric': {
      constants: { N: 4 },
      properties: [],
      symmetry: 'exact',
      expect: { source: symSource(4), distinct: 2747, generated: 8319, depth: 37 },
    },
    'N5.symmetric': {
      constants: { N: 5 },
      properties: [],
      symmetry: 'exact',
      expect: { source: symSource(5), distinct: 17149, generated: 61676, depth: 55 },
    },
    'N3.starvationFree': {
      constants: { N: 3 },
      doc: 'starvation freedom under weak fairness of each process but for Start',
      expect: { source: `${countSource}; ${depthSource}; ${liveSource}`, distinct: 705, generated: 1726, depth: 22 },
    },
    'N4.starvationFree': {
      constants: { N: 4 },
      doc: 'starvation freedom under weak fairness of each process but for Start',
      expect: { source: `${countSource}; ${depthSource}; ${liveSource}`, distinct: 14844, generated: 44121, depth: 37 },
    },
  },
});
