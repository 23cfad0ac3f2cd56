/**
 * The programmatic API: `check(spec, options)` and `checkAll(spec, options)` for code that runs the checker itself
 * (a unit test, a script, an editor). The options are the CLI's under the names a program would use; the result is
 * a plain, typed report built from the one outcome every other output reads (../run/outcome.ts). Nothing here
 * prints, exits or touches `process`: errors are thrown as the checker's own error classes (each with the CLI's
 * exit code), and an AbortSignal stops a run the way SIGINT stops the CLI (the report says `interrupted`).
 */
import type { ConstValue, Spec } from '../../src/spec.ts';
import { specFileOf } from '../../src/spec.ts';
import { CheckerError, UsageError } from '../errors.ts';
import { formatResult, formatViolation } from '../output/text.ts';
import { toItfTrace } from '../output/itf.ts';
import { MAX_WORKERS } from '../parallel/crew.ts';
import { prepareRun, runPrepared, type CheckOptions as RunOptions, type CheckResult, type FoundViolation } from '../run/check.ts';
import { asSpec, loadSpec, type LoadedSpec } from '../run/load.ts';
import type { Verdict } from '../run/outcome.ts';
import type { PropertyKind } from '../model/properties.ts';
import type { SearchStats } from '../search/types.ts';
import type { CoverageReport } from '../run/coverage.ts';
import { parseSize } from '../units.ts';

export interface CheckOptions {
  /** One named configuration (a key of the spec's `configs`); the spec's defaults when absent. */
  readonly config?: string;
  /** Constants to set (they override the configuration's); the expectation is then not compared. */
  readonly constants?: Readonly<Record<string, ConstValue>>;
  /** Check only these invariants (the CLI's --invariant). */
  readonly invariants?: readonly string[];
  /** Check only these temporal properties (the CLI's --property). */
  readonly properties?: readonly string[];
  /** false: do not check for deadlock (the CLI's --no-deadlock). */
  readonly deadlock?: boolean;
  /** Explore at most this many levels (initial states are level 1). */
  readonly maxDepth?: number;
  /** Symmetry reduction (the CLI's --symmetry): overrides the configuration's; see docs/spec-api.md#symmetry. */
  readonly symmetry?: 'exact' | 'fast' | 'off';
  /**
   * Go on after the first violation, so that every violated property is reported with its own shortest trace
   * (the CLI's --continue). Default: true — a test asking about one property must not be stopped by another.
   */
  readonly continue?: boolean;
  /**
   * Worker threads. Default 1: the search runs in the calling thread. With more, each worker imports the module
   * that defined the spec (it must not be a test file: vitest's `test()` cannot run outside the test runner).
   */
  readonly workers?: number;
  /** Budget for the fingerprint table: bytes, or a size such as '512M' (default: a quarter of RAM). */
  readonly memory?: number | string;
  /** Stops the run (as SIGINT stops the CLI): the report's verdict is then `interrupted`, with the statistics so far. */
  readonly signal?: AbortSignal;
  /** Called about once a second, and at the end, with the statistics so far. */
  readonly onProgress?: (stats: Stats) => void;
}

export interface Stats {
  readonly distinct: number;
  readonly generated: number;
  /** BFS levels; the initial states are depth 1, as TLC counts. */
  readonly depth: number;
  /** States left to expand (0 after a complete search). */
  readonly queue: number;
  readonly seconds: number;
  readonly workers: number;
}

export interface TraceStep {
  /** The action instance that produced this state (`enter(i=1)`); null for the initial state. */
  readonly label: string | null;
  readonly state: unknown;
  /** Who took the step (the action's `actor`, or its default); absent for the initial state. */
  readonly actor?: string;
  /** The action's one-line `doc`, when it has one. */
  readonly doc?: string;
}

