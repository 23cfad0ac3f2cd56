/**
 * The text the CLI prints for one run: the header, progress lines, the verdict, traces, statistics. Pure functions
 * of a result; wording follows TLC's where TLC has a message for the same thing.
 */
import type { ConstValue } from '../../src/spec.ts';
import { collisionProbability } from '../codec/fingerprint.ts';
import type { SpecEvalError } from '../errors.ts';
import type { PropertyInfo } from '../model/properties.ts';
import type { CheckResult, FoundViolation } from '../run/check.ts';
import type { TraceStep } from '../search/trace.ts';
import type { SearchStats } from '../search/types.ts';
import { formatBytes, formatCount as n } from '../units.ts';
import { diffStates, formatValue, items, ELIDED } from './values.ts';
import { formatCoverage, formatNeverEnabled, neverEnabled } from './coverage.ts';

export function formatConstants(c: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(c).map(([k, v]) => `${k} = ${formatValue(v)}`);
  return parts.length ? parts.join(', ') : '(none)';
}

export interface HeaderFacts {
  readonly specName: string;
  /** The spec file as the user gave it. */
  readonly file: string;
  readonly config: string | undefined;
  readonly constants: Readonly<Record<string, ConstValue>>;
  readonly overrides: Readonly<Record<string, ConstValue>>;
  readonly properties: readonly PropertyInfo[];
  /** The spec has named configurations (so a run of its defaults says that it does not use them). */
  readonly hasConfigs: boolean;
  /** The fairness conditions of the behaviours (their labels). */
  readonly fairness: readonly string[];
}

export function formatHeader(h: HeaderFacts): string {
  const names = (kind: string) => h.properties.filter((p) => p.kind === kind).map((p) => p.name);
  const inv = names('invariant');
  const act = names('actionProperty');
  const overridden = Object.keys(h.overrides);
  const set = overridden.length ? ` (${overridden.join(', ')} from --const)` : '';
  const what = h.config !== undefined
    ? `, configuration ${h.config}${overridden.length ? ' with --const overrides' : ''}`
    : h.hasConfigs ? ', the spec\'s default constants (no configuration: --config NAME checks one, --config all the matrix)' : '';
  return [
    `Checking ${h.specName} (${h.file})${what}`,
    `Constants: ${formatConstants(h.constants)}${set}`,
    `Invariants: ${inv.length ? inv.join(', ') : '(none)'}`,
    ...(act.length ? [`Action properties: ${act.join(', ')}`] : []),
    ...(names('temporal').length ? [`Temporal properties: ${names('temporal').join(', ')}${h.fairness.length ? `; fairness: ${h.fairness.join(', ')}` : '; no fairness'}`] : []),
    `Deadlock check: ${names('deadlock').length ? 'on' : 'off'}`,
  ].join('\n');
}

export function rate(p: SearchStats): number {
  return p.seconds > 0 ? Math.round(p.distinct / p.seconds) : 0;
}

export function formatProgress(p: SearchStats): string {
  return `Progress(${p.depth}) at ${p.seconds.toFixed(1)} s: ${n(p.generated)} states generated, ${n(p.distinct)} distinct states found, ` +
    `${n(p.queue)} states left on queue, ${n(rate(p))} distinct states/s; fingerprint table ${formatBytes(p.tableBytes)} of ${formatBytes(p.budgetBytes)}, ` +
    `${(p.tableFill * 100).toFixed(0)}% full; ${p.workers} worker${p.workers > 1 ? 's' : ''}; memory ${formatBytes(p.rssBytes)}`
    + (p.spill === 'disk' ? `; fingerprints on disk (${formatBytes(p.diskBytes)})` : '')
    + (p.spill === 'starting' ? '; the table is full: writing its fingerprints to disk (no progress lines until that is done)' : '');
}

export function describeViolation(v: Pick<FoundViolation, 'kind' | 'property'>): string {
  switch (v.kind) {
    case 'deadlock': return 'Deadlock reached.';
    case 'invariant': return `Invariant ${v.property} is violated.`;
    case 'actionProperty': return `Action property ${v.property} is violated.`;
    case 'temporal': return `Temporal property ${v.property} is violated.`;
  }
}

