/**
 * TwoPhase three ways: specs/twophase.ts (Immutable.js Map and Sets, with a schema), the same spec without its schema
 * (the generic codec: bench/twophase-generic.ts) and specs/twophase-plain.ts (plain arrays). All three must find
 * TLC's state space. TLC 2.19's figures for RM = {r1..r5}, measured with bench/peers/TwoPhase.tla:
 *   java -cp ../shared/bench/peers/tla2tools.jar tlc2.TLC -workers 1 -config TwoPhase_R5.cfg TwoPhase.tla
 *   -> 58146 states generated, 8832 distinct states found, depth 17.
 */
import { describe, expect, test } from 'vitest';
import { loadSpec } from '../checker/run/load.ts';
import { checkConfig } from '../checker/run/check.ts';

const RM5 = 'r1,r2,r3,r4,r5';

describe('TwoPhase written three ways has TLC\'s state space (RM = r1..r5)', () => {
  for (const file of ['specs/twophase.ts', 'bench/twophase-generic.ts', 'specs/twophase-plain.ts']) {
    test(`${file}, 1 and 2 workers`, async () => {
      const loaded = await loadSpec(file);
      for (const workers of [1, 2]) {
        const r = await checkConfig(loaded, { constants: { RM: RM5 }, workers, parallelThreshold: 256 });
        expect(r.stats).toMatchObject({ distinct: 8832, generated: 58146, depth: 17 });
        expect(r.violations).toEqual([]);
      }
    }, 60_000);
  }
});
