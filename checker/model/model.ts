/**
 * A model: one spec with its options applied, ready to explore. It puts together the run's constants
 * (./constants.ts), the action instances (./actions.ts), the property registry (./properties.ts), the step checks
 * (./steps.ts) and the codec, and offers what every driver needs: the initial states, normalising what an action
 * returned, and encoding plus fingerprinting a state.
 *
 * `ModelOptions` is plain data: a worker thread receives it whole and builds the same model.
 */
import { isChoice, type Choice, type ConstValue, type Spec, type Step } from '../../src/spec.ts';
import { EncodeError, SpecEvalError, UsageError, describeError } from '../errors.ts';
import type { Codec } from '../codec/codec.ts';
import { Fingerprinter } from '../codec/fingerprint.ts';
import { GenericCodec } from '../codec/generic.ts';
import { SchemaCodec } from '../codec/schema-codec.ts';
import { formatValue } from '../output/values.ts';
import { actionInstances, choiceLabel, paramProblem, type ActionInstance } from './actions.ts';
import { lanesOf } from './actors.ts';
import { resolveConstants, type Constants } from './constants.ts';
import { evaluationError } from './evaluation.ts';
import { Properties } from './properties.ts';
import { StepChecks } from './steps.ts';
import { Symmetry } from './symmetry.ts';
import { SYMMETRY_MODES, type SymmetryMode } from '../../src/symmetry.ts';
import { LivenessPlan } from './temporal.ts';

export interface ModelOptions {
  /** The configuration to use (a key of spec.configs), or undefined for the spec's defaults. */
  readonly config?: string;
  /** Constant overrides, typed (the CLI parses `--const` by each constant's declared type). */
  readonly constants?: Readonly<Record<string, ConstValue>>;
  /** Check only these invariants (all, or the configuration's list, when undefined or empty). */
  readonly invariants?: readonly string[];
  /** Turn deadlock checking off. */
  readonly noDeadlock?: boolean;
  /** `--property`: check only these temporal properties (all, or the configuration's list, when undefined or empty). */
  readonly temporal?: readonly string[];
  /** The spec's file, to point at its own stack frames in error messages. */
  readonly specFile?: string;
  /** `--symmetry`: overrides the configuration's `symmetry` (off when it says nothing). */
  readonly symmetry?: SymmetryMode;
}

export class Model {
  readonly consts: Constants;
  readonly instances: readonly ActionInstance[];
  /** The distinct actors, in the order the instances first name them (./actors.ts); laneOf[i] is instance i's. */
  readonly lanes: readonly string[];
  readonly laneOf: Int32Array;
  readonly properties: Properties;
  readonly checks: StepChecks;
  /** The fairness conditions and temporal properties checked; undefined when there are none. */
  readonly liveness: LivenessPlan | undefined;
  readonly codec: Codec;
  readonly fp = new Fingerprinter();
  /** Symmetry reduction, when the run uses it: states are fingerprinted and stored in their canonical form. */
  readonly symmetry: Symmetry | undefined;
  /** The VIEW's codec: the fingerprint covers the view, whatever codec the states use. */
  private readonly viewCodec: GenericCodec | undefined;

  constructor(readonly spec: Spec, readonly opts: ModelOptions = {}) {
    this.consts = resolveConstants(spec, opts);
    try {
      this.instances = actionInstances(spec, this.consts);
    } catch (e) {
      throw evaluationError('computing the action instances', e, opts.specFile);
    }
    ({ lanes: this.lanes, laneOf: this.laneOf } = lanesOf(this.instances));
    const plan = new LivenessPlan(spec, this.instances, this.consts, opts);
    this.liveness = plan.active ? plan : undefined;
    if (this.liveness && spec.view) {
      throw new SpecEvalError(`${spec.name} has a view and temporal properties: a VIEW merges states that differ, so a liveness check could `
        + 'report a behaviour the spec does not have, or miss one (TLC warns nothing and errs). Check the temporal properties without the view, '
        + 'or the view without them (--property selects the temporal properties; a configuration can list none).');
    }
    this.properties = new Properties(spec, opts, plan.propertyNames);
    this.checks = new StepChecks(spec, this.consts, this.properties, opts.specFile);
    try {
      const schema = typeof spec.schema === 'function' ? spec.schema(this.consts) : spec.schema;
      this.codec = schema ? new SchemaCodec(schema) : new GenericCodec();
    } catch (e) {
      if (e instanceof SpecEvalError) throw evaluationError('computing the schema', e, opts.specFile);
      throw new SpecEvalError(`the spec's schema is refused: ${e instanceof Error && e.name === 'Error' ? e.message : describeError(e)}`);
    }
    this.viewCodec = spec.view ? new GenericCodec() : undefined;
    this.symmetry = this.buildSymmetry();
  }

  /** The symmetry mode of this run: --symmetry, else the configuration's, else off. */
  get symmetryMode(): SymmetryMode {
    return this.opts.symmetry ?? (this.opts.config === undefined ? undefined : this.spec.configs?.[this.opts.config]?.symmetry) ?? 'off';
  }

