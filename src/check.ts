/**
 * `check` and `checkAll` as the spec language's package exports them (`import { check } from 'tlats'`). The
 * checker is imported on first use, not here: every spec module imports this package, and a spec being loaded
 * (by the CLI, or by each worker thread) must not pull the whole checker in again through it.
 */
import type { CheckOptions, Report } from '../checker/api/check.ts';
import type { Spec } from './spec.ts';

export type { CheckOptions, Report, Violation, PropertyResult, Stats, TraceStep } from '../checker/api/check.ts';

/** Checks one configuration of a spec (a spec object, or the path of its .ts module). See docs/testing.md. */
export async function check(spec: Spec | string, options?: CheckOptions): Promise<Report> {
  return (await import('../checker/api/check.ts')).check(spec, options);
}

/** Checks every named configuration of a spec (the verdict matrix), one report each. See docs/testing.md. */
export async function checkAll(spec: Spec | string, options?: Omit<CheckOptions, 'config'>): Promise<Report[]> {
  return (await import('../checker/api/check.ts')).checkAll(spec, options);
}
