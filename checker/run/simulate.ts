/**
 * Running one configuration by random simulation (`--simulate`): the model built as for a check, behaviours run
 * by index until the behaviour count, the time budget or a stop, and the first violating behaviour (by index)
 * shortened and turned into a trace. See checker/search/simulate.ts for the walk and why it is reproducible.
 */
import type { TraceStep } from '../search/trace.ts';
import { Simulator, type SimStats } from '../search/simulate.ts';
import type { CheckOptions } from './check.ts';
import { prepareRun } from './check.ts';
import type { LoadedSpec } from './load.ts';
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts';
import { exitCodeFor } from './outcome.ts';
import type { PropertyInfo } from '../model/properties.ts';

export interface SimulateOptions extends Pick<CheckOptions, 'config' | 'constants' | 'invariants' | 'noDeadlock' | 'shouldStop'> {
  readonly seed: number;
  /** States per behaviour at most (TLC -depth; default 100). */
  readonly depth: number;
  /** Behaviours to run (default: until the time budget). */
  readonly traces?: number;
  /** Time budget in seconds. */
  readonly seconds?: number;
  readonly onProgress?: (s: SimStats) => void;
}

export interface SimResult {
  readonly specName: string;
  readonly config: string | undefined;
  readonly seed: number;
  readonly depth: number;
  readonly properties: readonly PropertyInfo[];
  readonly stats: SimStats;
  readonly violation?: {
    readonly property: string;
    readonly kind: 'invariant' | 'actionProperty' | 'deadlock';
    /** Its index: `--traces behaviour + 1` with the same seed finds it again. */
    readonly behaviour: number;
    /** States in the behaviour as found, before shortening. */
    readonly foundLength: number;
    readonly trace: TraceStep[];
  };
  readonly interrupted: boolean;
  readonly exitCode: ExitCodeValue;
}

export function simulate(loaded: LoadedSpec, o: SimulateOptions): SimResult {
  const { model } = prepareRun(loaded, { config: o.config, constants: o.constants, invariants: o.invariants, noDeadlock: o.noDeadlock, temporal: [], symmetry: 'off' });
  const sim = new Simulator(model, o.seed, o.depth);
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  let found: ReturnType<Simulator['run']>;
  let interrupted = false;
  let lastProgress = 0;
  for (let n = 0; o.traces === undefined || n < o.traces; n++) {
    if (o.seconds !== undefined && elapsed() >= o.seconds) break;
    if (o.shouldStop?.()) { interrupted = true; break; }
    found = sim.run(n);
    if (found) break;
    if (o.onProgress && performance.now() - lastProgress > 1000) { lastProgress = performance.now(); o.onProgress({ ...sim.stats, seconds: elapsed() }); }
  }
  const stats = { ...sim.stats, seconds: elapsed() };
  const base = { specName: loaded.spec.name, config: o.config, seed: o.seed, depth: o.depth, properties: model.properties.list, stats, interrupted };
  if (!found) return { ...base, exitCode: interrupted ? ExitCode.interrupted : ExitCode.ok };
  const short = sim.shorten(found);
  return {
    ...base,
    violation: { property: found.property, kind: found.kind, behaviour: found.behaviour, foundLength: found.choices.length + 1, trace: short.states },
    exitCode: exitCodeFor(found.kind),
  };
}
