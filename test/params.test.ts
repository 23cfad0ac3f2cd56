/**
 * Structured parameters (tuples and records, instance lists, `where` filters) and labelled choices (`choice`).
 * Expected labels are written by hand from the notation docs/spec-api.md gives; expected counts come from the hand
 * analyses in test/fixtures/mailbox.ts and below, and from TLC's counts for specs/twophase.ts.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { shutdownCrews } from '../checker/parallel/crew.ts';
import { SpecEvalError } from '../checker/errors.ts';
import { ExitCode } from '../checker/exit-codes.ts';
import { checkConfig } from '../checker/run/check.ts';
import { loadSpec } from '../checker/run/load.ts';
import { instanceLabel, paramKey } from '../checker/model/actions.ts';
import { check, choice, defineSpec, distinctPairs } from '../src/index.ts';
import mailbox from './fixtures/mailbox.ts';

afterAll(shutdownCrews);

/** A spec whose only action has the given definition; its states count its steps (x), up to 1. */
function oneAction(def: unknown) {
  return defineSpec({
    name: 'OneAction',
    init: () => ({ x: 0 }),
    actions: { A: def as never },
    deadlock: false,
  });
}

/** The labels of the instances of action A, as `check` reports them in its coverage. */
async function labels(def: unknown): Promise<string[]> {
  const r = await check(oneAction(def));
  return r.coverage.actions[0]!.instances.map((i) => i.label);
}

describe('labels', () => {
  test('primitives, tuples and records print whole and readably', () => {
    expect(instanceLabel('ReceiveRequest', { p: 1, q: 2 })).toBe('ReceiveRequest(p=1, q=2)');
    expect(instanceLabel('Send', { m: { type: '2a', bal: 1 } })).toBe('Send(m={type: "2a", bal: 1})');
    expect(instanceLabel('Pair', { pq: [0, 1] })).toBe('Pair(pq=[0, 1])');
    expect(instanceLabel('Nested', { m: { to: [1, 'a'], 'odd key': null, ok: true } })).toBe('Nested(m={to: [1, "a"], "odd key": null, ok: true})');
    expect(instanceLabel('Tick', {})).toBe('Tick');
    // Never elided, unlike formatValue's long collections: two long values that differ label differently.
    const long = Array.from({ length: 20 }, (_, i) => i);
    expect(instanceLabel('L', { xs: long })).not.toContain('…');
  });

  test('the canonical key ignores a record\'s field order, and only that', () => {
    expect(paramKey({ a: 1, b: [2, 'x'] })).toBe(paramKey({ b: [2, 'x'], a: 1 }));
    expect(paramKey([1, 2])).not.toBe(paramKey([2, 1]));
    expect(paramKey('1')).not.toBe(paramKey(1));
    expect(paramKey(null)).not.toBe(paramKey('null'));
  });
});

describe('instances', () => {
  // Proc = {0, 1, 2}: the ordered pairs of distinct processes are 3 × 2 = 6, in the product's order.
  const pairs = ['A(p=0, q=1)', 'A(p=0, q=2)', 'A(p=1, q=0)', 'A(p=1, q=2)', 'A(p=2, q=0)', 'A(p=2, q=1)'];
  const next = () => null;

  test('a product with a where filter (\\E p, q \\in Proc : p # q /\\ A(p, q))', async () => {
    expect(await labels({ params: { p: [0, 1, 2], q: [0, 1, 2] }, where: ({ p, q }: { p: number; q: number }) => p !== q, next })).toEqual(pairs);
  });

  test('a list, and a function of the constants giving one; distinctPairs', async () => {
    expect(await labels({ instances: distinctPairs([0, 1, 2]), next })).toEqual(pairs);
    expect(await labels({ instances: () => distinctPairs([0, 1, 2]), next })).toEqual(pairs);
  });

  test('record and tuple parameter values reach next as given, frozen', async () => {
    const seen: unknown[] = [];
    const spec = oneAction({
      params: { m: [{ type: '2a', bal: 1 }, { type: '1b', bal: 0 }], pq: [[0, 1]] },
      next: (s: { x: number }, p: { m: { type: string; bal: number }; pq: number[] }) => {
        seen.push(p);
        expect(Object.isFrozen(p.m) && Object.isFrozen(p.pq)).toBe(true);
        return s.x === 0 && p.m.bal === 1 ? { x: 1 } : null;
      },
    });
    const r = await check(spec);
    // Hand count: from x = 0 only the bal-1 instance steps, to x = 1, where nothing is enabled: 2 distinct, 2 generated.
    expect(r.stats).toMatchObject({ distinct: 2, generated: 2 });
    expect(r.coverage.actions[0]!.instances.map((i) => i.label)).toEqual(['A(m={type: "2a", bal: 1}, pq=[0, 1])', 'A(m={type: "1b", bal: 0}, pq=[0, 1])']);
    expect(seen[0]).toEqual({ m: { type: '2a', bal: 1 }, pq: [0, 1] });
  });

  const refused: [string, unknown, RegExp][] = [
    ['a function value', { params: { f: [() => 1] }, next }, /action A: parameter f is a function/],
    ['undefined', { instances: [{ p: undefined }], next }, /action A: parameter p is undefined/],
    ['undefined inside a record', { params: { m: [{ a: 1, b: undefined }] }, next }, /action A: parameter m\.b is undefined/],
    ['a class instance', { params: { d: [new Date(0)] }, next }, /action A: parameter d is a Date object, not a plain record/],
    ['NaN', { params: { n: [NaN] }, next }, /parameter n is NaN/],
    ['the same instance twice', { instances: [{ p: 1 }, { p: 1 }], next }, /action A: the instance A\(p=1\) is listed twice/],
    ['the same record twice, fields in another order', { params: { m: [{ a: 1, b: 2 }, { b: 2, a: 1 }] }, next }, /action A: the instance A\(m=\{b: 2, a: 1\}\) is listed twice/],
    ['params and instances both', { params: { p: [1] }, instances: [{ p: 1 }], next }, /action A: give either params .* or instances .*, not both/],
    ['instances not an array', { instances: { p: 1 }, next }, /action A: instances must be an array/],
    ['an instance not a record', { instances: [1], next }, /action A: instance 0 is 1, not a record/],
    ['where on a list', { instances: [{ p: 1 }], where: () => true, next }, /where filters a product/],
    ['where throwing', { params: { p: [1] }, where: () => { throw new Error('boom'); }, next }, /action A: its where filter threw .*boom.* on A\(p=1\)/],
  ];
  for (const [what, def, message] of refused) {
    test(`refused with a message naming the action: ${what}`, async () => {
      const err = await check(oneAction(def)).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(SpecEvalError);
      expect((err as SpecEvalError).exitCode).toBe(ExitCode.evaluation);
      expect((err as Error).message).toMatch(message);
    });
  }
});

