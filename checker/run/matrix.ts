/**
 * The verdict matrix: every named configuration of a spec, each explored completely (as with --continue), one row
 * each. Every configuration is prepared (constants, invariants, expectation validated) before the first row runs:
 * a bad command-line value stops the matrix before it starts, and a configuration the spec gets wrong becomes an
 * error row while the others run. Rows are handed to the caller one by one as they finish.
 */
import { CheckerError, SpecEvalError, UsageError } from '../errors.ts';
import type { ExitCodeValue } from '../exit-codes.ts';
import { prepareRun, runPrepared, type CheckOptions, type CheckResult, type PreparedRun } from './check.ts';
import type { LoadedSpec } from './load.ts';
import { matrixExitCode } from './outcome.ts';

export interface MatrixRow {
  readonly config: string;
  readonly result?: CheckResult;
  /** Why the row could not be checked: its message and exit code. */
  readonly error?: { readonly message: string; readonly exitCode: ExitCodeValue };
  /** The configuration's expectation applies to this run (declared, and no command-line overrides). */
  readonly expected: boolean;
}

export interface MatrixHooks {
  /** Called before a row runs, with the options it will run with (to attach progress printing). */
  readonly beforeRow?: (config: string) => Partial<CheckOptions>;
  readonly onRow?: (row: MatrixRow) => void;
}

export interface PreparedMatrix {
  readonly configs: readonly string[];
  /** Per configuration: ready to run, or the error that keeps it from running. */
  readonly prepared: ReadonlyMap<string, PreparedRun | CheckerError>;
}

/** Prepares every configuration; a UsageError (a bad command-line value) is thrown, not kept as a row. */
export function prepareMatrix(loaded: LoadedSpec, opts: CheckOptions): PreparedMatrix {
  const configs = Object.keys(loaded.spec.configs ?? {});
  const prepared = new Map<string, PreparedRun | CheckerError>();
  for (const config of configs) {
    try {
      prepared.set(config, prepareRun(loaded, { ...opts, config, continueAfterViolation: true }));
    } catch (e) {
      if (e instanceof UsageError || !(e instanceof CheckerError)) throw e;
      prepared.set(config, e);
    }
  }
  return { configs, prepared };
}

const errorOf = (e: CheckerError) => ({ message: e.message, exitCode: e.exitCode });

export async function runMatrix(loaded: LoadedSpec, m: PreparedMatrix, hooks: MatrixHooks = {}): Promise<MatrixRow[]> {
  const rows: MatrixRow[] = [];
  for (const config of m.configs) {
    const p = m.prepared.get(config)!;
    let row: MatrixRow;
    if (p instanceof CheckerError) {
      row = { config, error: errorOf(p), expected: loaded.spec.configs?.[config]?.expect !== undefined };
    } else {
      const expected = p.expectation !== undefined;
      try {
        const extra = hooks.beforeRow?.(config) ?? {};
        const result = await runPrepared({ ...p, search: { ...p.search, ...extra } });
        row = { config, result, expected };
      } catch (e) {
        if (!(e instanceof SpecEvalError)) throw e;
        row = { config, error: errorOf(e), expected };
      }
    }
    rows.push(row);
    hooks.onRow?.(row);
    if (row.result?.outcome.verdict === 'interrupted') break;
  }
  return rows;
}

/** The matrix's exit code (./outcome.ts `matrixExitCode`). */
export function matrixRowsExitCode(rows: readonly MatrixRow[]): ExitCodeValue {
  return matrixExitCode(rows.map((r) => ({
    outcome: r.result?.outcome,
    expected: r.expected,
    matches: r.result !== undefined && r.result.expectation !== undefined && r.result.mismatches.length === 0,
    errorCode: r.error?.exitCode,
  })));
}