/** `[CPU1] racer_fault(cpu=1) — doc`: a step's label, after its actor when lanes are shown, and its doc. */
export function stepHeading(step: Pick<TraceStep, 'label' | 'actor' | 'doc'>, showActors: boolean): string {
  if (step.label === null) return '<initial state>';
  const actor = showActors && step.actor !== undefined ? `[${step.actor}] ` : '';
  return `${actor}${step.label}${step.doc ? ` — ${step.doc}` : ''}`;
}

/** Whether a trace's steps show their actors: when they are not all one lane's. */
export function hasLanes(trace: readonly TraceStep[]): boolean {
  return new Set(trace.filter((s) => s.label !== null).map((s) => s.actor)).size > 1;
}

/**
 * A trace, TLC-style: each state numbered with the action that produced it (after its actor, when the model has
 * several: `[CPU1] fault(cpu=1)`, and with the action's doc), then what changed.
 */
export function formatTrace(trace: readonly TraceStep[], fullTrace: boolean, showActors = hasLanes(trace)): string {
  const lines: string[] = [];
  trace.forEach((step, i) => {
    lines.push(`State ${i + 1}: ${stepHeading(step, showActors)}`);
    if (i === 0 || fullTrace) {
      lines.push(formatValue(step.state, { indent: 2, full: fullTrace }));
      return;
    }
    const changes = diffStates(trace[i - 1]!.state, step.state);
    if (changes.length === 0) lines.push('  (no change)');
    for (const c of items(changes, false)) {
      if (c === ELIDED) { lines.push(`  … (${n(changes.length)} changes in all; --full-trace shows whole states)`); continue; }
      lines.push(`  ${c.path} = ${formatValue(c.after)}   (was ${formatValue(c.before)})`);
    }
  });
  return lines.join('\n');
}

/** A violation found: its headline and its shortest trace, or its lasso (TLC's "Back to state" / "Stuttering"). */
export function formatViolation(v: FoundViolation, fullTrace: boolean): string {
  const headline = `Error: ${describeViolation({ kind: v.kind, property: v.label })}`;
  const lanes = v.lanes.length > 1;
  if (!v.loop) {
    // With several actors, the trace is the one of fewest context switches among the shortest (fewest-switches.ts).
    const switches = lanes && v.length > 1 ? `, ${formatSwitches(v.switches)} (the fewest of any shortest behavior)` : '';
    return [headline, `The shortest behavior that violates it has ${v.length} state${v.length === 1 ? '' : 's'}${switches}:`, formatTrace(v.trace, fullTrace, lanes)].join('\n');
  }
  const { index, stutter, label } = v.loop;
  const cycle = v.trace.length - index;
  const shape = stutter
    ? `${index === 0 ? 'an initial state' : `${index} state${index === 1 ? '' : 's'}, then a state`} that stutters for ever`
    : `${index === 0 ? '' : `${index} state${index === 1 ? '' : 's'}, then `}a cycle of ${cycle} state${cycle === 1 ? '' : 's'} repeated for ever`;
  const end = stutter ? `State ${v.trace.length + 1}: Stuttering` : `Back to state ${index + 1}: ${label === null ? '(a stutter)' : stepHeading({ label, actor: v.loop.actor, doc: v.loop.doc }, lanes)}`;
  const switches = lanes ? `, ${formatSwitches(v.switches)}` : '';
  return [headline, `A fair behavior that violates it: ${shape} (${v.length} state${v.length === 1 ? '' : 's'} in the lasso${switches}):`, formatTrace(v.trace, fullTrace, lanes), end].join('\n');
}

export function formatSwitches(n: number): string {
  return `${n} context switch${n === 1 ? '' : 'es'}`;
}

/** An evaluation error, and the behaviour up to the state whose expansion failed when it is known. */
export function formatEvalError(e: SpecEvalError, fullTrace: boolean): string {
  if (!e.behaviour?.length) return e.message;
  return `${e.message}\nThe behavior up to this point is:\n${formatTrace(e.behaviour, fullTrace)}`;
}

/** "Finished in 12 ms." for short runs (a rate over milliseconds means nothing), with the rate from a second on. */
export function formatDuration(s: SearchStats): string {
  if (s.seconds < 1) return `Finished in ${Math.max(1, Math.round(s.seconds * 1000))} ms.`;
  return `Finished in ${s.seconds.toFixed(2)} s (${n(rate(s))} distinct states/s).`;
}

