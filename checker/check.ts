/**
 * Checking one configuration of a spec: build the model, run the search, rebuild the counterexamples, and
 * compare with what the configuration declares it must find. The CLI, the matrix and the suite all go through
 * here.
 */
import type { ConstValue, Expectation } from '../src/spec.ts';
import { Engine, type EngineOptions, type Progress, type ViolationKind } from './engine.ts';
import { CheckerError, SpecEvalError } from './errors.ts';
import { ExitCode, type ExitCodeValue } from './exit-codes.ts';
import type { LoadedSpec } from './load.ts';
import { Model, type ModelOptions } from './model.ts';
import { rebuildTrace, type TraceStep } from './trace.ts';

export interface FoundViolation {
  readonly property: string;
  readonly kind: ViolationKind;
  /** States in the counterexample (the initial state included). */
  readonly length: number;
  readonly trace: TraceStep[];
}

export interface CheckResult {
  readonly specName: string;
  readonly config: string | undefined;
  readonly constants: Readonly<Record<string, ConstValue>>;
  /** The properties checked: invariants, action properties, and `deadlock` when deadlock checking is on. */
  readonly properties: { name: string; kind: ViolationKind }[];
  readonly stats: Progress;
  readonly violations: FoundViolation[];
  readonly bounded: boolean;
  readonly interrupted: boolean;
  /** Why the search stopped for lack of memory (the statistics are those so far). */
  readonly memoryExhausted?: string;
  readonly exitCode: ExitCodeValue;
  readonly expectation?: Expectation;
  /**
   * The whole reachable graph was explored (not bounded, interrupted or out of memory, and not stopped at a first
   * violation): only then does a property that was not found violated hold.
   */
  readonly complete: boolean;
  /** Differences from the expectation (empty when it matches or there is none). */
  readonly mismatches: string[];
}

export interface CheckOptions extends ModelOptions, EngineOptions {}

/** The properties a model checks, in their reporting order: invariants, action properties, deadlock. */
export function propertiesOf(model: Model): { name: string; kind: ViolationKind }[] {
  return [
    ...model.invariants.map(([name]) => ({ name, kind: 'invariant' as const })),
    ...model.actionProperties.map(([name]) => ({ name, kind: 'actionProperty' as const })),
    ...(model.checkDeadlock ? [{ name: 'deadlock', kind: 'deadlock' as const }] : []),
  ];
}

export function exitCodeFor(kind: ViolationKind): ExitCodeValue {
  return kind === 'deadlock' ? ExitCode.deadlock : kind === 'invariant' ? ExitCode.invariant : ExitCode.property;
}

/** The expectation a configuration declares: the config's own, or the spec's top-level one for the defaults. */
export function expectationOf(loaded: LoadedSpec, config: string | undefined): Expectation | undefined {
  return config === undefined ? loaded.spec.expect : loaded.spec.configs?.[config]?.expect;
}

export async function checkConfig(loaded: LoadedSpec, opts: CheckOptions = {}): Promise<CheckResult> {
  const model = new Model(loaded.spec, { ...opts, specFile: loaded.file });
  const engine = new Engine(model, opts, loaded.file);
  const run = await engine.run();
  const violations: FoundViolation[] = run.violations.map((v) => {
    try {
      return { property: v.property, kind: v.kind, length: v.length, trace: rebuildTrace(model, run.table, v) };
    } catch (e) {
      if (e instanceof CheckerError) throw e;
      throw new SpecEvalError(`rebuilding the counterexample of ${v.property}: ${(e as Error).message}`);
    }
  });
  const properties = propertiesOf(model);
  const exitCode = run.memoryExhausted ? ExitCode.memory : run.interrupted ? ExitCode.interrupted
    : violations.length ? exitCodeFor(violations[0]!.kind) : ExitCode.ok;
  // An expectation describes the configuration's own constants: with command-line overrides it does not apply.
  const overridden = Object.keys(opts.constOverrides ?? {}).length > 0;
  const expectation = overridden ? undefined : expectationOf(loaded, opts.config);
  const complete = !run.bounded && !run.interrupted && !run.memoryExhausted && (!!opts.continueAfterViolation || violations.length === 0);
  const partial = {
    complete,
    specName: loaded.spec.name, config: opts.config, constants: model.consts, properties, stats: run.stats,
    violations, bounded: run.bounded, interrupted: run.interrupted, memoryExhausted: run.memoryExhausted, exitCode, expectation,
  };
  return { ...partial, mismatches: expectation ? compareWithExpectation(partial, expectation) : [] };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * What differs between a run and an expectation. Counts are comparable only when the whole graph was explored,
 * so they are checked only for runs that continued after violations (or found none) and were not bounded.
 */
export function compareWithExpectation(
  r: Pick<CheckResult, 'stats' | 'violations' | 'complete'>,
  e: Expectation,
): string[] {
  const out: string[] = [];
  const complete = r.complete;
  if (complete) {
    if (e.distinct !== undefined && e.distinct !== r.stats.distinct) out.push(`distinct: expected ${fmt(e.distinct)}, got ${fmt(r.stats.distinct)}`);
    if (e.generated !== undefined && e.generated !== r.stats.generated) out.push(`generated: expected ${fmt(e.generated)}, got ${fmt(r.stats.generated)}`);
    if (e.depth !== undefined && e.depth !== r.stats.depth) out.push(`depth: expected ${e.depth}, got ${r.stats.depth}`);
  }
  const expected = e.violated ?? {};
  const got = new Map(r.violations.map((v) => [v.property, v.length]));
  for (const [p, len] of Object.entries(expected)) {
    const g = got.get(p);
    if (g === undefined) {
      if (complete) out.push(`${p}: expected violated (trace of ${len} states), but it holds`);
    } else if (g !== len) {
      out.push(`${p}: expected a shortest trace of ${len} states, got ${g}`);
    }
  }
  for (const [p, len] of got) {
    if (!(p in expected)) out.push(`${p}: expected to hold, but violated (trace of ${len} states)`);
  }
  return out;
}
