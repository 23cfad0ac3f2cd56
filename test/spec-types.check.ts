/**
 * Compile-time tests of the spec language's types, checked by `tsc --noEmit` in CI (never run): each
 * `@ts-expect-error` line must really be an error, or tsc reports the directive as unused and CI goes red.
 */
import { defineSpec } from '../src/index.ts';

const base = {
  name: 'Types',
  init: () => ({ x: 0 }),
  actions: { inc: (s: { x: number }) => ({ x: s.x + 1 }) },
  invariants: { small: (s: { x: number }) => s.x < 3 },
  actionProperties: { up: (a: { x: number }, b: { x: number }) => b.x > a.x },
};

export const good = defineSpec({
  ...base,
  configs: { one: { invariants: ['small'], expect: { source: 'types', violated: { small: 4, up: 2, deadlock: 1 } } } },
  expect: { source: 'types', violated: { small: 4 } },
});

export const misspeltInConfigInvariants = defineSpec({
  ...base,
  // @ts-expect-error: a configuration's invariants must be invariants of the spec
  configs: { one: { invariants: ['smal'] } },
});

export const misspeltInExpectation = defineSpec({
  ...base,
  // @ts-expect-error: an expectation can only name the spec's properties (and deadlock)
  configs: { one: { expect: { source: 'types', violated: { smal: 4 } } } },
});

export const misspeltInTopLevelExpectation = defineSpec({
  ...base,
  // @ts-expect-error: the same for the top-level expectation
  expect: { source: 'types', violated: { deadlok: 1 } },
});

/** A defined spec can be spread into a variant with other properties. */
export const variant = defineSpec({ ...good, invariants: { positive: (s) => s.x >= 0 } });

/** Structured parameters: the types of a product's, a filtered product's and a list's parameters reach `next`. */
import { action, choice, distinctPairs } from '../src/index.ts';

type Box = { readonly n: number };
export const structured = defineSpec({
  name: 'Structured',
  init: (): Box => ({ n: 0 }),
  actions: {
    Send: action({
      params: { m: [{ type: '2a', bal: 1 }, { type: '1b', bal: 0 }], pq: [[0, 1] as [number, number]] },
      next: (s: Box, { m, pq }) => ({ n: s.n + m.bal + pq[1] }),
    }),
    Pair: action({
      params: { p: [0, 1, 2], q: [0, 1, 2] },
      where: ({ p, q }) => p !== q,
      next: (s: Box, { p, q }) => ({ n: s.n + p - q }),
    }),
    Listed: action({
      instances: (c: {}) => distinctPairs(['a', 'b']),
      next: (s: Box, { p, q }) => (p.length + q.length > 0 ? choice({ at: p }, s) : null),
    }),
    Choose: (s: Box) => [choice({ k: 1 }, { n: 1 }), { n: 2 }],
  },
});

export const wrongParamType = action({
  params: { m: [{ bal: 1 }] },
  // @ts-expect-error: m.bal is a number, not a string
  next: (s: Box, { m }) => ({ n: m.bal.length }),
});

// @ts-expect-error: a function cannot be a parameter value
export const functionParam = action({
  params: { f: [() => 1] },
  next: (s: Box) => s,
});

// @ts-expect-error: nor can undefined
export const undefinedParam = action({
  params: { u: [undefined] },
  next: (s: Box) => s,
});

// @ts-expect-error: params (a product) and instances (a list) together
export const both = action({ params: { p: [1] }, instances: [{ p: 1 }], next: (s: Box) => s });

// @ts-expect-error: where filters a product; a list is filtered by itself
export const whereOnList = action({
  instances: [{ p: 1 }],
  where: () => true,
  next: (s: Box) => s,
});

// @ts-expect-error: a choice's values are parameter values too
export const badChoice = choice({ f: () => 1 }, { n: 0 });

/** Structured schemas: Infer gives the types of tuples, unions, sets of records, seqs and maps over a key schema. */
import { Set as ISet, Map as IMap } from 'immutable';
import { t, type Infer } from '../src/index.ts';

