/**
 * Evaluation errors: what the spec's own code did wrong, said once, the same way for the search, the workers and
 * trace replay. The message names what was being evaluated, the spec's own stack frame, and the state (values
 * elided as in traces). The search adds which stored state was being expanded (`at`), and the run rebuilds the
 * behaviour up to it (TLC: "The behavior up to this point is:").
 */
import { SpecEvalError, describeError, specFrame } from '../errors.ts';
import { formatValue } from '../output/values.ts';
import { UndeclaredConstantError } from './constants.ts';

/** The fingerprint of the stored state whose expansion failed. */
export interface StateFingerprint {
  readonly high: number;
  readonly low: number;
}

export function evaluationError(what: string, err: unknown, specFile: string | undefined, state?: unknown): SpecEvalError {
  if (err instanceof SpecEvalError && !(err instanceof UndeclaredConstantError)) return err;
  const frame = specFrame(err, specFile);
  const reason = err instanceof UndeclaredConstantError ? err.message : describeError(err);
  const lines = [`Error while ${what}: ${reason}`];
  if (frame) lines.push(`  at ${frame}`);
  if (state !== undefined) lines.push('in the state', formatValue(state, { indent: 2 }));
  return new SpecEvalError(lines.join('\n'));
}

/** Marks an evaluation error with the stored state being expanded when it happened (the first mark wins). */
export function atState(err: unknown, at: StateFingerprint | undefined): unknown {
  if (err instanceof SpecEvalError && at && err.at === undefined && (at.high !== 0 || at.low !== 0)) err.at = at;
  return err;
}
