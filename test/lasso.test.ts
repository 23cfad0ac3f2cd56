/**
 * Every lasso the suite's specs produce is judged independently (test/reference-liveness.ts `judgeLasso`): it
 * starts in an initial state, every step and the step closing its cycle are steps of the spec inside the model, the
 * fairness conditions of its configuration hold on its cycle, and the temporal property it is reported for fails on
 * it, by the reference's own reading of the property. Also: the same lassos with 1 and 2 workers.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { checkConfig } from '../checker/run/check.ts';
import { shutdownCrews } from '../checker/parallel/crew.ts';
import { Model } from '../checker/model/model.ts';
import { loadSpec } from '../checker/run/load.ts';
import { specFiles } from '../checker/run/suite.ts';
import { judgeLasso, referenceGraph, referenceInstances } from './reference-liveness.ts';

afterAll(shutdownCrews);

/** Lassos judged, over all the specs (the last test checks that there were some). */
let judged = 0;

describe('every lasso of the specs is a real fair behaviour that violates its property', () => {
  for (const file of specFiles('specs')) {
    test(file, async () => {
      const loaded = await loadSpec(file);
      if (!loaded.spec.properties) return;
      const configs: (string | undefined)[] = Object.keys(loaded.spec.configs ?? {});
      if (configs.length === 0) configs.push(undefined);
      for (const config of configs) {
        const model = new Model(loaded.spec, { config });
        if (!model.liveness || model.liveness.properties.length === 0) continue;
        if ((loaded.spec.configs?.[config!]?.expect?.distinct ?? 0) > 50_000) continue; // the reference builds states naively
        const r = await checkConfig(loaded, { config, workers: 1, continueAfterViolation: true });
        const g = referenceGraph(loaded.spec, config, []);
        for (const v of r.violations.filter((x) => x.kind === 'temporal')) {
          const labels = model.liveness.properties.filter((p) => p.name === v.property).map((p) => p.label);
          const instance = referenceInstances(g, loaded.spec.properties[v.property]!)[labels.indexOf(v.label)]!;
          expect(judgeLasso(loaded.spec, config, instance, v), `${config} ${v.label}`).toBeUndefined();
          judged++;
        }
        const two = await checkConfig(loaded, { config, workers: 2, parallelThreshold: 1, continueAfterViolation: true });
        expect(JSON.stringify(two.violations.map((v) => [v.label, v.loop, v.trace.map((s) => s.state)])))
          .toBe(JSON.stringify(r.violations.map((v) => [v.label, v.loop, v.trace.map((s) => s.state)])));
      }
    });
  }

  test('lassos were judged: at least those of EWD840 1a (Liveness, TDSpec) and 1b (FalseLiveness)', () => {
    expect(judged).toBeGreaterThanOrEqual(3);
  });
});
