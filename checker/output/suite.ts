/**
 * The regression suite's table: one row per spec and configuration with what was expected, the result and the
 * details, then `N passed, M failed`. Details of a mismatch or an error go under the table, whole, so the table
 * itself stays one line per row.
 */
import { expectationOf } from '../run/expectation.ts';
import type { SuiteCase, SuiteRow } from '../run/suite.ts';
import type { CheckResult } from '../run/check.ts';
import { formatCount as n } from '../units.ts';
import { rule, tableLine, wrap } from './table.ts';

function describeExpected(c: SuiteCase): string {
  const e = expectationOf(c.loaded.spec, c.config)!;
  const v = Object.entries(e.violated ?? {});
  const verdict = v.length ? v.map(([p, k]) => (k === true ? p : `${p} (${k})`)).join(', ') : 'holds';
  const counts = [e.distinct !== undefined ? `${n(e.distinct)} states` : '', e.depth !== undefined ? `depth ${e.depth}` : ''].filter(Boolean).join(', ');
  return counts ? `${verdict}; ${counts}` : verdict;
}

function describeGot(r: CheckResult): string {
  const verdict = r.violations.length ? r.violations.map((v) => `${v.property} (${v.length})`).join(', ') : 'holds';
  return `${verdict}; ${n(r.stats.distinct)} states, depth ${r.stats.depth}`;
}

const nameOf = (c: SuiteCase) => `${c.loaded.spec.name}${c.config ? ` [${c.config}]` : ''}`;

/** The table: result, name, then what was expected, wrapped under its own column so no line passes `width`. */
function suiteTable(body: readonly (readonly [string, string, string])[], width: number): string {
  const header = ['result', 'spec [configuration]', 'expected: violated (states in trace); counts'] as const;
  const w0 = Math.max(header[0].length, ...body.map((r) => r[0].length));
  const w1 = Math.max(header[1].length, ...body.map((r) => r[1].length));
  const indent = ' '.repeat(w0 + w1 + 4);
  const room = Math.max(30, width - indent.length);
  const lines = [tableLine(header, [w0, w1]), rule([w0, w1, header[2].length])];
  for (const [a, b, c] of body) {
    const [first, ...rest] = wrap(c.split(/(?<=,) /), room, ' ');
    lines.push(tableLine([a, b, first ?? ''], [w0, w1]), ...rest.map((l) => `${indent}${l}`));
  }
  return lines.join('\n');
}

export function formatSuite(rows: readonly SuiteRow[], width = 120): string {
  const body = rows.map((row): [string, string, string] => {
    if (row.error) return ['ERROR', nameOf(row.case), describeExpected(row.case)];
    const r = row.result!;
    const status = r.mismatches.length ? 'MISMATCH' : r.outcome.complete ? 'ok' : 'INCOMPLETE';
    return [status, nameOf(row.case), status === 'ok' ? describeExpected(row.case) : `${describeExpected(row.case)}; got ${describeGot(r)}`];
  });
  const problems = rows.flatMap((row) => {
    if (row.error) return [`${nameOf(row.case)}: ${row.error}`];
    const r = row.result!;
    if (r.mismatches.length) return [`${nameOf(row.case)} (${r.expectation!.source}):\n${r.mismatches.map((m) => `  ${m}`).join('\n')}`];
    if (!r.outcome.complete) return [`${nameOf(row.case)}: the search was ${r.outcome.verdict}, so nothing could be compared`];
    return [];
  });
  const bad = problems.length;
  const parts = [suiteTable(body, width)];
  if (problems.length) parts.push(problems.join('\n'));
  parts.push(`${rows.length - bad} passed, ${bad} failed`);
  return parts.join('\n\n');
}
