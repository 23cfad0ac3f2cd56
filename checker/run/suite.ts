/**
 * The invariant regression suite: every configuration in a folder of specs that declares what checking it must
 * find is checked (exploring the whole graph, every violated property with its own shortest trace) and compared
 * with its expectation.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CheckerError, UsageError } from '../errors.ts';
import { checkConfig, type CheckOptions, type CheckResult } from './check.ts';
import { expectationOf } from './expectation.ts';
import { loadSpec, type LoadedSpec } from './load.ts';

export interface SuiteCase {
  readonly file: string;
  readonly loaded: LoadedSpec;
  /** undefined: the spec's defaults (a spec without configurations). */
  readonly config: string | undefined;
}

export interface SuiteRow {
  readonly case: SuiteCase;
  readonly result?: CheckResult;
  readonly error?: string;
}

/** Refuses a suite folder that is missing or is not a folder, before anything is loaded. */
export function checkSuiteFolder(folder: string): void {
  if (!existsSync(folder)) throw new UsageError(`--suite ${folder}: no such folder`);
  if (!statSync(folder).isDirectory()) throw new UsageError(`--suite ${folder}: not a folder (give the folder of spec files; to check one spec, run check ${folder})`);
}

/**
 * The spec files of a folder: every .ts file not starting with `_`, except declarations and test files
 * (`*.test.ts`: a spec's vitest file sits beside it, as `tlats init` writes it, and imports vitest, which only the
 * test runner can load).
 */
export function specFiles(folder: string): string[] {
  checkSuiteFolder(folder);
  return readdirSync(folder).filter((f) => f.endsWith('.ts') && !f.startsWith('_') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts')).sort().map((f) => join(folder, f));
}

/** Every configuration with an expectation, in file and declaration order. */
export async function suiteCases(folder: string): Promise<SuiteCase[]> {
  const cases: SuiteCase[] = [];
  for (const file of specFiles(folder)) {
    const loaded = await loadSpec(file);
    if (loaded.spec.expect) cases.push({ file, loaded, config: undefined });
    for (const name of Object.keys(loaded.spec.configs ?? {})) {
      if (expectationOf(loaded.spec, name)) cases.push({ file, loaded, config: name });
    }
  }
  return cases;
}

export async function runCase(c: SuiteCase, opts: CheckOptions = {}): Promise<SuiteRow> {
  try {
    const result = await checkConfig(c.loaded, { ...opts, config: c.config, continueAfterViolation: true });
    return { case: c, result };
  } catch (e) {
    if (!(e instanceof CheckerError)) throw e;
    return { case: c, error: e.message };
  }
}

/** The suite passed: every row ran, completely, and as expected. */
export function suitePassed(rows: readonly SuiteRow[]): boolean {
  return rows.every((r) => !r.error && r.result!.outcome.complete && r.result!.mismatches.length === 0);
}
