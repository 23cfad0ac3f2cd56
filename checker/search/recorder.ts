/**
 * Recording the behaviour graph while states are expanded (only when the model checks temporal properties): for
 * each expanded state, the bits of checker/model/temporal.ts (which action groups are ENABLED, which state atoms
 * hold) and its successors inside the model with their edge bits (which groups' steps they are, which step atoms
 * hold), into the expander's own record chunks (checker/store/edges.ts).
 *
 * ENABLED counts every successor other than the state itself, also those outside the constraints (TLC evaluates
 * ENABLED on the spec, not on the constrained graph); edges are only the steps inside the model.
 */
import type { Step } from '../../src/spec.ts';
import { SpecEvalError } from '../errors.ts';
import type { Model } from '../model/model.ts';
import { evaluationError } from '../model/evaluation.ts';
import type { LivenessPlan } from '../model/temporal.ts';
import { formatValue } from '../output/values.ts';
import { EdgeWriter } from '../store/edges.ts';

/**
 * Where a recorder writes: the one-machine EdgeWriter (slots of the seen-table), or a distributed node's writer
 * (checker/distributed/node-graph.ts), which keys the records by fingerprint since the successors live elsewhere.
 */
export interface RecordSink {
  begin(slot: number, maxSuccessors: number): void;
  orNodeBit(bit: number): void;
  /** The edge to `slot` (found again for parallel steps); returns where its bits go. */
  successor(slot: number): number;
  orEdgeBit(edgeAt: number, bit: number): void;
  end(): void;
}

export class GraphRecorder<W extends RecordSink = EdgeWriter> {
  readonly writer: W;
  private readonly plan: LivenessPlan;
  /** The groups each action instance belongs to. */
  private readonly groupsOf: number[][];
  /** For the state being expanded: per instance, its groups whose guard holds (computed when first needed). */
  private readonly guarded: (number[] | undefined)[];
  private state: unknown;

  constructor(private readonly model: Model, shared: boolean, writer?: W) {
    this.plan = model.liveness!;
    this.writer = writer ?? (new EdgeWriter(this.plan.nodeWords, this.plan.edgeWords, shared) as RecordSink as W);
    this.groupsOf = model.instances.map((_, i) => this.plan.groups.flatMap((g, gi) => (g.instances[i] === 1 ? [gi] : [])));
    this.guarded = new Array(model.instances.length);
  }

  private boolean(r: unknown, what: string, state: unknown): boolean {
    if (r === true || r === false) return r;
    throw new SpecEvalError(`${what} returned ${formatValue(r)}, not a boolean, in the state\n${formatValue(state, { indent: 2 })}`);
  }

  /** The groups of `instance` whose guard holds in the state being expanded. */
  private groups(instance: number): number[] {
    let gs = this.guarded[instance];
    if (gs === undefined) {
      const m = this.model;
      gs = this.groupsOf[instance]!.filter((g) => {
        const when = this.plan.groups[g]!.when;
        if (!when) return true;
        try {
          return this.boolean(when(this.state, m.instances[instance]!.step.params, m.consts), `the fairness guard of ${this.plan.groups[g]!.describe}`, this.state);
        } catch (e) {
          throw evaluationError(`evaluating the fairness guard of ${this.plan.groups[g]!.describe}`, e, m.opts.specFile, this.state);
        }
      });
      this.guarded[instance] = gs;
    }
    return gs;
  }

  /** Starts the record of the stored state `state` in `slot`, which has `successors` successors in all. */
  begin(state: unknown, slot: number, successors: number): void {
    this.state = state;
    this.guarded.fill(undefined);
    this.writer.begin(slot, successors);
  }

  /** A successor other than the state itself, from `instance`: its groups are ENABLED here. */
  enabledBy(instance: number): void {
    for (const g of this.groups(instance)) this.writer.orNodeBit(g);
  }

  /** A step inside the model to another state: the edge, with its bits. */
  edge(dstSlot: number, instance: number, to: unknown, step: Step): void {
    const w = this.writer;
    const at = w.successor(dstSlot);
    for (const g of this.groups(instance)) w.orEdgeBit(at, g);
    const atoms = this.plan.stepAtoms;
    const m = this.model;
    for (let i = 0; i < atoms.length; i++) {
      let holds: boolean;
      try {
        holds = this.boolean(atoms[i]!.fn(this.state, to, step, m.consts), atoms[i]!.describe, to);
      } catch (e) {
        throw evaluationError(`evaluating ${atoms[i]!.describe} on ${step.label}`, e, m.opts.specFile, this.state);
      }
      if (holds) w.orEdgeBit(at, this.plan.stepAtomBit(i));
    }
  }

  /** Ends the state's record: its state atoms. */
  end(): void {
    const atoms = this.plan.stateAtoms;
    const m = this.model;
    for (let i = 0; i < atoms.length; i++) {
      let holds: boolean;
      try {
        holds = this.boolean(atoms[i]!.fn(this.state, m.consts), atoms[i]!.describe, this.state);
      } catch (e) {
        throw evaluationError(`evaluating ${atoms[i]!.describe}`, e, m.opts.specFile, this.state);
      }
      if (holds) this.writer.orNodeBit(this.plan.stateAtomBit(i));
    }
    this.writer.end();
    this.state = undefined;
  }
}