export interface Violation {
  /** The property as declared (a key of `invariants`, `actionProperties` or `properties`, or 'deadlock'). */
  readonly property: string;
  /** How it is shown: the property, or one instance of a quantified temporal property (`starvationFree(i=2)`). */
  readonly label: string;
  readonly kind: PropertyKind;
  /** States in the trace, the initial state included (for a lasso: its prefix and its cycle). */
  readonly states: number;
  /** Steps taken: states − 1 for a trace; for a lasso, one per state (its last steps back into the cycle): p + c. */
  readonly steps: number;
  readonly trace: readonly TraceStep[];
  /**
   * Steps whose actor differs from the previous step's. A shortest counterexample is one with the fewest of all
   * shortest counterexamples; a lasso's are counted along it.
   */
  readonly switches: number;
  /** The spec's actors, in the order its action instances first name them (the lanes of a swimlane view). */
  readonly lanes: readonly string[];
  /** A lasso's loop: the index in `trace` the last state goes back to (stutter: it repeats for ever). */
  readonly loop?: { readonly index: number; readonly stutter: boolean; readonly label: string | null; readonly actor?: string; readonly doc?: string };
  /** The counterexample as the CLI prints it. */
  readonly text: string;
  /** The counterexample as an ITF trace (the JSON the CLI's --json writes for it). */
  readonly itf: Record<string, unknown>;
}

export interface PropertyResult {
  readonly name: string;
  readonly kind: PropertyKind;
  /** unknown: not found violated, but the search did not explore the whole graph (bounded, stopped, aborted). */
  readonly verdict: 'holds' | 'violated' | 'unknown';
}

export interface Report {
  readonly spec: string;
  /** The file the spec was loaded from (or that defined it), when known. */
  readonly file: string | undefined;
  readonly config: string | undefined;
  readonly constants: Readonly<Record<string, ConstValue>>;
  /** holds | violated | bounded | interrupted | out-of-memory (decided as for the CLI). */
  readonly verdict: Verdict;
  /** The whole reachable graph was explored: only then does a property not found violated hold. */
  readonly complete: boolean;
  /** The CLI's exit code for this run (0 holds, 12 invariant, 11 deadlock, 13 property, …). */
  readonly exitCode: number;
  readonly stats: Stats;
  /** Every property checked, in the CLI's order, with its verdict. */
  readonly properties: readonly PropertyResult[];
  readonly violations: readonly Violation[];
  /** The configuration's declared expectation, when it applies (no constants, invariants or properties given). */
  readonly expectation?: { readonly source: string; readonly met: boolean; readonly mismatches: readonly string[] };
  /** Why the search stopped for lack of memory. */
  readonly memoryExhausted?: string;
  /** Per action and action instance: states it was enabled in, successors generated, new states it reached first. */
  readonly coverage: CoverageReport;
  /** The whole report as the CLI prints it (verdict, traces, statistics). */
  readonly text: string;
}

const OPTION_NAMES: readonly (keyof CheckOptions)[] = [
  'config', 'constants', 'invariants', 'properties', 'deadlock', 'maxDepth', 'continue', 'workers', 'memory', 'signal', 'onProgress', 'symmetry',
];

/** Checks one configuration of a spec (a spec object made by defineSpec, or the path of its .ts module). */
export async function check(spec: Spec | string, options: CheckOptions = {}): Promise<Report> {
  const loaded = await specOf(spec);
  return runOne(loaded, options);
}

/**
 * Checks every named configuration of a spec, one report each, in declaration order (the verdict matrix); a spec
 * without configurations gives one report, of its defaults. Stops after a run the signal interrupted.
 */
export async function checkAll(spec: Spec | string, options: Omit<CheckOptions, 'config'> = {}): Promise<Report[]> {
  if ('config' in options) throw new UsageError('checkAll checks every configuration: give `config` to check() instead');
  const loaded = await specOf(spec);
  const configs = Object.keys(loaded.spec.configs ?? {});
  const reports: Report[] = [];
  for (const config of configs.length ? configs : [undefined]) {
    const r = await runOne(loaded, { ...options, config });
    reports.push(r);
    if (r.verdict === 'interrupted') break;
  }
  return reports;
}

/** A spec object or a file, as the loader would give it. */
async function specOf(spec: Spec | string): Promise<LoadedSpec> {
  if (typeof spec === 'string') return loadSpec(spec);
  const checked = asSpec(spec, 'check(spec)');
  return { spec: checked, file: specFileOf(checked) ?? '' };
}

async function runOne(loaded: LoadedSpec, options: CheckOptions): Promise<Report> {
  const opts = runOptions(loaded, options);
  if (loaded.file === '' && (opts.workers ?? 1) > 1) {
    throw new UsageError(`${loaded.spec.name}: worker threads load the spec from the module that defined it, and this spec object does not say which (make it with defineSpec, in a module of its own), or use workers: 1`);
  }
  const result = await runPrepared(prepareRun(loaded, opts));
  return reportOf(result, loaded.file || undefined);
}

