/**
 * What the test helpers decide, shared by the vitest matchers (./vitest.ts) and the node:test assertions
 * (./assert.ts): run the check, say whether it passed, and word the failure the way the CLI words a counterexample.
 * A run that did not explore the whole graph never passes as "holds": a bounded, interrupted or out-of-memory
 * search proves nothing.
 */
import type { Spec } from '../../src/spec.ts';
import { check, checkAll, type CheckOptions, type Report } from '../api/check.ts';
import { formatCount as n } from '../units.ts';

export interface Judgement {
  readonly pass: boolean;
  /** What went wrong when it did not pass (or, for a negated matcher, why it passed). */
  readonly message: string;
}

/** The length a violation must have: in states (as expectations count) or in steps (as the matrix shows). */
export interface ViolateOptions extends CheckOptions {
  readonly states?: number;
  readonly steps?: number;
}

const where = (r: Report) => `${r.spec}${r.config !== undefined ? ` [${r.config}]` : ''}`;
const summary = (r: Report) => `${n(r.stats.distinct)} distinct states, depth ${r.stats.depth}`;

function notComplete(r: Report): string {
  return `${where(r)}: the search did not explore the whole graph (${r.verdict}${r.memoryExhausted ? `: ${r.memoryExhausted}` : ''}; ${summary(r)}), so nothing is proven`;
}

/** Every property of every configuration (or of the one given) holds. */
export async function judgeHoldAll(spec: Spec | string, options: CheckOptions = {}): Promise<Judgement> {
  const reports = options.config !== undefined ? [await check(spec, options)] : await checkAll(spec, options);
  const failures: string[] = [];
  for (const r of reports) {
    if (r.violations.length) {
      failures.push(`${where(r)}: ${r.violations.map((v) => v.label).join(', ')} violated (${summary(r)})\n${r.violations.map((v) => v.text).join('\n\n')}`);
    } else if (!r.complete) {
      failures.push(notComplete(r));
    }
  }
  const checked = reports.map((r) => `${where(r)} (${r.properties.map((p) => p.name).join(', ')}; ${summary(r)})`).join('\n  ');
  return failures.length
    ? { pass: false, message: `expected every property to hold, but:\n\n${failures.join('\n\n')}` }
    : { pass: true, message: `expected a violation, but every property holds in:\n  ${checked}` };
}

/** `property` is violated (with a shortest trace of the length given, if one is). */
export async function judgeViolate(spec: Spec | string, property: string, options: ViolateOptions = {}): Promise<Judgement> {
  const { states, steps, ...checkOptions } = options;
  if (states !== undefined && steps !== undefined) throw new TypeError('toViolate: give states or steps, not both');
  const r = await check(spec, checkOptions);
  if (!r.properties.some((p) => p.name === property)) {
    return { pass: false, message: `${where(r)} checks no property ${JSON.stringify(property)}; it checks ${r.properties.map((p) => p.name).join(', ') || 'nothing'}` };
  }
  const v = r.violations.find((x) => x.property === property);
  if (!v) {
    const others = r.violations.length ? `; violated instead: ${r.violations.map((x) => x.label).join(', ')}` : '';
    return { pass: false, message: r.complete ? `expected ${property} to be violated in ${where(r)}, but it holds (${summary(r)})${others}` : `expected ${property} to be violated, but ${notComplete(r)}${others}` };
  }
  const want = states !== undefined ? { got: v.states, want: states, unit: 'state' } : steps !== undefined ? { got: v.steps, want: steps, unit: 'step' } : undefined;
  if (want && want.got !== want.want) {
    const u = (k: number) => `${k} ${want.unit}${k === 1 ? '' : 's'}`;
    return { pass: false, message: `expected ${property} to be violated in ${where(r)} by a shortest ${v.loop ? 'lasso' : 'trace'} of ${u(want.want)}, but the shortest has ${u(want.got)}:\n${v.text}` };
  }
  return { pass: true, message: `expected ${property} not to be violated in ${where(r)}, but:\n${v.text}` };
}

/** Every configuration that declares an expectation meets it (the regression suite, for one spec). */
export async function judgeExpectations(spec: Spec | string, options: Omit<CheckOptions, 'config' | 'constants' | 'invariants' | 'properties'> = {}): Promise<Judgement> {
  const reports = await checkAll(spec, options);
  const withExpectation = reports.filter((r) => r.expectation);
  if (withExpectation.length === 0) return { pass: false, message: `${reports[0]?.spec ?? 'the spec'} declares no expectation (\`expect\` in a configuration, or at the top level)` };
  const failures = withExpectation.filter((r) => !r.expectation!.met || !r.complete).map((r) => (r.complete
    ? `${where(r)}: differs from its expectation (${r.expectation!.source}):\n${r.expectation!.mismatches.map((m) => `  ${m}`).join('\n')}`
    : notComplete(r)));
  return failures.length
    ? { pass: false, message: failures.join('\n\n') }
    : { pass: true, message: `expected a difference, but every configuration meets its expectation: ${withExpectation.map(where).join(', ')}` };
}