const msg = t.union(t.record({ type: t.enum('1a'), bal: t.int(0, 2) }), t.record({ type: t.enum('2a'), bal: t.int(0, 2), val: t.enum('v1', 'v2') }));
// (A t.seq written inside the record literal makes TypeScript 5.9 give up, "excessively deep": built apart.)
const queue = t.seq(t.tuple(t.int(0, 1), t.enum('d1', 'd2')), 3);
const structured2 = t.record({
  msgs: t.set(msg),
  queue,
  ballots: t.map(t.enum('a1', 'a2'), t.int(-1, 2)),
  seen: t.set(t.int(0, 3)),
});
type S2 = Infer<typeof structured2>;
export const okState: S2 = {
  msgs: ISet([{ type: '1a', bal: 0 }, { type: '2a', bal: 1, val: 'v2' }]),
  queue: [[0, 'd1'], [1, 'd2']],
  ballots: IMap([['a1', -1]]),
  seen: ISet([1, 2]),
};
// @ts-expect-error: a 2a message has a val
export const missingVal: S2 = { ...okState, msgs: ISet([{ type: '2a', bal: 1 }]) };
// @ts-expect-error: "3a" is not a message type
export const badType: S2 = { ...okState, msgs: ISet([{ type: '3a', bal: 1 }]) };
// @ts-expect-error: a queue element is a [bit, datum] tuple
export const badTuple: S2 = { ...okState, queue: [['d1', 0]] };
// @ts-expect-error: the map's keys are a1 and a2
export const badKey: S2 = { ...okState, ballots: IMap([['a3', 0]]) };
// @ts-expect-error: t.set's options are for structured elements, and maxSize is a number
export const badOptions = t.set(msg, { maxSize: '3' });
// ── Symmetry (src/symmetry.ts) ───────────────────────────────────────────────────────────────────────────────────

export const symmetric = defineSpec({
  ...base,
  constants: { N: 3 },
  symmetry: { Procs: { ids: (c) => Array.from({ length: c.N }, (_, i) => i), index: ['pc'], values: ['last[*]'] } },
  configs: { sym: { symmetry: 'exact' }, quick: { symmetry: 'fast' }, none: { symmetry: 'off' } },
});

export const symmetryModeMisspelt = defineSpec({
  ...base,
  symmetry: { Procs: { ids: [0, 1], index: ['pc'] } },
  // @ts-expect-error: a configuration's symmetry is exact, fast or off
  configs: { sym: { symmetry: 'exakt' } },
});

export const symmetryIdsOfObjects = defineSpec({
  ...base,
  // @ts-expect-error: ids are numbers or strings
  symmetry: { Procs: { ids: [{ p: 0 }], index: ['pc'] } },
});

export const symmetryConstantMisspelt = defineSpec({
  ...base,
  constants: { N: 3 },
  // @ts-expect-error: the ids function sees the spec's constants, typed
  symmetry: { Procs: { ids: (c) => Array.from({ length: c.M }, (_, i) => i), index: ['pc'] } },
});

export const symmetryPathsNotStrings = defineSpec({
  ...base,
  // @ts-expect-error: places are path strings
  symmetry: { Procs: { ids: [0, 1], index: [['pc']] } },
});
/** Actors and docs: a string or a function of the instance's parameters; an action without parameters as `{ next }`. */
export const withActors = defineSpec({
  name: 'Actors',
  init: (): Box => ({ n: 0 }),
  actions: {
    fault: action({
      params: { cpu: [0, 1] },
      actor: ({ cpu }) => `CPU${cpu}`,
      doc: 'handle_pte_fault',
      next: (s: Box, { cpu }) => ({ n: s.n + cpu }),
    }),
    reclaim: action({ actor: 'reclaim', doc: 'shrink_page_list', next: (s: Box) => ({ n: s.n - 1 }) }),
    listed: action({ instances: [{ d: 'dev0' }], actor: ({ d }) => d, next: (s: Box) => s }),
    byConstant: action({ params: (c: { readonly K: number }) => ({ p: [c.K] }), actor: ({ p }, c) => `P${p}/${c.K}`, next: (s: Box) => s }),
  },
});

export const actorNotString = action({
  params: { cpu: [0, 1] },
  // @ts-expect-error: an actor is a string (or a function returning one)
  actor: ({ cpu }) => cpu,
  next: (s: Box) => s,
});

export const actorMisspeltParam = action({
  params: { cpu: [0, 1] },
  // @ts-expect-error: the actor function sees the action's own parameters
  actor: ({ cpus }) => `CPU${cpus}`,
  next: (s: Box) => s,
});

// @ts-expect-error: a doc is a string
export const docNotString = action({ params: { cpu: [0] }, doc: 1, next: (s: Box) => s });
