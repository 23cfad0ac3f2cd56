/**
 * The invariant regression suite in CI: every configuration in specs/ that declares what checking it must find
 * is checked over its whole graph (every violated property with its own shortest trace) and compared with its
 * expectation. The expectations come from TLC's published counts or from hand analyses written in docs/, never
 * from this tool's output (each one names its source).
 */
import { describe, expect, test } from 'vitest';
import { runCase, suiteCases, type SuiteRow } from '../checker/run/suite.ts';
import { formatSuite } from '../checker/output/suite.ts';
import { root } from './cli-helpers.ts';

const cases = await suiteCases('specs');
const rows: SuiteRow[] = [];

describe('invariant regression suite (specs/)', () => {
  test('every spec file declares expectations, each naming its source', () => {
    const files = new Set(cases.map((c) => c.file));
    expect(files.size).toBeGreaterThanOrEqual(9);
    for (const c of cases) {
      const e = c.config === undefined ? c.loaded.spec.expect : c.loaded.spec.configs![c.config]!.expect;
      expect(e?.source.length, `${c.file} ${c.config}`).toBeGreaterThan(10);
    }
  });

  for (const c of cases) {
    test(`${c.loaded.spec.name}${c.config ? ` [${c.config}]` : ''}`, async () => {
      const row = await runCase(c);
      rows.push(row);
      expect(row.error).toBeUndefined();
      expect(row.result!.mismatches).toEqual([]);
      expect(row.result!.outcome.complete).toBe(true);
    });
  }

  // What `tlats --suite specs` prints (formatSuite of these rows): within 120 columns, naming no path of
  // this machine (issue #7's first-hour items 12 and 14).
  test('the suite table stays within 120 columns and names no machine path', () => {
    expect(rows.length).toBe(cases.length);
    const table = formatSuite(rows);
    expect(Math.max(...table.split('\n').map((l) => l.length))).toBeLessThanOrEqual(120);
    expect(table).not.toContain(root);
    expect(table).not.toMatch(/\/work\//);
    for (const c of cases) expect(table).toContain(`${c.loaded.spec.name}${c.config ? ` [${c.config}]` : ''}`);
  });
});