describe('labelled choices', () => {
  test('Mailbox: the hand analysis\'s counts, the violating step labelled with its choice, coverage per instance', async () => {
    const r = await check(mailbox, { config: 'first' });
    expect(r.stats).toMatchObject({ distinct: 13, generated: 19, depth: 3 });
    expect(r.expectation?.met).toBe(true);
    expect(r.violations[0]!.trace.map((s) => s.label)).toEqual([null, 'Receive(p=1, m=2)']);
    const receive = r.coverage.actions[0]!;
    expect(receive.instances.map((i) => [i.label, i.enabled, i.generated])).toEqual([['Receive(p=0)', 4, 9], ['Receive(p=1)', 4, 9]]);
    expect(receive.generated).toBe(18);
  });

  test('a trace through stored choice states replays with its labels, the same with 1 and 2 workers', async () => {
    const loaded = await loadSpec('test/fixtures/mailbox.ts');
    // received = [3, 1] is 3 states away, by either order of the two receives.
    const traces: string[] = [];
    for (const workers of [1, 2]) {
      const r = await checkConfig(loaded, { config: 'threeOne', workers, parallelThreshold: 1 });
      const trace = r.violations[0]!.trace.map((s) => s.label);
      expect([[null, 'Receive(p=0, m=3)', 'Receive(p=1, m=1)'], [null, 'Receive(p=1, m=1)', 'Receive(p=0, m=3)']]).toContainEqual(trace);
      traces.push(JSON.stringify(trace));
    }
    expect(traces[1]).toBe(traces[0]);
  });

  test('a choice counts as one successor: TwoPhase keeps TLC\'s counts (288 distinct, 1,146 generated, depth 11)', async () => {
    const r = await check('specs/twophase.ts');
    expect(r.stats).toMatchObject({ distinct: 288, generated: 1146, depth: 11 });
    expect(r.coverage.actions.find((a) => a.action === 'TMRcvPrepared')!.instances.map((i) => i.label)).toEqual(['TMRcvPrepared']);
  });

  test('a choice made by another copy of tlats (another module instance) is still a choice, not a bad state', async () => {
    // What a second load of src/spec.ts would make: an object of another class carrying the same brand.
    const brand: unique symbol = Symbol.for('tlats.choice') as never;
    class OtherCopysChoice { readonly [brand] = true; constructor(readonly params: object, readonly state: object) {} }
    const spec = defineSpec({
      name: 'ForeignChoice',
      init: () => ({ n: 0 }),
      actions: {
        Step: (s: { n: number }) => (s.n < 2 ? [new OtherCopysChoice({ to: s.n + 1 }, { n: s.n + 1 }) as never] : null),
      },
      invariants: { belowTwo: (s) => s.n < 2 },
    });
    const r = await check(spec);
    // By hand: 0 -> 1 -> 2, and n = 2 breaks belowTwo after two steps labelled with their choices.
    expect(r.violations[0]!.trace.map((s) => s.label)).toEqual([null, 'Step(to=1)', 'Step(to=2)']);
  });

  test('a choice whose values cannot be a label is refused when the trace is shown, naming the action', async () => {
    const spec = defineSpec({
      name: 'BadChoice',
      init: () => ({ x: 0 }),
      actions: { Pick: (s) => (s.x === 0 ? [choice({ f: () => 1 } as never, { x: 1 })] : null) },
      invariants: { small: (s) => s.x < 1 },
    });
    const err = await check(spec).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).toMatch(/action Pick: the choice's value f is a function/);
  });

  test('a choice value named like one of the instance\'s parameters is refused', async () => {
    const spec = defineSpec({
      name: 'Clash',
      init: () => ({ x: 0 }),
      actions: { Pick: { params: { p: [1] }, next: (s: { x: number }, { p }) => (s.x === 0 ? [choice({ p }, { x: 1 })] : null) } },
      invariants: { small: (s) => s.x < 1 },
    });
    const err = await check(spec).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).toMatch(/action Pick\(p=1\): the choice's value p has the name of one of the action's parameters/);
  });
});
