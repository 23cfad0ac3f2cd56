/**
 * The machine-readable result written by `--json FILE|-`. Schema: docs/json-output.md. Traces are ITF.
 */
import type { CheckResult } from './check.ts';
import { collisionProbability } from './hash.ts';
import { toItfTrace } from './itf.ts';
import { matrixCell } from './report.ts';

export const JSON_FORMAT_VERSION = 1;

export function resultToJson(r: CheckResult): Record<string, unknown> {
  const s = r.stats;
  return {
    config: r.config ?? null,
    constants: r.constants,
    properties: r.properties,
    verdict: r.memoryExhausted ? 'out-of-memory' : r.interrupted ? 'interrupted' : r.violations.length ? 'violated' : r.bounded ? 'bounded' : 'holds',
    complete: r.complete,
    ...(r.memoryExhausted ? { error: r.memoryExhausted } : {}),
    exitCode: r.exitCode,
    stats: {
      generated: s.generated,
      distinct: s.distinct,
      depth: s.depth,
      queue: s.queue,
      seconds: s.seconds,
      distinctPerSecond: s.seconds > 0 ? s.distinct / s.seconds : 0,
      collisionProbability: collisionProbability(s.distinct, s.generated),
      bounded: r.bounded,
      interrupted: r.interrupted,
    },
    cells: Object.fromEntries(r.properties.map((p) => [p.name, matrixCell(r, p.name)])),
    violations: r.violations.map((v) => ({
      property: v.property,
      kind: v.kind,
      traceLength: v.length,
      trace: toItfTrace(v.trace, { description: `${r.specName}${r.config ? ` [${r.config}]` : ''}: ${v.property} violated`, property: v.property }),
    })),
    expectation: r.expectation ? { ...r.expectation, matches: r.mismatches.length === 0, mismatches: r.mismatches } : null,
  };
}

export function runToJson(specName: string, file: string, mode: 'single' | 'matrix', results: CheckResult[], exitCode: number, version: string): Record<string, unknown> {
  return {
    tool: 'tlats',
    version,
    format: JSON_FORMAT_VERSION,
    spec: { name: specName, file },
    mode,
    exitCode,
    /** Peak resident set size of the whole process (all threads), as the OS reports it. */
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    results: results.map(resultToJson),
  };
}
