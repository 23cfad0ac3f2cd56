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
