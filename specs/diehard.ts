/**
 * DieHard: the water jug puzzle from "Die Hard 3" (Leslie Lamport).
 * Port of tlaplus/Examples specifications/DieHard/DieHard.tla, checked as in DieHard.cfg
 * (SPECIFICATION Spec, INVARIANTS TypeOK NotSolved).
 *
 * TLA+                                     -> here
 *   VARIABLES big, small                   -> state { big, small }
 *   Init                                   -> init
 *   FillSmallJug, FillBigJug,
 *   EmptySmallJug, EmptyBigJug,
 *   SmallToBig, BigToSmall                 -> actions of the same names (Next is their disjunction)
 *   Min(m, n)                              -> Math.min
 *   TypeOK                                 -> invariant TypeOK (and the schema)
 *   NotSolved == big # 4                   -> invariant NotSolved, with 4 made the constant GOAL (default 4),
 *                                             as Goal is a constant in the generalisation DieHarder.tla
 *
 * The six actions are always enabled, so every state has six successors: generated = 1 + 16 * 6 = 97.
 */
import { defineSpec, t } from '#tlats';

export default defineSpec({
  name: 'DieHard',
  description: 'Measure 4 gallons with a 5-gallon and a 3-gallon jug (tlaplus/Examples DieHard.tla).',
  constants: {
    GOAL: { default: 4 as number, doc: 'the quantity to measure in the big jug; NotSolved == big # GOAL' },
  },
  schema: t.record({ big: t.int(0, 5), small: t.int(0, 3) }),
  init: () => ({ big: 0, small: 0 }),
  actions: {
    FillSmallJug: (s) => ({ big: s.big, small: 3 }),
    FillBigJug: (s) => ({ big: 5, small: s.small }),
    EmptySmallJug: (s) => ({ big: s.big, small: 0 }),
    EmptyBigJug: (s) => ({ big: 0, small: s.small }),
    SmallToBig: (s) => {
      const big = Math.min(s.big + s.small, 5);
      return { big, small: s.small - (big - s.big) };
    },
    BigToSmall: (s) => {
      const small = Math.min(s.big + s.small, 3);
      return { big: s.big - (small - s.small), small };
    },
  },
  invariants: {
    TypeOK: (s) => Number.isInteger(s.small) && s.small >= 0 && s.small <= 3
      && Number.isInteger(s.big) && s.big >= 0 && s.big <= 5,
    NotSolved: (s, c) => s.big !== c.GOAL,
  },
  configs: {
    solve: {
      constants: { GOAL: 4 },
      doc: 'DieHard.cfg: NotSolved is violated; its shortest counterexample is the solution (7 states, 6 steps).',
      expect: {
        source: 'TLC, tlaplus/Examples DieHard.cfg, full graph (figures in ../shared/conformance/tla-examples.md; '
          + 'the manifest stores none for a violating run); generated = 1 + 16 * 6 (six always-enabled actions)',
        distinct: 16,
        generated: 97,
        depth: 8,
        violated: { NotSolved: 7 },
      },
    },
    unreachableGoal: {
      constants: { GOAL: 6 },
      doc: 'A goal neither jug can hold: NotSolved holds, so this checks the full graph with no violation.',
      expect: {
        source: 'TLC, tlaplus/Examples DieHard.tla, full graph (figures in ../shared/conformance/tla-examples.md); '
          + 'GOAL does not change the graph',
        distinct: 16,
        generated: 97,
        depth: 8,
      },
    },
  },
});
