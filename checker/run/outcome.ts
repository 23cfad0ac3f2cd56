/**
 * What happened in a run, decided once: the verdict, whether the whole graph was explored, and the exit code. The
 * text report, the JSON and the process exit code all read this; nothing else works it out again.
 *
 * Precedence: out of memory, then interrupted, then violated, then bounded, then holds. A run that found
 * violations and was then interrupted reports its violations but exits 130: it is not complete.
 */
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts';
import type { ViolationKind } from '../search/candidates.ts';

export type Verdict = 'holds' | 'violated' | 'bounded' | 'interrupted' | 'out-of-memory' | 'disk-failed' | 'cluster-failed';

export interface Outcome {
  readonly verdict: Verdict;
  /**
   * The whole reachable graph was explored (not bounded, interrupted or out of memory, and not stopped at a first
   * violation): only then does a property that was not found violated hold, and only then can counts be compared.
   */
  readonly complete: boolean;
  readonly exitCode: ExitCodeValue;
}

export interface RunFacts {
  readonly violations: readonly { readonly kind: ViolationKind }[];
  readonly bounded: boolean;
  readonly interrupted: boolean;
  readonly memoryExhausted?: string;
  readonly diskFailed?: string;
  /** A distributed run lost a node or the NATS server (states may be lost: never "holds"). */
  readonly clusterFailed?: string;
  /** The search went on after violations (--continue, the matrix, the suite). */
  readonly continued: boolean;
}

/** TLC's exit code for a kind of violation (tlc2.output.EC.ExitStatus). */
export function exitCodeFor(kind: ViolationKind): ExitCodeValue {
  return kind === 'deadlock' ? ExitCode.deadlock : kind === 'invariant' ? ExitCode.invariant : ExitCode.property;
}

export function outcomeOf(r: RunFacts): Outcome {
  const complete = !r.bounded && !r.interrupted && !r.memoryExhausted && !r.diskFailed && !r.clusterFailed && (r.continued || r.violations.length === 0);
  if (r.clusterFailed) return { verdict: 'cluster-failed', complete, exitCode: ExitCode.cluster };
  if (r.diskFailed) return { verdict: 'disk-failed', complete, exitCode: ExitCode.disk };
  if (r.memoryExhausted) return { verdict: 'out-of-memory', complete, exitCode: ExitCode.memory };
  if (r.interrupted) return { verdict: 'interrupted', complete, exitCode: ExitCode.interrupted };
  if (r.violations.length) return { verdict: 'violated', complete, exitCode: exitCodeFor(r.violations[0]!.kind) };
  if (r.bounded) return { verdict: 'bounded', complete, exitCode: ExitCode.ok };
  return { verdict: 'holds', complete, exitCode: ExitCode.ok };
}

export interface MatrixRowFacts {
  readonly outcome?: Outcome;
  /** The row declares an expectation; with `matches`, whether the run met it. */
  readonly expected: boolean;
  readonly matches: boolean;
  /** The row could not be checked (an evaluation error): its exit code. */
  readonly errorCode?: ExitCodeValue;
}

/**
 * The exit code of a verdict matrix. Interrupted: 130. Out of memory: 152. When every row declares an expectation,
 * the matrix is a test: 0 when every row is as declared, 1 otherwise (as `--suite`). Otherwise TLC's code of the
 * first row, in declaration order, that found a violation (or failed).
 */
export function matrixExitCode(rows: readonly MatrixRowFacts[]): ExitCodeValue {
  if (rows.some((r) => r.outcome?.verdict === 'interrupted')) return ExitCode.interrupted;
  if (rows.some((r) => r.outcome?.verdict === 'out-of-memory')) return ExitCode.memory;
  if (rows.some((r) => r.outcome?.verdict === 'disk-failed')) return ExitCode.disk;
  if (rows.some((r) => r.outcome?.verdict === 'cluster-failed')) return ExitCode.cluster;
  if (rows.length > 0 && rows.every((r) => r.expected)) {
    return rows.every((r) => r.errorCode === undefined && r.matches) ? ExitCode.ok : ExitCode.suiteMismatch;
  }
  for (const r of rows) {
    if (r.errorCode !== undefined) return r.errorCode;
    if (r.outcome && r.outcome.exitCode !== ExitCode.ok) return r.outcome.exitCode;
  }
  return ExitCode.ok;
}
