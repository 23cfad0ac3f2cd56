/**
 * Symmetry reduction (checker/model/symmetry.ts). Expectations, each from outside the tool:
 *   - TLC 2.19's counts with SYMMETRY, declared by the configurations (their `expect.source` gives the command:
 *     bench/peers/symmetry/run-tlc.sh): Filter N3/N4/N5, SimpleAllocator, SchedulingAllocator, Voting.
 *   - orbit counts by brute force: the naive reference search (test/reference-search.ts) with a VIEW that is the
 *     smallest canonical string over every permutation of the ids, each permutation written out by hand below for
 *     each spec (not the checker's declared-path walk), so exact mode's distinct, generated and depth must equal it;
 *     fast mode must be at least the orbit count and at most orbits × the group's size.
 *   - the hand analysis of test/fixtures/symmetric-token.ts (orbits, shortest violations).
 * And: traces are behaviours of the spec (checked step by step against its actions), the same for 1 and 2 workers;
 * asymmetric properties, liveness and bad declarations are refused with messages that say which.
 */
import { List, Map as IMap, Set as ISet } from 'immutable';
import { afterAll, describe, expect, test } from 'vitest';
import { shutdownCrews } from '../checker/parallel/crew.ts';
import { checkConfig, type CheckResult } from '../checker/run/check.ts';
import { loadSpec } from '../checker/run/load.ts';
import { SpecEvalError, UsageError } from '../checker/errors.ts';
import { defineSpec, type Spec } from '../src/index.ts';
import { canonical, referenceConstants, referenceSearch } from './reference-search.ts';
import { runCli } from './cli-helpers.ts';

afterAll(shutdownCrews);

/** Every permutation of 0..n-1, as arrays p with p[k] = the new index of k. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let pos = 0; pos <= p.length; pos++) out.push([...p.slice(0, pos), n - 1, ...p.slice(pos)]);
  return out;
}

/** The orbit key: the smallest canonical string of the state's images under every permutation (`images`). */
function orbitView(images: (s: any) => unknown[]): (s: any) => string {
  return (s) => images(s).map(canonical).sort()[0]!;
}

/** Moves element k of `xs` to position p[k]. */
const permuteArray = <T>(xs: readonly T[], p: readonly number[]): T[] => {
  const out = new Array<T>(xs.length);
  xs.forEach((x, k) => { out[p[k]!] = x; });
  return out;
};

/** Hand-written images for each model: every permutation of every set, applied by hand. */
const filterImages = (n: number) => (s: any) => permutations(n).map((p) => ({
  pc: permuteArray(s.pc, p), level: permuteArray(s.level, p), last: s.last.map((id: number) => p[id]),
}));

const allocatorImages = (clients: string[], resources: string[], clientsToo: boolean) => (s: any) => {
  const out: unknown[] = [];
  for (const pc of clientsToo ? permutations(clients.length) : [clients.map((_, k) => k)]) {
    for (const pr of permutations(resources.length)) {
      const c = (x: string) => clients[pc[clients.indexOf(x)]!]!;
      const r = (x: string) => resources[pr[resources.indexOf(x)]!]!;
      const map = (m: IMap<string, ISet<string>>) => IMap([...m.entries()].map(([k, v]) => [c(k), ISet([...v].map(r))] as const));
      out.push({ ...s, unsat: map(s.unsat), alloc: map(s.alloc), ...(s.sched ? { sched: s.sched } : {}) });
    }
  }
  return out;
};

const votingImages = (s: any) => {
  const as = ['a1', 'a2', 'a3'], vs = ['v1', 'v2'];
  const out: unknown[] = [];
  for (const pa of permutations(3)) for (const pv of permutations(2)) {
    const a = (x: string) => as[pa[as.indexOf(x)]!]!;
    const v = (x: string | null) => (x === null ? null : vs[pv[vs.indexOf(x)]!]!);
    out.push({
      votes: Object.fromEntries(Object.entries(s.votes).map(([k, b]) => [a(k), (b as (string | null)[]).map(v)])),
      maxBal: Object.fromEntries(Object.entries(s.maxBal).map(([k, b]) => [a(k), b])),
    });
  }
  return out;
};

const unmapImages = (racers: number, devices: number) => (s: any) => {
  const out: unknown[] = [];
  for (const pr of permutations(racers)) for (const pd of permutations(devices)) {
    out.push({
      ...s, cpuTlb: permuteArray(s.cpuTlb, pr),
      atc: permuteArray(s.atc, pd), active: permuteArray(s.active, pd), dinv: permuteArray(s.dinv, pd), flushed: permuteArray(s.flushed, pd),
    });
  }
  return out;
};