export function formatStats(r: Pick<CheckResult, 'stats' | 'outcome' | 'liveness'>): string {
  const s = r.stats;
  const verdict = r.outcome.verdict;
  const lines = [
    `${n(s.generated)} states generated, ${n(s.distinct)} distinct states found, ${n(s.queue)} states left on queue.`,
    verdict === 'bounded'
      ? `The search was bounded at depth ${s.depth} (--max-depth): states beyond it were not explored.`
      : verdict === 'interrupted' || verdict === 'out-of-memory' || verdict === 'disk-failed' || verdict === 'cluster-failed'
        ? `The search was stopped at depth ${s.depth}.`
        : `The depth of the ${s.queue === 0 ? 'complete ' : ''}state graph search is ${s.depth}.`,
    formatDuration(s),
    ...(s.nodes !== undefined ? [`On ${n(s.nodes)} node${s.nodes === 1 ? '' : 's'}${s.threads !== undefined && s.threads !== s.nodes ? `, ${n(s.threads)} threads` : ''} (--nats): ${n(s.wireBytes ?? 0)} bytes of state traffic between them (${(s.distinct ? (s.wireBytes ?? 0) / s.distinct : 0).toFixed(1)} per distinct state, ${(s.generated ? (s.wireBytes ?? 0) / s.generated : 0).toFixed(1)} per step).`] : []),
    ...(r.liveness ? [`Temporal properties: ${n(r.liveness.instances)} checked on the behaviour graph of ${n(r.liveness.states)} states in ${r.liveness.seconds < 1 ? `${Math.max(1, Math.round(r.liveness.seconds * 1000))} ms` : `${r.liveness.seconds.toFixed(2)} s`}.`] : []),
    `Fingerprint collision probability: calculated (optimistic): ${collisionProbability(s.distinct, s.generated).toExponential(1)}`,
  ];
  return lines.join('\n');
}

export interface ResultFormat {
  readonly fullTrace: boolean;
  /** Print the whole coverage table (--coverage). */
  readonly coverage?: boolean;
  /** The violations were printed already, as they were found (--continue): do not repeat them. */
  readonly violationsShown?: boolean;
}

export function formatResult(r: CheckResult, f: ResultFormat): string {
  const out: string[] = [];
  const verdict = r.outcome.verdict;
  if (r.memoryExhausted) out.push(`Error: ${r.memoryExhausted}.\nThe search stopped there; the statistics so far follow. Give a larger --memory (or shrink the model).`);
  if (r.diskFailed) out.push(`Error: ${r.diskFailed}.\nThe search stopped there; the statistics so far follow (a --checkpoint taken before is kept). Free some space or give another --disk folder.`);
  if (r.clusterFailed) out.push(`Error: ${r.clusterFailed}.\nThe distributed search stopped there: states may have been lost, so nothing is claimed to hold; the statistics so far follow.`);
  if (verdict === 'interrupted') out.push('Interrupted (SIGINT): the statistics so far.');
  if (verdict === 'holds') out.push('Model checking completed. No error has been found.');
  if (verdict === 'bounded') out.push('No error has been found up to the depth bound.');
  if (!f.violationsShown) for (const v of r.violations) out.push(formatViolation(v, f.fullTrace), '');
  else if (r.violations.length) out.push(`${r.violations.length} propert${r.violations.length === 1 ? 'y' : 'ies'} violated (the traces are above): ${r.violations.map((v) => v.label).join(', ')}.`);
  if (r.expectation && !r.outcome.complete && r.mismatches.length === 0) {
    out.push(r.violations.length && verdict === 'violated'
      ? `As expected so far (${r.expectation.source}); the counts were not compared, since the search stopped at the first violation (--continue explores the whole graph).`
      : `Not compared with the expectation (${r.expectation.source}): the search did not explore the whole graph.`);
  } else if (r.expectation) {
    out.push(r.mismatches.length === 0
      ? `As expected (${r.expectation.source}).`
      : `Differs from the expectation (${r.expectation.source}):\n${r.mismatches.map((m) => `  ${m}`).join('\n')}`);
  }
  out.push(formatStats(r));
  // An action never enabled in the whole graph is a mistake more often than not (a deadlock is often how it shows);
  // in the part explored before a stop, it may only not have been reached yet.
  const idle = formatNeverEnabled(neverEnabled(r.coverage), r.outcome.complete ? '' : ' in the states explored before the search stopped');
  if (idle) out.push(idle);
  if (f.coverage) out.push('', formatCoverage(r.coverage));
  return out.join('\n');
}
