/**
 * Checking one configuration of a spec: build and validate the model (`prepareRun`, which the matrix does for every
 * row before the first one runs), run the search, rebuild the counterexamples, decide the outcome
 * (./outcome.ts), and compare with what the configuration declares it must find (./expectation.ts). The CLI, the
 * matrix, the suite and the tests all go through here; nothing here prints or exits.
 */
import type { ConstValue, Expectation } from '../../src/spec.ts';
import { SpecEvalError } from '../errors.ts';
import { Model, type ModelOptions } from '../model/model.ts';
import type { PropertyInfo } from '../model/properties.ts';
import type { Candidate, ViolationKind } from '../search/candidates.ts';
import { BfsSearch } from '../search/bfs.ts';
import { contextSwitches } from '../search/fewest-switches.ts';
import { behaviourTo, rebuildTrace, replayFingerprints, type TraceStep } from '../search/trace.ts';
import type { BehaviourGraph } from '../liveness/graph.ts';
import type { Lasso } from '../liveness/check.ts';
import type { SearchOptions, SearchResult, SearchStats } from '../search/types.ts';
import type { ParentLinks } from '../store/types.ts';
import { compareWithExpectation, expectationOf, validateExpectation } from './expectation.ts';
import type { LoadedSpec } from './load.ts';
import { outcomeOf, type Outcome } from './outcome.ts';
import { coverageReport, type CoverageReport } from './coverage.ts';
import { auditSymmetry } from '../model/symmetry-audit.ts';

export interface FoundViolation {
  /** The property's name, as declared (a matrix column, an expectation's key). */
  readonly property: string;
  /** How it is shown: the property, or one instance of a quantified temporal property (`starvationFree(i=2)`). */
  readonly label: string;
  readonly kind: ViolationKind;
  /** States in the counterexample (the initial state included; for a lasso, its prefix and its cycle). */
  readonly length: number;
  readonly trace: TraceStep[];
  /**
   * Steps whose actor differs from the previous step's: for a shortest counterexample the fewest of any shortest
   * one (checker/search/fewest-switches.ts); for a lasso, counted along it (its closing step included).
   */
  readonly switches: number;
  /** The model's actors, in the order its action instances first name them: the lanes a trace is drawn in. */
  readonly lanes: readonly string[];
  /** For a lasso: the index in `trace` of the state the cycle goes back to, and the step that does it. */
  readonly loop?: { readonly index: number; readonly stutter: boolean; readonly label: string | null; readonly actor?: string; readonly doc?: string };
}

export interface CheckResult {
  readonly specName: string;
  readonly config: string | undefined;
  readonly constants: Readonly<Record<string, ConstValue>>;
  /** Constants set on the command line (they override the configuration's). */
  readonly overrides: Readonly<Record<string, ConstValue>>;
  /** The properties checked, in rank order. */
  readonly properties: readonly PropertyInfo[];
  readonly stats: SearchStats;
  readonly violations: FoundViolation[];
  readonly bounded: boolean;
  readonly interrupted: boolean;
  /** Why the search stopped for lack of memory (the statistics are those so far). */
  readonly memoryExhausted?: string;
  /** Why the search stopped when the disk failed (full, unwritable); the statistics are those so far. */
  readonly diskFailed?: string;
  /** Why a distributed run (--nats) stopped: a node or the NATS server was lost; the statistics are those so far. */
  readonly clusterFailed?: string;
  readonly outcome: Outcome;
  /** The configuration's expectation, when it applies to this run (no command-line overrides). */
  readonly expectation?: Expectation;
  /** Differences from the expectation (empty when it matches or there is none). */
  readonly mismatches: string[];
  /** Per action and action instance: states enabled in, successors generated, new states reached (./coverage.ts). */
  readonly coverage: CoverageReport;
  /** The symmetry reduction used: exact or fast (one state per orbit, or per sorted form), or off. */
  readonly symmetry: 'exact' | 'fast' | 'off';
  /** The liveness phase, when temporal properties were checked on the whole graph. */
  readonly liveness?: { readonly seconds: number; readonly states: number; readonly instances: number };
}

export interface CheckOptions extends ModelOptions, SearchOptions {
  /** Called with each violation and its trace as soon as it is found (before the search goes on). */
  onFound?: (v: FoundViolation) => void;
}

/** A configuration ready to run: every option validated, the model built. */
export interface PreparedRun {
  readonly loaded: LoadedSpec;
  readonly model: Model;
  readonly search: SearchOptions & Pick<CheckOptions, 'onFound'>;
  readonly expectation?: Expectation;
}

/** Splits the options: everything that is not a search option is a model option, and goes to the workers whole. */
function split(opts: CheckOptions): { model: ModelOptions; search: PreparedRun['search'] } {
  const {
    maxDepth, continueAfterViolation, workers, memoryBytes, onProgress, progressEveryMs, shouldStop, onViolation,
    parallelThreshold, initialCapacity, onFound, disk, diskLimitBytes, checkpoint, resume, nats, ...model
  } = opts;
  return {
    model,
    search: { maxDepth, continueAfterViolation, workers, memoryBytes, onProgress, progressEveryMs, shouldStop, onViolation, parallelThreshold, initialCapacity, onFound, disk, diskLimitBytes, checkpoint, resume, nats },
  };
}

