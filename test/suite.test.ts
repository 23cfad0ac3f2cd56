/**
 * The invariant regression suite in CI: every configuration in specs/ that declares what checking it must find
 * is checked over its whole graph (every violated property with its own shortest trace) and compared with its
 * expectation. The expectations come from TLC's published counts or from hand analyses written in docs/, never
 * from this tool's output (each one names its source).
 */
import { describe, expect, test } from 'vitest';
import { runCase, suiteCases } from '../checker/run/suite.ts';

const cases = await suiteCases('specs');

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
      expect(row.error).toBeUndefined();
      expect(row.result!.mismatches).toEqual([]);
      expect(row.result!.outcome.complete).toBe(true);
    });
  }
});
