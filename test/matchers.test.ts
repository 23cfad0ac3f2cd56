/**
 * The vitest matchers (`tlats/vitest`: checker/testing/vitest.ts) and the node:test assertions (`tlats/assert`):
 * they pass when the checker's verdict is what they claim, and fail with the counterexample as the CLI prints it
 * when it is not. Verdicts from the hand analyses: NaiveLock's mutex fails after 4 steps (5 states,
 * specs/naive_lock.ts); the filter lock holds for N = 3 (TLC's count, specs/filter.ts); Leaves and Avoid12345 in
 * test/fixtures/two-specs.ts.
 */
import { AssertionError } from 'node:assert';
import { afterAll, describe, expect, test } from 'vitest';
import '../checker/testing/vitest.ts';
import { assertExpectations, assertHolds, assertViolates } from '../checker/testing/assert.ts';
import { shutdownCrews } from '../checker/parallel/crew.ts';
import naive from '../specs/naive_lock.ts';
import { avoid, leaves } from './fixtures/two-specs.ts';

afterAll(shutdownCrews);

/** The text of the failure a matcher call produces (it must fail). */
async function failureOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (e) {
    return (e as Error).message.replace(/\x1b\[[0-9;]*m/g, '');
  }
  throw new Error('the matcher passed, and it should have failed');
}

describe('vitest matchers', () => {
  test('toViolate passes on the violated property, with its shortest length in steps or states', async () => {
    await expect(naive).toViolate('mutex');
    await expect(naive).toViolate('mutex', { steps: 4 });
    await expect(naive).toViolate('mutex', { states: 5 });
    await expect('specs/naive_lock.ts').toViolate('mutex', { steps: 4 });
  });

  test('toViolate fails with the shortest trace when the length differs', async () => {
    const m = await failureOf(() => expect(naive).toViolate('mutex', { steps: 3 }));
    expect(m).toContain('expected mutex to be violated in NaiveLock by a shortest trace of 3 steps, but the shortest has 4 steps:');
    expect(m).toContain('Error: Invariant mutex is violated.\nThe shortest behavior that violates it has 5 states, 2 context switches (the fewest of any shortest behavior):\nState 1: <initial state>');
  });

  test('toViolate fails when the property holds, or is not checked at all', async () => {
    expect(await failureOf(() => expect('specs/filter.ts').toViolate('Mutex', { config: 'N3' })))
      .toBe('expected Mutex to be violated in Filter [N3], but it holds (705 distinct states, depth 22)') // TLC's depth for N = 3;
    expect(await failureOf(() => expect(naive).toViolate('mutx')))
      .toBe('NaiveLock checks no property "mutx"; it checks mutex, deadlock');
  });

  test('.not.toViolate fails with the counterexample', async () => {
    const m = await failureOf(() => expect(naive).not.toViolate('mutex'));
    expect(m).toMatch(/^expected mutex not to be violated in NaiveLock, but:\nError: Invariant mutex is violated\./);
    await expect(naive).not.toViolate('deadlock');
  });

  test('toHoldAll passes on a configuration that holds, and over every configuration of a spec', async () => {
    await expect('specs/filter.ts').toHoldAll({ config: 'N3' });
    await expect('specs/filter.ts').toHoldAll({ config: 'N4', workers: 2 });
  });

  test('toHoldAll fails with each violation\'s trace; a search that stopped early proves nothing', async () => {
    const m = await failureOf(() => expect(naive).toHoldAll());
    expect(m).toContain('expected every property to hold, but:\n\nNaiveLock: mutex violated (13 distinct states, depth 7)\nError: Invariant mutex is violated.');
    const bounded = await failureOf(() => expect(leaves).toHoldAll({ maxDepth: 3, deadlock: false }));
    expect(bounded).toContain('Leaves: the search did not explore the whole graph (bounded; 7 distinct states, depth 3), so nothing is proven');
  });

  test('toMeetExpectations runs a spec\'s declared expectations', async () => {
    await expect(naive).toMeetExpectations();
    expect(await failureOf(() => expect(leaves).toMeetExpectations())).toBe('Leaves declares no expectation (`expect` in a configuration, or at the top level)');
  });

  test('a value that is not a spec is refused', async () => {
    await expect(expect(42).toHoldAll()).rejects.toThrow('expect(spec): give a spec made by defineSpec, or the path of its module, not 42');
  });
});

describe('node:test assertions', () => {
  test('resolve when the claim is true', async () => {
    await assertViolates(naive, 'mutex', { steps: 4 });
    await assertHolds('specs/filter.ts', { config: 'N3' });
    await assertExpectations(naive);
  });

  test('reject with an AssertionError carrying the counterexample', async () => {
    const e = await assertHolds(naive).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(AssertionError);
    expect((e as AssertionError).message).toContain('Error: Invariant mutex is violated.\nThe shortest behavior that violates it has 5 states, 2 context switches');
    await expect(assertViolates(naive, 'deadlock')).rejects.toThrow('expected deadlock to be violated in NaiveLock, but it holds (13 distinct states, depth 7); violated instead: mutex');
  });
});