/** Builds and validates the run of one configuration; throws UsageError or SpecEvalError before anything runs. */
export function prepareRun(loaded: LoadedSpec, opts: CheckOptions = {}): PreparedRun {
  const { model: modelOptions, search } = split(opts);
  const model = new Model(loaded.spec, { ...modelOptions, specFile: loaded.file });
  // An expectation describes the configuration as declared: command-line overrides make it not apply.
  const overridden = Object.keys(opts.constants ?? {}).length > 0 || (opts.invariants?.length ?? 0) > 0 || (opts.temporal?.length ?? 0) > 0
    || opts.noDeadlock === true
    || (opts.symmetry !== undefined && opts.symmetry !== (opts.config === undefined ? 'off' : loaded.spec.configs?.[opts.config]?.symmetry ?? 'off'));
  const expectation = overridden ? undefined : expectationOf(loaded.spec, opts.config);
  if (expectation) validateExpectation(expectation, model.properties, loaded.spec, opts.config);
  return { loaded, model, search, expectation };
}

export async function runPrepared(p: PreparedRun): Promise<CheckResult> {
  const { model, loaded } = p;
  const found = new Map<Candidate, FoundViolation>();
  const traceOf = (v: Candidate, parents: ParentLinks): FoundViolation => {
    let f = found.get(v);
    if (!f) {
      const trace = rebuildTrace(model, parents, v);
      f = { property: v.property, label: v.property, kind: v.kind, length: v.length, trace, switches: contextSwitches(trace), lanes: model.lanes };
      found.set(v, f);
    }
    return f;
  };
  const onViolation = p.search.onFound
    ? (v: Candidate, parents: ParentLinks) => { p.search.onFound!(traceOf(v, parents)); p.search.onViolation?.(v, parents); }
    : p.search.onViolation;
  // Symmetry reduction is sound only for a symmetric spec: refuse, before exploring, one that is not on a sample.
  auditSymmetry(model);
  const beforeSpillClosed = (vs: readonly Candidate[], parents: ParentLinks) => { for (const v of vs) traceOf(v, parents); };
  const nats = p.search.nats;
  // --nats: the same search spread over the nodes of a NATS server (checker/distributed/), a separate code path.
  // Loaded only then: the NATS client costs every other run ~0.1 s of start-up.
  const search = nats
    ? new (await import('../distributed/coordinator.ts')).NatsSearch(model, { ...p.search, onViolation, nats }, loaded.file)
    : new BfsSearch(model, { ...p.search, onViolation, beforeSpillClosed }, loaded.file);
  let run: SearchResult;
  try {
    run = await search.run();
  } catch (e) {
    if (e instanceof SpecEvalError && e.at && !e.behaviour) {
      try { e.behaviour = behaviourTo(model, search.parents, e.at.high, e.at.low); } catch { /* the message alone, then */ }
    }
    throw e;
  }
  const violations = run.violations.map((v) => traceOf(v, run.parents));
  const started = performance.now() - (run.livenessSeconds ?? 0) * 1000;
  if (run.graph && run.temporal) {
    for (const t of temporalViolations(model, run.graph, run.parents, run.temporal, !!p.search.continueAfterViolation)) {
      violations.push(t);
      p.search.onFound?.(t);
    }
  }
  const liveness = run.graph ? { seconds: (performance.now() - started) / 1000, states: run.graph.n, instances: model.liveness!.properties.length } : undefined;
  const outcome = outcomeOf({ ...run, violations, continued: !!p.search.continueAfterViolation });
  const facts = {
    specName: loaded.spec.name, config: model.opts.config, constants: model.consts, overrides: model.opts.constants ?? {},
    properties: model.properties.list, stats: run.stats, violations, bounded: run.bounded, interrupted: run.interrupted,
    memoryExhausted: run.memoryExhausted, diskFailed: run.diskFailed, clusterFailed: run.clusterFailed, outcome, expectation: p.expectation, liveness, coverage: coverageReport(model, run.coverage),
    symmetry: model.symmetryMode,
  };
  return { ...facts, mismatches: p.expectation ? compareWithExpectation({ ...facts, complete: outcome.complete }, p.expectation) : [] };
}

/**
 * The violated temporal property instances, each with its lasso rebuilt by replay: every one with `all` (--continue,
 * the matrix, the suite), else only the first (a run stops at its first violation).
 */
function temporalViolations(model: Model, graph: BehaviourGraph, parents: ParentLinks, found: NonNullable<SearchResult['temporal']>, all: boolean): FoundViolation[] {
  const plan = model.liveness!;
  return (all ? found : found.slice(0, 1)).map((f) => {
    const inst = plan.properties[f.instance]!;
    return lassoViolation(model, graph, parents, inst.name, inst.label, f.lasso);
  });
}

function lassoViolation(model: Model, graph: BehaviourGraph, parents: ParentLinks, property: string, label: string, lasso: Lasso): FoundViolation {
  const fp = (id: number) => { const slot = graph.slots[id]!; return [parents.high(slot), parents.low(slot)] as const; };
  const ids = [...lasso.prefix, ...lasso.cycle];
  const { trace, closingLabel, closingStep } = replayFingerprints(model, ids.map(fp), `the lasso of ${label}`, lasso.stutter ? undefined : fp(lasso.cycle[0]!));
  const closer = !lasso.stutter && closingStep?.actor !== undefined ? { actor: closingStep.actor, ...(closingStep.doc === undefined ? {} : { doc: closingStep.doc }) } : {};
  const switches = contextSwitches(lasso.stutter || !closingStep ? trace : [...trace, closingStep]);
  return {
    property, label, kind: 'temporal', length: ids.length, trace, switches, lanes: model.lanes,
    loop: { index: lasso.prefix.length, stutter: lasso.stutter, label: lasso.stutter ? null : closingLabel, ...closer },
  };
}

/** Checks one configuration (or the spec's defaults, with `config` undefined). */
export async function checkConfig(loaded: LoadedSpec, opts: CheckOptions = {}): Promise<CheckResult> {
  return runPrepared(prepareRun(loaded, opts));
}