  private buildSymmetry(): Symmetry | undefined {
    const mode = this.symmetryMode;
    const from = this.opts.symmetry !== undefined ? `--symmetry ${mode}` : `configuration ${this.opts.config}'s symmetry: '${mode}'`;
    if (!SYMMETRY_MODES.includes(mode)) throw new SpecEvalError(`${from}: the modes are ${SYMMETRY_MODES.join(', ')}`);
    if (mode === 'off') return undefined;
    // A command-line choice that cannot work is a usage error; a configuration's is the spec's.
    const refuse = (why: string) => (this.opts.symmetry !== undefined ? new UsageError(`${from}: ${why}`) : new SpecEvalError(`${from}: ${why}`));
    if (!this.spec.symmetry) throw refuse(`${this.spec.name} declares no symmetry (give the spec a symmetry: { Set: { ids, index, values } }, see docs/spec-api.md)`);
    if (this.liveness) {
      throw refuse(`symmetry reduction is refused with temporal properties (this run checks ${this.liveness.propertyNames.join(', ')}): `
        + 'a cycle through canonical states need not be a cycle of the spec, so a verdict could be wrong (TLC warns of the same). '
        + 'Check the temporal properties with --symmetry off, and the safety properties with symmetry in a configuration that lists properties: [].');
    }
    if (this.spec.view) throw refuse('symmetry reduction and a VIEW together are not supported (both decide which states are one)');
    return new Symmetry(this.spec.symmetry, this.consts, mode, this.codec);
  }

  /** The words of the last encodeAndFingerprint: the canonical form under symmetry, else the codec's. */
  get buf(): Int32Array {
    return this.symmetry === undefined ? this.codec.buf : this.symmetry.words;
  }

  /** The initial states, as an array. */
  initialStates(): unknown[] {
    let r: unknown;
    try {
      r = this.spec.init(this.consts);
    } catch (e) {
      throw this.evalError('computing the initial states', e);
    }
    return this.successorList(r, 'init');
  }

  /** Normalises what an action returned into a list of states, choices unwrapped (used off the hot path). */
  successorList(r: unknown, who: string): unknown[] {
    if (r === null || r === undefined || r === false) return [];
    const list = Array.isArray(r) ? r : [r];
    const out: unknown[] = [];
    for (const x of list) {
      const s = isChoice(x) ? x.state : x;
      this.checkIsState(s, who);
      out.push(s);
    }
    return out;
  }

  /**
   * The same, each successor with the label a trace shows for it: the instance's, or for a `choice` the instance's
   * parameters followed by the chosen values (`RcvPrepared(rm="r2")`).
   */
  labelledSuccessors(r: unknown, step: Step): { state: unknown; label: string }[] {
    if (r === null || r === undefined || r === false) return [];
    const list = Array.isArray(r) ? r : [r];
    return list.map((x) => {
      const s = isChoice(x) ? x.state : x;
      this.checkIsState(s, step.label);
      return { state: s, label: isChoice(x) ? this.choiceLabelOf(step, x) : step.label };
    });
  }

  private choiceLabelOf(step: Step, c: Choice<unknown>): string {
    const chosen = c.params;
    if (chosen === null || typeof chosen !== 'object' || Array.isArray(chosen)) {
      throw new SpecEvalError(`action ${step.label}: choice(params, state) takes a record of the chosen values first, such as choice({ m }, state); got ${formatValue(chosen)}`);
    }
    for (const [k, v] of Object.entries(chosen)) {
      const problem = paramProblem(v, k);
      if (problem) throw new SpecEvalError(`action ${step.label}: the choice's value ${problem}; a chosen value is a string, number, boolean or null, or an array or plain record of them`);
      if (k in step.params) throw new SpecEvalError(`action ${step.label}: the choice's value ${k} has the name of one of the action's parameters`);
    }
    return choiceLabel(step, chosen);
  }

  checkIsState(s: unknown, who: string): void {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) {
      throw new SpecEvalError(`${who} returned ${formatValue(s)}, which is not a state: an action returns a state object, an array of states, or null/undefined/false for none`);
    }
  }

  /** Encodes `state` into the codec's buffer and fingerprints it (into `fp`); returns the word count. */
  encodeAndFingerprint(state: unknown, who: string, origin?: unknown): number {
    let n: number;
    try {
      n = this.codec.encode(state);
      if (this.symmetry !== undefined) {
        n = this.symmetry.canonicalise(state);
        this.fp.hash(this.symmetry.words, 0, n);
      } else if (this.viewCodec) {
        let view: unknown;
        try {
          view = this.spec.view!(state, this.consts);
        } catch (e) {
          throw this.evalError(`evaluating the view on the state produced by ${who}`, e, state);
        }
        const m = this.viewCodec.encode(view);
        this.fp.hash(this.viewCodec.buf, 0, m);
      } else {
        this.fp.hash(this.codec.buf, 0, n);
      }
    } catch (e) {
      if (e instanceof EncodeError) {
        const from = origin === undefined ? '' : `\nfrom the state\n${formatValue(origin, { indent: 2 })}`;
        throw new SpecEvalError(`${who} produced a state that cannot be fingerprinted: ${e.message}${from}`);
      }
      throw e;
    }
    return n;
  }

  /** An evaluation error naming what was being done, the state, and the spec's own stack frame. */
  evalError(what: string, err: unknown, state?: unknown): SpecEvalError {
    return evaluationError(what, err, this.opts.specFile, state);
  }
}