const tokenImages = (s: any) => permutations(3).map((p) => ({ holder: s.holder === -1 ? -1 : p[s.holder]!, count: permuteArray(s.count, p) }));

interface Case {
  readonly file: string;
  readonly config: string;
  readonly constants?: Record<string, number | string | boolean>;
  readonly images: (s: any) => unknown[];
  /** The group's size: fast mode stores at most this many states per orbit. */
  readonly group: number;
}

const cases: Case[] = [
  { file: 'specs/filter.ts', config: 'N3.symmetric', images: filterImages(3), group: 6 },
  { file: 'specs/filter.ts', config: 'N4.symmetric', images: filterImages(4), group: 24 },
  { file: 'specs/simple-allocator.ts', config: 'symmetric', images: allocatorImages(['c1', 'c2', 'c3'], ['r1', 'r2'], true), group: 12 },
  { file: 'specs/scheduling-allocator.ts', config: 'symmetric', images: allocatorImages(['c1', 'c2', 'c3'], ['r1', 'r2'], false), group: 2 },
  { file: 'specs/voting.ts', config: 'MCVoting.cfg', images: votingImages, group: 12 },
  { file: 'specs/try_to_unmap.ts', config: 'V3.swap-out.3racers', images: unmapImages(3, 1), group: 6 },
  { file: 'specs/try_to_unmap.ts', config: 'V3.swap-out.3racers.2devices', images: unmapImages(3, 2), group: 12 },
  { file: 'test/fixtures/symmetric-token.ts', config: 'orbits', images: tokenImages, group: 6 },
];

const run = async (file: string, config: string, extra: Record<string, unknown> = {}): Promise<CheckResult> =>
  checkConfig(await loadSpec(file), { config, continueAfterViolation: true, workers: 1, ...extra });

describe('exact mode: one state per orbit', () => {
  for (const c of cases) {
    test(`${c.file} ${c.config}: distinct, generated and depth equal the brute-force orbit search's`, async () => {
      const loaded = await loadSpec(c.file);
      const spec = loaded.spec;
      const consts = referenceConstants(spec, c.config, c.constants);
      const invariants = spec.configs?.[c.config]?.invariants as string[] | undefined;
      const brute = referenceSearch({ ...spec, view: orbitView(c.images) } as Spec, consts, { invariants });
      const r = await run(c.file, c.config);
      expect(r.stats.distinct).toBe(brute.distinct);
      expect(r.stats.generated).toBe(brute.generated);
      expect(r.stats.depth).toBe(brute.depth);
      // And the images are really different states: without symmetry there are more.
      const plain = referenceSearch(spec, consts, { invariants });
      expect(plain.distinct).toBeGreaterThan(brute.distinct);
    });
  }

  test('the TLC-figure configurations meet their expectations (TLC 2.19 with SYMMETRY)', async () => {
    const tlc: [string, string, number][] = [
      ['specs/filter.ts', 'N3.symmetric', 366], ['specs/filter.ts', 'N4.symmetric', 2747], ['specs/filter.ts', 'N5.symmetric', 17149],
      ['specs/simple-allocator.ts', 'symmetric', 50], ['specs/scheduling-allocator.ts', 'symmetric', 879], ['specs/voting.ts', 'MCVoting.cfg', 77],
    ];
    for (const [file, config, distinct] of tlc) {
      const r = await run(file, config);
      expect(r.expectation?.source, `${file} ${config}`).toMatch(/TLC 2\.19/);
      expect(r.mismatches, `${file} ${config}`).toEqual([]);
      expect(r.stats.distinct).toBe(distinct);
    }
  });

  test('the hand analysis of SymmetricToken: 22 orbits of 81 states', async () => {
    expect((await run('test/fixtures/symmetric-token.ts', 'orbits')).stats.distinct).toBe(22);
    expect((await run('test/fixtures/symmetric-token.ts', 'nosym')).stats.distinct).toBe(81);
  });
});

describe('fast mode: never below the orbit count', () => {
  for (const c of cases) {
    test(`${c.file} ${c.config}: exact <= fast <= exact x |group|, and fast <= off`, async () => {
      const exact = await run(c.file, c.config);
      const fast = await run(c.file, c.config, { symmetry: 'fast' });
      const off = await run(c.file, c.config, { symmetry: 'off' });
      expect(fast.stats.distinct).toBeGreaterThanOrEqual(exact.stats.distinct);
      expect(fast.stats.distinct).toBeLessThanOrEqual(Math.min(off.stats.distinct, exact.stats.distinct * c.group));
      // An override of the configuration's mode: its expectation no longer applies.
      expect(fast.expectation).toBeUndefined();
    });
  }
});

