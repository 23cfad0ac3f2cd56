/**
 * The suite over NATS: every configuration of specs/ that declares an expectation (checker/run/suite.ts
 * suiteCases, as `tlats --suite specs` checks them: --continue, the whole graph) is run in this process with the
 * `nats` search option against three `tlats serve` nodes on a loopback nats-server, and must report exactly what the
 * single-machine run (`workers: 1`) reports: verdicts, counts, depth, coverage, and every counterexample state for
 * state, lassos included (their loop point and closing step), temporal properties being checked on the behaviour
 * graph gathered at the coordinator (checker/distributed/graph-gather.ts).
 *
 * Where the expected values come from: the single-machine run is checked against the configuration's expectation
 * (`mismatches` empty: TLC's counts and verdicts in the specs' `expect`, and the liveness verdicts of
 * ../shared/conformance/liveness.md that the specs' expectations carry), so a wrong single-machine run cannot pass
 * as a reference, and the distributed run is compared with it.
 *
 * CI time: the whole suite (about 210 configurations) is `npm run test:cluster` (TLATS_CLUSTER_SUITE=all); CI runs
 * a part of it (ciCases: every spec, with and without temporal properties), and a few with 1 and 2 nodes too. Never skipped: without nats-server the file fails
 * (test/nats-helpers.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConfig, prepareRun, type CheckResult } from '../checker/run/check.ts';
import { suiteCases, type SuiteCase } from '../checker/run/suite.ts';
import { loadSpec } from '../checker/run/load.ts';
import { startNatsServer, startNode, type NatsServer, type ServeNode } from './nats-helpers.ts';

/** Everything a run reports that must not depend on where it ran (the timing and the wire statistics aside). */
function observable(r: CheckResult): string {
  return JSON.stringify({
    generated: r.stats.generated,
    distinct: r.stats.distinct,
    depth: r.stats.depth,
    queue: r.stats.queue,
    verdict: r.outcome.verdict,
    complete: r.outcome.complete,
    exitCode: r.outcome.exitCode,
    mismatches: r.mismatches,
    livenessStates: r.liveness?.states,
    // Per action: states enabled in and successors generated. Not "distinct" (the new states an action was the first
    // to reach): which step reaches a state first depends on timing with several workers or nodes, as in TLC.
    initial: r.coverage.initial,
    coverage: r.coverage.actions.map((a) => a.instances.map((i) => [i.label, i.enabled, i.generated])),
    violations: r.violations.map((v) => ({
      property: v.property, label: v.label, kind: v.kind, length: v.length, switches: v.switches, loop: v.loop,
      trace: v.trace.map((s) => [s.label, s.actor, JSON.stringify(s.state)]),
    })),
  });
}

/**
 * What CI runs (the whole suite takes about 90 s here, too long for CI's budget): per spec, the first configuration
 * (in declaration order) that checks temporal properties and the first that does not, leaving out symmetry-reduced
 * ones when the spec has others (their symmetry audit is the slow part, and no different over NATS).
 */
function ciCases(all: readonly SuiteCase[]): SuiteCase[] {
  const out: SuiteCase[] = [];
  for (const file of new Set(all.map((c) => c.file))) {
    const mine = all.filter((c) => c.file === file).map((c) => ({ c, model: prepareRun(c.loaded, { config: c.config }).model }));
    const plain = mine.filter((m) => m.model.symmetry === undefined);
    const pool = plain.length > 0 ? plain : mine;
    for (const live of [true, false]) {
      const first = pool.find((m) => (m.model.liveness !== undefined) === live);
      if (first) out.push(first.c);
    }
  }
  return out;
}
const all = process.env.TLATS_CLUSTER_SUITE === 'all';

let server: NatsServer;
const nodes: ServeNode[] = [];
let cases: SuiteCase[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  nodes.push(...await Promise.all([0, 1, 2].map(() => startNode(server.url))));
  cases = await suiteCases('specs');
}, 60_000);

afterAll(async () => {
  await Promise.all(nodes.map((n) => n.stop()));
  await server?.stop();
});

const name = (c: SuiteCase) => `${c.file}${c.config === undefined ? '' : ` --config ${c.config}`}`;
const single = (c: SuiteCase) => checkConfig(c.loaded, { config: c.config, continueAfterViolation: true, workers: 1 });
const overNats = (c: SuiteCase, k: number) => checkConfig(c.loaded, {
  config: c.config, continueAfterViolation: true, nats: { url: server.url, nodes: k, timeoutSeconds: 20 },
});

describe('the suite over NATS gives the single-machine results', () => {
  it(`${all ? 'every configuration' : 'a configuration with and one without temporal properties of every spec'} on 3 nodes`, async () => {
    expect(cases.length).toBeGreaterThan(150);
    const chosen = all ? cases : ciCases(cases);
    let temporal = 0;
    for (const c of chosen) {
      const one = await single(c);
      // The reference is itself checked against its independent expectation (TLC's counts, liveness.md's verdicts).
      expect(one.mismatches, name(c)).toEqual([]);
      expect(one.outcome.complete, name(c)).toBe(true);
      const three = await overNats(c, 3);
      expect(observable(three), `${name(c)} on 3 nodes`).toBe(observable(one));
      if (one.liveness) temporal++;
    }
    // Every spec of the folder was run over NATS, and temporal properties with it.
    expect(new Set(chosen.map((c) => c.file)).size).toBe(new Set(cases.map((c) => c.file)).size);
    expect(temporal).toBeGreaterThanOrEqual(all ? 60 : 12);
  }, 600_000);

  // Temporal properties that hold and that are violated (lassos with a cycle and stuttering ones), on 1 and 2 nodes.
  const few: [string, string][] = [
    ['specs/dining-philosophers.ts', 'DiningPhilosophers.cfg'],
    ['specs/ewd840.ts', '1b.FalseLiveness'],
    ['specs/simple-allocator.ts', '4a.allocateWF'],
    ['specs/token-ring.ts', '8a.noFairness'],
  ];
  for (const [file, config] of few) {
    it(`${file} --config ${config} on 1 and 2 nodes`, async () => {
      const c = cases.find((x) => x.file === file && x.config === config);
      expect(c, 'the configuration exists').toBeDefined();
      const one = await single(c!);
      expect(one.mismatches).toEqual([]);
      expect(one.liveness).toBeDefined();
      for (const k of [1, 2]) expect(observable(await overNats(c!, k)), `${k} nodes`).toBe(observable(one));
    }, 120_000);
  }

  it('refuses a spec with a VIEW, with the reason, before connecting', async () => {
    const loaded = await loadSpec('test/fixtures/view-duplicate.ts');
    // One machine keeps the copy it finds first: NotFour is violated (the fixture's hand analysis).
    const one = await checkConfig(loaded, { workers: 1 });
    expect(one.violations.map((v) => [v.property, v.length])).toEqual([['NotFour', 4]]);
    await expect(checkConfig(loaded, { nats: { url: 'nats://127.0.0.1:1', nodes: 2, timeoutSeconds: 5 } }))
      .rejects.toThrow(/--nats does not go with a spec that declares a VIEW yet: of the states that share a view, one machine keeps the first it finds/);
  });
});
