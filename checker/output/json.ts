/**
 * The machine-readable result written by `--json FILE|-`. Schema: docs/json-output.md. Traces are ITF. The
 * verdict, completeness and exit code are the run's outcome (checker/run/outcome.ts), as everywhere else.
 */
import { collisionProbability } from '../codec/fingerprint.ts';
import type { CheckResult } from '../run/check.ts';
import { toItfTrace } from './itf.ts';
import { matrixCell } from './matrix.ts';

export const JSON_FORMAT_VERSION = 2;

export function resultToJson(r: CheckResult): Record<string, unknown> {
  const s = r.stats;
  return {
    config: r.config ?? null,
    constants: { ...r.constants },
    symmetry: r.symmetry,
    overrides: r.overrides,
    properties: r.properties,
    verdict: r.outcome.verdict,
    complete: r.outcome.complete,
    ...(r.memoryExhausted ? { error: r.memoryExhausted } : {}),
    ...(r.diskFailed ? { error: r.diskFailed } : {}),
    ...(r.clusterFailed ? { error: r.clusterFailed } : {}),
    exitCode: r.outcome.exitCode,
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
      workers: s.workers,
      spill: s.spill,
      diskBytes: s.diskBytes,
      rssBytes: s.rssBytes,
      ...(s.nodes !== undefined ? { nodes: s.nodes, threads: s.threads ?? s.nodes, wireBytes: s.wireBytes } : {}),
    },
    liveness: r.liveness ?? null,
    coverage: r.coverage,
    cells: Object.fromEntries(r.properties.map((p) => [p.name, matrixCell(r, p.name)])),
    violations: r.violations.map((v) => ({
      property: v.property,
      label: v.label,
      kind: v.kind,
      traceLength: v.length,
      switches: v.switches,
      lanes: v.lanes,
      loop: v.loop ? { index: v.loop.index, stutter: v.loop.stutter, action: v.loop.label, ...(v.loop.actor === undefined ? {} : { actor: v.loop.actor }) } : null,
      trace: toItfTrace(v.trace, { description: `${r.specName}${r.config ? ` [${r.config}]` : ''}: ${v.label} violated`, property: v.label }, v.loop?.index),
    })),
    expectation: r.expectation ? { ...r.expectation, matches: r.mismatches.length === 0, mismatches: r.mismatches } : null,
  };
}

/** A matrix row that could not be checked. */
export interface JsonErrorRow { readonly config: string; readonly message: string; readonly exitCode: number }

export function runToJson(
  spec: { name: string; file: string }, mode: 'single' | 'matrix', results: readonly (CheckResult | JsonErrorRow)[],
  exitCode: number, version: string, peakRssBytes: number,
): Record<string, unknown> {
  return {
    tool: 'tlats',
    version,
    format: JSON_FORMAT_VERSION,
    spec,
    mode,
    exitCode,
    /** Peak resident set size of the whole process (all threads), as the OS reports it. */
    peakRssBytes,
    results: results.map((r) => ('message' in r ? { config: r.config, verdict: 'error', error: r.message, exitCode: r.exitCode } : resultToJson(r))),
  };
}