/** Checks that `trace` is a behaviour of `spec`: an initial state, then each state a successor of the one before. */
function expectBehaviour(spec: Spec, consts: Record<string, unknown>, trace: readonly { label: string | null; state: unknown }[]): void {
  const inits = [spec.init(consts as any)].flat().map(canonical);
  expect(inits).toContain(canonical(trace[0]!.state));
  for (let i = 1; i < trace.length; i++) {
    const label = trace[i]!.label!;
    const m = /^(\w+)(?:\((.*)\))?$/.exec(label)!;
    const action = spec.actions[m[1]!] as any;
    const params = Object.fromEntries((m[2] ?? '').split(', ').filter(Boolean).map((kv) => {
      const [k, v] = kv.split('=');
      return [k!, JSON.parse(v!)];
    }));
    const next = typeof action === 'function' ? action(trace[i - 1]!.state, consts) : action.next(trace[i - 1]!.state, params, consts);
    const succ = [next].flat().filter((x) => x).map(canonical);
    expect(succ, `step ${i} (${label})`).toContain(canonical(trace[i]!.state));
  }
}

describe('counterexamples under symmetry', () => {
  test('an invariant violation: the shortest length (hand analysis), a behaviour of the spec, the same for 1 and 2 workers', async () => {
    const loaded = await loadSpec('test/fixtures/symmetric-token.ts');
    const consts = referenceConstants(loaded.spec, 'fewReleases');
    const one = await checkConfig(loaded, { config: 'fewReleases', workers: 1 });
    const two = await checkConfig(loaded, { config: 'fewReleases', workers: 2, parallelThreshold: 1 });
    expect(one.violations.map((v) => [v.property, v.length])).toEqual([['FewReleases', 7]]);
    expect(one.mismatches).toEqual([]);
    expectBehaviour(loaded.spec, consts, one.violations[0]!.trace);
    expect(JSON.stringify(two.violations.map((v) => v.trace))).toBe(JSON.stringify(one.violations.map((v) => v.trace)));
    // The same length as without symmetry (the reference search's shortest counterexample).
    expect(referenceSearch(loaded.spec, consts, { invariants: ['FewReleases'] }).violated.FewReleases).toBe(7);
  });

  test('an action property violation: its step is found again on the concrete state (not the canonical one)', async () => {
    const loaded = await loadSpec('test/fixtures/symmetric-token.ts');
    const consts = referenceConstants(loaded.spec, 'noSecondRelease');
    const r = await checkConfig(loaded, { config: 'noSecondRelease', workers: 1 });
    expect(r.violations.map((v) => [v.property, v.length])).toEqual([['NoSecondRelease', 5]]);
    const trace = r.violations[0]!.trace;
    expectBehaviour(loaded.spec, consts, trace);
    // The last step releases the process that released before.
    expect(trace[4]!.label).toBe(trace[2]!.label);
    const two = await checkConfig(loaded, { config: 'noSecondRelease', workers: 2, parallelThreshold: 1 });
    expect(JSON.stringify(two.violations.map((v) => v.trace))).toBe(JSON.stringify(r.violations.map((v) => v.trace)));
  });

  test('try_to_unmap with 3 racers: every violation\'s trace is a behaviour, lengths as without symmetry', async () => {
    const loaded = await loadSpec('specs/try_to_unmap.ts');
    const config = 'V3.swap-out.3racers';
    const consts = referenceConstants(loaded.spec, config);
    const r = await checkConfig(loaded, { config, workers: 1, continueAfterViolation: true });
    const plain = referenceSearch(loaded.spec, consts, {});
    expect(Object.fromEntries(r.violations.map((v) => [v.property, v.length]))).toEqual(plain.violated);
    for (const v of r.violations) expectBehaviour(loaded.spec, consts, v.trace);
  });
});