function runOptions(loaded: LoadedSpec, o: CheckOptions): RunOptions {
  if (o === null || typeof o !== 'object') throw new UsageError(`check(): options must be an object, not ${String(o)}`);
  const unknown = Object.keys(o).filter((k) => !(OPTION_NAMES as readonly string[]).includes(k));
  if (unknown.length) throw new UsageError(`check(): unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the options are ${OPTION_NAMES.join(', ')}`);
  if (o.config !== undefined && !(o.config in (loaded.spec.configs ?? {}))) {
    const names = Object.keys(loaded.spec.configs ?? {});
    throw new UsageError(`check(): ${loaded.spec.name} has no configuration ${JSON.stringify(o.config)}; ${names.length ? `its configurations: ${names.join(', ')}` : 'it has none'}`);
  }
  const whole = (name: string, v: number | undefined, max: number) => {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= max)) throw new UsageError(`check(): ${name} must be a whole number from 1 to ${max}, not ${String(v)}`);
    return v;
  };
  const memoryBytes = o.memory === undefined ? undefined : parseSize(String(o.memory), 'check(): memory');
  const signal = o.signal;
  const onProgress = o.onProgress;
  return {
    config: o.config,
    constants: o.constants ? { ...o.constants } : undefined,
    invariants: o.invariants ? [...o.invariants] : undefined,
    temporal: o.properties ? [...o.properties] : undefined,
    noDeadlock: o.deadlock === false,
    ...(o.symmetry !== undefined ? { symmetry: symmetryOption(o.symmetry) } : {}),
    maxDepth: whole('maxDepth', o.maxDepth, Number.MAX_SAFE_INTEGER),
    continueAfterViolation: o.continue ?? true,
    workers: whole('workers', o.workers, MAX_WORKERS) ?? 1,
    memoryBytes,
    shouldStop: signal ? () => signal.aborted : undefined,
    onProgress: onProgress ? (s) => onProgress(statsOf(s)) : undefined,
  };
}

function symmetryOption(v: unknown): 'exact' | 'fast' | 'off' {
  if (v === 'exact' || v === 'fast' || v === 'off') return v;
  throw new UsageError(`check(): symmetry must be 'exact', 'fast' or 'off', not ${String(v)}`);
}

function statsOf(s: SearchStats): Stats {
  return { distinct: s.distinct, generated: s.generated, depth: s.depth, queue: s.queue, seconds: s.seconds, workers: s.workers };
}

function violationOf(r: CheckResult, v: FoundViolation): Violation {
  // A lasso's last state steps back into its cycle (or stutters): one step per state, the matrix's p + c.
  const steps = v.loop ? v.length : v.length - 1;
  return {
    property: v.property, label: v.label, kind: v.kind, states: v.length, steps,
    trace: v.trace.map((s) => ({ label: s.label, state: s.state, ...(s.actor === undefined ? {} : { actor: s.actor }), ...(s.doc === undefined ? {} : { doc: s.doc }) })),
    switches: v.switches, lanes: v.lanes,
    ...(v.loop ? { loop: { ...v.loop } } : {}),
    text: formatViolation(v, false),
    itf: toItfTrace(v.trace, { description: `${r.specName}${r.config ? ` [${r.config}]` : ''}: ${v.label} violated`, property: v.label }, v.loop?.index),
  };
}

function reportOf(r: CheckResult, file: string | undefined): Report {
  const violated = new Set(r.violations.map((v) => v.property));
  return {
    spec: r.specName, file, config: r.config, constants: { ...r.constants },
    verdict: r.outcome.verdict, complete: r.outcome.complete, exitCode: r.outcome.exitCode,
    stats: statsOf(r.stats),
    properties: r.properties.map((p) => ({ name: p.name, kind: p.kind, verdict: violated.has(p.name) ? 'violated' : r.outcome.complete ? 'holds' : 'unknown' })),
    violations: r.violations.map((v) => violationOf(r, v)),
    ...(r.expectation ? { expectation: { source: r.expectation.source, met: r.mismatches.length === 0, mismatches: [...r.mismatches] } } : {}),
    ...(r.memoryExhausted ? { memoryExhausted: r.memoryExhausted } : {}),
    coverage: r.coverage,
    text: formatResult(r, { fullTrace: false }),
  };
}

export type { CoverageReport, ActionCoverage, InstanceCoverage } from '../run/coverage.ts';
export { CheckerError };
export { UsageError, SpecLoadError, SpecEvalError, MemoryBudgetError, InternalError } from '../errors.ts';
