/**
 * The regression suite's table: one row per spec and configuration with what was expected, the result and the
 * details, then `N passed, M failed`. Details of a mismatch or an error go under the table, whole, so the table
 * itself stays one line per row.
 */
import { expectationOf } from '../run/expectation.ts';
import type { SuiteCase, SuiteRow } from '../run/suite.ts';
import type { CheckResult } from '../run/check.ts';
import { formatCount as n } from '../units.ts';
import { table } from './table.ts';

function describeExpected(c: SuiteCase): string {
  const e = expectationOf(c.loaded.spec, c.config)!;
  const v = Object.entries(e.violated ?? {});
  const verdict = v.length ? v.map(([p, k]) => `${p} (${k})`).join(', ') : 'holds';
  const counts = [e.distinct !== undefined ? `${n(e.distinct)} states` : '', e.depth !== undefined ? `depth ${e.depth}` : ''].filter(Boolean).join(', ');
  return counts ? `${verdict}; ${counts}` : verdict;
}

function describeGot(r: CheckResult): string {
  const verdict = r.violations.length ? r.violations.map((v) => `${v.property} (${v.length})`).join(', ') : 'holds';
  return `${verdict}; ${n(r.stats.distinct)} states, depth ${r.stats.depth}`;
}

const nameOf = (c: SuiteCase) => `${c.loaded.spec.name}${c.config ? ` [${c.config}]` : ''}`;

export function formatSuite(rows: readonly SuiteRow[]): string {
  const body = rows.map((row) => {
    if (row.error) return [nameOf(row.case), describeExpected(row.case), 'ERROR'];
    const r = row.result!;
    const status = r.mismatches.length ? 'MISMATCH' : r.outcome.complete ? 'ok' : 'INCOMPLETE';
    return [nameOf(row.case), describeExpected(row.case), status, status === 'ok' ? '' : describeGot(r)];
  });
  const problems = rows.flatMap((row) => {
    if (row.error) return [`${nameOf(row.case)}: ${row.error}`];
    const r = row.result!;
    if (r.mismatches.length) return [`${nameOf(row.case)} (${r.expectation!.source}):\n${r.mismatches.map((m) => `  ${m}`).join('\n')}`];
    if (!r.outcome.complete) return [`${nameOf(row.case)}: the search was ${r.outcome.verdict}, so nothing could be compared`];
    return [];
  });
  const bad = problems.length;
  const parts = [table(['spec [configuration]', 'expected: violated (states in trace); counts', 'result', 'got'], body)];
  if (problems.length) parts.push(problems.join('\n'));
  parts.push(`${rows.length - bad} passed, ${bad} failed`);
  return parts.join('\n\n');
}