describe('refusals', () => {
  test('an invariant that is not symmetric is named, with the state and the permutation', async () => {
    const err = await run('test/fixtures/symmetric-token.ts', 'asymmetricInvariant').catch((e) => e);
    expect(err).toBeInstanceOf(SpecEvalError);
    expect(err.message).toMatch(/invariant Process0Quiet is not symmetric/);
    expect(err.message).toMatch(/swapping 0 and 1 of Procs/);
  });

  test('an action property that is not symmetric is named, with the step and its image', async () => {
    const err = await run('test/fixtures/symmetric-token.ts', 'asymmetricStep').catch((e) => e);
    expect(err).toBeInstanceOf(SpecEvalError);
    expect(err.message).toMatch(/action property FirstTakesFirst is not symmetric/);
    expect(err.message).toMatch(/Take\(i=0\) and its image Take\(i=1\)/);
  });

  test('a declaration that forgets a place holding ids: the actions are found not symmetric', async () => {
    const token = (await loadSpec('test/fixtures/symmetric-token.ts')).spec;
    const forgetful = defineSpec({ ...token, symmetry: { Procs: { ids: [0, 1, 2], index: ['count'] } } });
    const err = await checkConfig({ spec: forgetful, file: '' } as any, { config: 'orbits', workers: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(SpecEvalError);
    expect(err.message).toMatch(/(next-state relation \(the actions\)|action Release) is not symmetric/);
  });

  test('liveness: refused, from a configuration (spec error) and from --symmetry (usage error)', async () => {
    const loaded = await loadSpec('specs/filter.ts');
    const cli = await checkConfig(loaded, { config: 'N3.starvationFree', symmetry: 'exact' }).catch((e) => e);
    expect(cli).toBeInstanceOf(UsageError);
    expect(cli.message).toMatch(/refused with temporal properties \(this run checks starvationFree\)/);
    const live = defineSpec({ ...loaded.spec, configs: { live: { constants: { N: 3 }, symmetry: 'exact' } } });
    const cfg = await checkConfig({ spec: live, file: '' } as any, { config: 'live' }).catch((e) => e);
    expect(cfg).toBeInstanceOf(SpecEvalError);
    expect(cfg.message).toMatch(/configuration live's symmetry: 'exact': symmetry reduction is refused with temporal properties/);
  });

  test('bad declarations: a bad path, unknown fields, repeated ids, a wrong-length array, no declaration', async () => {
    const token = (await loadSpec('test/fixtures/symmetric-token.ts')).spec;
    const withDecl = (symmetry: unknown) => checkConfig({ spec: defineSpec({ ...token, symmetry } as any), file: '' } as any, { config: 'orbits', workers: 1 }).catch((e) => e);
    expect((await withDecl({ Procs: { ids: [0, 1, 2], index: ['count[0]'] } })).message).toMatch(/index path "count\[0\]": expected field names joined by dots and \[\*\]/);
    expect((await withDecl({ Procs: { ids: [0, 1, 2], index: ['count'], where: [] } })).message).toMatch(/unknown field where/);
    expect((await withDecl({ Procs: { ids: [0, 1, 1], index: ['count'] } })).message).toMatch(/id 1 appears twice/);
    expect((await withDecl({ Procs: { ids: [0, 1], index: ['count'], values: ['holder'] } })).message).toMatch(/has 3 elements, not 2/);
    expect((await withDecl({ Procs: { ids: [0, 1, 2] } })).message).toMatch(/give the places where its ids occur/);
    expect((await withDecl({ Procs: { ids: [0, 1, 2], index: ['counts'] } })).message).toMatch(/index path "counts": the state has no field counts \(its fields: holder, count\), in the initial state/);
    expect((await withDecl({ Procs: { ids: [0, 1, 2], index: ['holder'] } })).message).toMatch(/index path "holder" is the number -1, not an array, record, Map or Set indexed by the ids/);
    expect((await withDecl({ Procs: { ids: [0, 1, 2], index: ['count'], values: ['holder[*]'] } })).message).toMatch(/values path "holder\[\*\]": holder is the number -1, not a collection/);
    const none = await checkConfig(await loadSpec('specs/naive_lock.ts'), { symmetry: 'exact' }).catch((e) => e);
    expect(none).toBeInstanceOf(UsageError);
    expect(none.message).toMatch(/declares no symmetry/);
  });
});

describe('the command line', () => {
  test('--symmetry: a bad mode is a usage error; with --simulate it is refused; the header says the choice', async () => {
    const empty = await runCli(['test/fixtures/symmetric-token.ts', '--symmetry']);
    expect([empty.code, empty.stderr.trim()]).toEqual([64, '--symmetry needs a mode: exact, fast or off']);
    const bad = await runCli(['test/fixtures/symmetric-token.ts', '--config', 'orbits', '--symmetry', 'maybe']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/--symmetry maybe: give exact, fast or off/);
    const sim = await runCli(['test/fixtures/symmetric-token.ts', '--simulate', '--symmetry', 'fast']);
    expect(sim.code).toBe(64);
    expect(sim.stderr).toMatch(/--simulate does not go with --symmetry/);
    const ok = await runCli(['test/fixtures/symmetric-token.ts', '--config', 'orbits']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Symmetry: exact over Procs \(3 ids\) \(configuration orbits\)/);
    expect(ok.stdout).toMatch(/22 distinct states/);
    const off = await runCli(['test/fixtures/symmetric-token.ts', '--config', 'orbits', '--symmetry', 'off']);
    expect(off.stdout).toMatch(/Symmetry: off \(SymmetricToken declares Procs: --symmetry exact to use it\)/);
    expect(off.stdout).toMatch(/81 distinct states/);
  });
});

// Keep the immutable imports used by the hand-written images type-checked.
void List;
