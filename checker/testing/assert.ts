/**
 * `import { assertHolds, assertViolates, assertExpectations } from 'tlats/assert'`: the same checks as the vitest
 * matchers (./vitest.ts), as assertions for node:test or any runner: each resolves when it passes and rejects with
 * an AssertionError (node:assert) whose message is the counterexample, as the CLI prints it.
 */
import { AssertionError } from 'node:assert';
import type { Spec } from '../../src/spec.ts';
import type { CheckOptions } from '../api/check.ts';
import { judgeExpectations, judgeHoldAll, judgeViolate, type Judgement, type ViolateOptions } from './judge.ts';

export type { ViolateOptions };

function enforce(j: Judgement, operator: string, stackStart: Function): void {
  if (!j.pass) throw new AssertionError({ message: j.message, operator, stackStartFn: stackStart });
}

/** Every property of every configuration (or of `options.config`) holds, over the whole state graph. */
export async function assertHolds(spec: Spec | string, options?: CheckOptions): Promise<void> {
  enforce(await judgeHoldAll(spec, options), 'holds', assertHolds);
}

/** `property` is violated; with `steps` or `states`, its shortest counterexample has that length. */
export async function assertViolates(spec: Spec | string, property: string, options?: ViolateOptions): Promise<void> {
  enforce(await judgeViolate(spec, property, options), 'violates', assertViolates);
}

/** Every configuration that declares an expectation meets it. */
export async function assertExpectations(spec: Spec | string, options?: Omit<CheckOptions, 'config' | 'constants' | 'invariants' | 'properties'>): Promise<void> {
  enforce(await judgeExpectations(spec, options), 'meets expectations', assertExpectations);
}
