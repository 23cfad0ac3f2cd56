/**
 * The text the CLI prints: the configuration, progress lines, the verdict, traces, statistics, and the verdict
 * matrix. Wording follows TLC's where TLC has a message for the same thing.
 */
import type { CheckResult, FoundViolation } from './check.ts';
import type { Progress } from './engine.ts';
import { collisionProbability } from './hash.ts';
import type { TraceStep } from './trace.ts';
import { diffStates, formatValue } from './values.ts';

export const n = (x: number) => x.toLocaleString('en-US');

export function formatConstants(c: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(c).map(([k, v]) => `${k} = ${formatValue(v)}`);
  return parts.length ? parts.join(', ') : '(none)';
}

export function formatHeader(specName: string, file: string, config: string | undefined, consts: Readonly<Record<string, unknown>>, properties: CheckResult['properties']): string {
  const names = (kind: string) => properties.filter((p) => p.kind === kind).map((p) => p.name);
  const inv = names('invariant');
  const act = names('actionProperty');
  return [
    `Checking ${specName} (${file})${config ? `, configuration ${config}` : ''}`,
    `Constants: ${formatConstants(consts)}`,
    `Invariants: ${inv.length ? inv.join(', ') : '(none)'}`,
    ...(act.length ? [`Action properties: ${act.join(', ')}`] : []),
    `Deadlock check: ${names('deadlock').length ? 'on' : 'off'}`,
  ].join('\n');
}

export function rate(p: Progress): number {
  return p.seconds > 0 ? Math.round(p.distinct / p.seconds) : 0;
}

export function formatProgress(p: Progress): string {
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  return `Progress(${p.depth}) at ${p.seconds.toFixed(1)} s: ${n(p.generated)} states generated, ${n(p.distinct)} distinct states found, ` +
    `${n(p.queue)} states left on queue, ${n(rate(p))} distinct states/s; fingerprint table ${mib(p.tableBytes)} of ${mib(p.budgetBytes)} MiB, ` +
    `${(p.tableFill * 100).toFixed(0)}% full; ${p.workers} worker${p.workers > 1 ? 's' : ''}`;
}

export function describeViolation(v: FoundViolation): string {
  switch (v.kind) {
    case 'deadlock': return 'Deadlock reached.';
    case 'invariant': return `Invariant ${v.property} is violated.`;
    case 'actionProperty': return `Action property ${v.property} is violated.`;
  }
}

export function formatTrace(trace: TraceStep[], fullTrace: boolean): string {
  const lines: string[] = [];
  trace.forEach((step, i) => {
    lines.push(`State ${i + 1}: ${step.label === null ? '<initial state>' : step.label}`);
    if (i === 0 || fullTrace) {
      lines.push(formatValue(step.state, 2));
      return;
    }
    const changes = diffStates(trace[i - 1]!.state, step.state);
    if (changes.length === 0) lines.push('  (no change)');
    for (const c of changes) lines.push(`  ${c.path} = ${formatValue(c.after)}   (was ${formatValue(c.before)})`);
  });
  return lines.join('\n');
}

export function formatStats(r: Pick<CheckResult, 'stats' | 'bounded' | 'interrupted' | 'memoryExhausted'>): string {
  const s = r.stats;
  const lines = [
    `${n(s.generated)} states generated, ${n(s.distinct)} distinct states found, ${n(s.queue)} states left on queue.`,
    r.bounded
      ? `The search was bounded at depth ${s.depth} (--max-depth): states beyond it were not explored.`
      : r.interrupted || r.memoryExhausted
        ? `The search was stopped at depth ${s.depth}.`
        : `The depth of the ${s.queue === 0 ? 'complete ' : ''}state graph search is ${s.depth}.`,
    `Finished in ${s.seconds.toFixed(2)} s (${n(rate(s))} distinct states/s).`,
    `Fingerprint collision probability: calculated (optimistic): ${collisionProbability(s.distinct, s.generated).toExponential(1)}`,
  ];
  return lines.join('\n');
}

export function formatResult(r: CheckResult, fullTrace: boolean): string {
  const out: string[] = [];
  if (r.memoryExhausted) out.push(`Error: ${r.memoryExhausted}.\nThe search stopped there; the statistics so far follow. Give a larger --memory (or shrink the model).`);
  if (r.interrupted) out.push('Interrupted (SIGINT): the statistics so far.');
  if (r.violations.length === 0 && !r.interrupted && !r.memoryExhausted) {
    out.push(r.bounded ? 'No error has been found up to the depth bound.' : 'Model checking completed. No error has been found.');
  }
  for (const v of r.violations) {
    out.push(`Error: ${describeViolation(v)}`);
    out.push(`The shortest behavior that violates it has ${v.length} state${v.length === 1 ? '' : 's'}:`);
    out.push(formatTrace(v.trace, fullTrace));
    out.push('');
  }
  if (r.expectation && !r.complete && r.mismatches.length === 0) {
    out.push(r.violations.length
      ? `As expected so far (${r.expectation.source}); the counts were not compared, since the search stopped at the first violation (--continue explores the whole graph).`
      : `Not compared with the expectation (${r.expectation.source}): the search did not explore the whole graph.`);
  } else if (r.expectation) {
    out.push(r.mismatches.length === 0
      ? `As expected (${r.expectation.source}).`
      : `Differs from the expectation (${r.expectation.source}):\n${r.mismatches.map((m) => `  ${m}`).join('\n')}`);
  }
  out.push(formatStats(r));
  return out.join('\n');
}

/** A plain-text table with a header row; columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

/** The cell of one property in the verdict matrix: "holds (N states)" or "violated (K steps)". */
export function matrixCell(r: CheckResult, property: string): string {
  if (!r.properties.some((p) => p.name === property)) return '-';
  const v = r.violations.find((x) => x.property === property);
  if (v) return `violated (${v.length - 1} steps)`;
  if (!r.complete) return `unknown (search incomplete)`;
  return `holds (${n(r.stats.distinct)} states)`;
}

export function formatMatrix(results: CheckResult[]): string {
  const props: string[] = [];
  for (const r of results) for (const p of r.properties) if (!props.includes(p.name)) props.push(p.name);
  const withExpect = results.some((r) => r.expectation);
  const header = ['configuration', ...props, ...(withExpect ? ['expected?'] : [])];
  const rows = results.map((r) => [
    r.config ?? '(defaults)',
    ...props.map((p) => matrixCell(r, p)),
    ...(withExpect ? [r.expectation ? (r.mismatches.length ? 'NO' : 'yes') : '-'] : []),
  ]);
  return table(header, rows);
}
