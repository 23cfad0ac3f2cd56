/**
 * `import 'tlats/vitest'`: model checking as vitest matchers.
 *
 *   await expect(spec).toHoldAll()                      every property of every configuration holds
 *   await expect(spec).toHoldAll({ config: 'N3' })      ... of one configuration (any check() option)
 *   await expect(spec).toViolate('mutex', { steps: 4 }) violated, with a shortest trace of 4 steps (or `states`)
 *   await expect(spec).toMeetExpectations()             every configuration's declared `expect` is met
 *
 * `spec` is a spec object (defineSpec) or the path of its module. A failure prints the counterexample as the CLI
 * does. The matchers are async: await them.
 */
import { expect } from 'vitest';
import type { Spec } from '../../src/spec.ts';
import type { CheckOptions } from '../api/check.ts';
import { judgeExpectations, judgeHoldAll, judgeViolate, type Judgement, type ViolateOptions } from './judge.ts';

export type { ViolateOptions };

interface TlatsMatchers<R = unknown> {
  /** Every property of every configuration (or of `options.config`) holds, over the whole state graph. */
  toHoldAll(options?: CheckOptions): Promise<R>;
  /** `property` is violated; with `steps` or `states`, its shortest counterexample has that length. */
  toViolate(property: string, options?: ViolateOptions): Promise<R>;
  /** Every configuration that declares an expectation meets it. */
  toMeetExpectations(options?: Omit<CheckOptions, 'config' | 'constants' | 'invariants' | 'properties'>): Promise<R>;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends TlatsMatchers<T> {}
}

const asResult = (j: Judgement) => ({ pass: j.pass, message: () => j.message });

function specArg(received: unknown): Spec | string {
  if (typeof received === 'string' || (typeof received === 'object' && received !== null)) return received as Spec | string;
  throw new TypeError(`expect(spec): give a spec made by defineSpec, or the path of its module, not ${String(received)}`);
}

expect.extend({
  async toHoldAll(received: unknown, options?: CheckOptions) {
    return asResult(await judgeHoldAll(specArg(received), options));
  },
  async toViolate(received: unknown, property: string, options?: ViolateOptions) {
    return asResult(await judgeViolate(specArg(received), property, options));
  },
  async toMeetExpectations(received: unknown, options?: CheckOptions) {
    return asResult(await judgeExpectations(specArg(received), options));
  },
});
