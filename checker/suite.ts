/**
 * The invariant regression suite: every configuration in a folder of specs that declares what checking it must
 * find is checked (exploring the whole graph, every violated property with its own shortest trace) and compared
 * with its expectation.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkConfig, expectationOf, type CheckResult } from './check.ts';
import { CheckerError } from './errors.ts';
import { loadSpec, type LoadedSpec } from './load.ts';
import { n, table } from './report.ts';

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

/** The spec files of a folder: every .ts file not starting with `_`. */
export function specFiles(folder: string): string[] {
  return readdirSync(folder).filter((f) => f.endsWith('.ts') && !f.startsWith('_') && !f.endsWith('.d.ts')).sort().map((f) => join(folder, f));
}

/** Every configuration with an expectation, in file and declaration order. */
export async function suiteCases(folder: string): Promise<SuiteCase[]> {
  const cases: SuiteCase[] = [];
  for (const file of specFiles(folder)) {
    const loaded = await loadSpec(file);
    if (loaded.spec.expect) cases.push({ file, loaded, config: undefined });
    for (const name of Object.keys(loaded.spec.configs ?? {})) {
      if (expectationOf(loaded, name)) cases.push({ file, loaded, config: name });
    }
  }
  return cases;
}

export async function runCase(c: SuiteCase): Promise<SuiteRow> {
  try {
    const result = await checkConfig(c.loaded, { config: c.config, continueAfterViolation: true });
    return { case: c, result };
  } catch (e) {
    return { case: c, error: e instanceof CheckerError ? e.message : String(e) };
  }
}

function describeExpected(c: SuiteCase): string {
  const e = expectationOf(c.loaded, c.config)!;
  const v = Object.entries(e.violated ?? {});
  const verdict = v.length ? v.map(([p, k]) => `${p} violated (${k} states)`).join(', ') : 'holds';
  const counts = [e.distinct !== undefined ? `${n(e.distinct)} distinct` : '', e.depth !== undefined ? `depth ${e.depth}` : ''].filter(Boolean).join(', ');
  return counts ? `${verdict}; ${counts}` : verdict;
}

function describeGot(r: CheckResult): string {
  const verdict = r.violations.length ? r.violations.map((v) => `${v.property} violated (${v.length} states)`).join(', ') : 'holds';
  return `${verdict}; ${n(r.stats.distinct)} distinct, depth ${r.stats.depth}`;
}

export function formatSuite(rows: SuiteRow[]): string {
  const body = rows.map((row) => {
    const name = `${row.case.loaded.spec.name}${row.case.config ? ` [${row.case.config}]` : ''}`;
    if (row.error) return [name, describeExpected(row.case), 'ERROR', row.error.split('\n')[0]!];
    const r = row.result!;
    return [name, describeExpected(row.case), r.mismatches.length ? 'MISMATCH' : 'ok', r.mismatches.length ? r.mismatches.join('; ') : describeGot(r)];
  });
  const bad = rows.filter((r) => r.error || r.result!.mismatches.length).length;
  return `${table(['spec [configuration]', 'expected', 'result', 'details'], body)}\n\n${rows.length - bad} passed, ${bad} failed`;
}
