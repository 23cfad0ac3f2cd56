/**
 * The liveness plan of a model: the spec's fairness conditions and temporal properties (src/temporal.ts) compiled
 * into the bits the expanders record for every state and step (checker/liveness/graph.ts) and the counterexample
 * pattern of every property instance (checker/liveness/check.ts).
 *
 * - An *action group* is a set of action instances, with an optional guard: the action of a fairness condition
 *   (one per value of its `each` parameters), or the steps a property names. Each group has a node bit (ENABLED
 *   <<A>>_vars: some instance in it, its guard true, has a successor other than the state, counted over every
 *   successor, also those outside the constraints, as TLC does) and an edge bit (the step is one its instances
 *   can take, its guard true in the step's first state, and the step changes the state).
 * - A *state atom* is a state predicate a property uses (P and Q of `P ~> Q`): a node bit, evaluated on every stored
 *   state. A *step atom* is a step predicate: an edge bit, or-ed over the steps of the same pair of states.
 * - Node bits are [group ENABLED bits][state atoms]; edge bits are [group step bits][step atoms].
 *
 * The patterns: the negation of each property form (see the table in docs/design.md, "Liveness").
 */
import type { Params, Spec, Step } from '../../src/spec.ts';
import { Next, type ActionLike, type ActionSet, type Assumption, type Fairness, type Steps, type Temporal, type TemporalProperty } from '../../src/temporal.ts';
import { SpecEvalError, UsageError, describeError } from '../errors.ts';
import type { FairnessBits, Literal, Pattern } from '../liveness/check.ts';
import type { ActionInstance } from './actions.ts';
import { instanceLabel, paramKey } from './actions.ts';
import type { Constants } from './constants.ts';

export interface ActionGroup {
  /** `instances[i]` = 1 when action instance i belongs to the group. */
  readonly instances: Uint8Array;
  readonly when?: (state: unknown, params: Params, consts: unknown) => unknown;
  readonly describe: string;
}

export interface FairnessCondition {
  /** `system`, or `eachPhilosopher(self=2)` for one of a family. */
  readonly label: string;
  readonly name: string;
  readonly kind: 'weak' | 'strong';
  readonly group: number;
}

export interface PropertyInstance {
  /** The declared property's name (the matrix column, the expectation's key). */
  readonly name: string;
  /** `starvationFree(i=2)`, or the name itself for a property without parameters. */
  readonly label: string;
  readonly pattern: Pattern;
}

export interface LivenessSelection {
  readonly config?: string;
  /** `--property`: check only these temporal properties. */
  readonly temporal?: readonly string[];
}

type StateFn = (state: unknown, consts: unknown) => unknown;
type StepFn = (before: unknown, after: unknown, step: Step, consts: unknown) => unknown;

export class LivenessPlan {
  readonly groups: ActionGroup[] = [];
  readonly stateAtoms: { readonly fn: StateFn; readonly describe: string }[] = [];
  readonly stepAtoms: { readonly fn: StepFn; readonly describe: string }[] = [];
  readonly fairness: FairnessCondition[] = [];
  readonly properties: PropertyInstance[] = [];
  /** The declared temporal properties checked, in declaration order. */
  readonly propertyNames: string[] = [];
  private readonly groupKeys = new Map<string, number>();
  private readonly stateAtomIndex = new Map<StateFn, number>();
  private readonly stepAtomIndex = new Map<StepFn, number>();

  constructor(private readonly spec: Spec, private readonly instances: readonly ActionInstance[], private readonly consts: Constants, selection: LivenessSelection) {
    const cfg = selection.config !== undefined ? spec.configs?.[selection.config] : undefined;
    const fairnessDefs = Object.entries((spec.fairness ?? {}) as Record<string, Fairness>);
    const wantedFairness = (cfg as { fairness?: readonly string[] } | undefined)?.fairness;
    for (const w of wantedFairness ?? []) {
      if (!fairnessDefs.some(([n]) => n === w)) {
        throw new SpecEvalError(`configuration ${selection.config} uses fairness ${w}, which ${spec.name} does not define. Its fairness conditions: ${fairnessDefs.map(([n]) => n).join(', ') || '(none)'}`);
      }
    }
    for (const [name, f] of fairnessDefs) {
      if (wantedFairness && !wantedFairness.includes(name)) continue;
      this.addFairness(name, f);
    }
    const propertyDefs = Object.entries((spec.properties ?? {}) as Record<string, TemporalProperty>);
    const fromConfig = (cfg as { properties?: readonly string[] } | undefined)?.properties;
    const wanted = selection.temporal?.length ? selection.temporal : fromConfig;
    for (const w of wanted ?? []) {
      if (propertyDefs.some(([n]) => n === w)) continue;
      const known = propertyDefs.map(([n]) => n).join(', ') || '(none)';
      if (selection.temporal?.length) throw new UsageError(`--property ${w}: ${spec.name} has no such temporal property. Its temporal properties: ${known}`);
      throw new SpecEvalError(`configuration ${selection.config} checks property ${w}, which ${spec.name} does not define. Its temporal properties: ${known}`);
    }
    for (const [name, def] of propertyDefs) {
      if (wanted && !wanted.includes(name)) continue;
      this.propertyNames.push(name);
      this.addProperty(name, def);
    }
    this.resolve();
  }

  get groupCount(): number { return this.groups.length; }
  get nodeBitCount(): number { return this.groups.length + this.stateAtoms.length; }
  get edgeBitCount(): number { return this.groups.length + this.stepAtoms.length; }
  get nodeWords(): number { return Math.max(1, Math.ceil(this.nodeBitCount / 32)); }
  get edgeWords(): number { return Math.max(1, Math.ceil(this.edgeBitCount / 32)); }
  /** Whether anything temporal is checked (the search then records the behaviour graph). */
  get active(): boolean { return this.properties.length > 0; }

  stateAtomBit(i: number): number { return this.groups.length + i; }
  stepAtomBit(i: number): number { return this.groups.length + i; }

  fairnessBits(): FairnessBits[] {
    return this.fairness.map((f) => ({ kind: f.kind, enabled: f.group, occurs: f.group }));
  }

  // -- action groups ----------------------------------------------------------------------------------------------

  private actionNames(actions: ActionSet, who: string): string[] {
    const all = Object.keys(this.spec.actions);
    if (actions === Next) return all;
    const names = typeof actions === 'string' ? [actions] : [...actions];
    for (const n of names) {
      if (!all.includes(n)) throw new SpecEvalError(`${who} names the action ${n}, which ${this.spec.name} does not define. Its actions: ${all.join(', ')}`);
    }
    return names;
  }

  private group(members: number[], when: Fairness['when'] | undefined, describe: string): number {
    const key = `${members.join(',')}|${when ? this.fnKey(when) : ''}`;
    const known = this.groupKeys.get(key);
    if (known !== undefined) return known;
    const instances = new Uint8Array(this.instances.length);
    for (const i of members) instances[i] = 1;
    this.groups.push({ instances, when: when as ActionGroup['when'], describe });
    this.groupKeys.set(key, this.groups.length - 1);
    return this.groups.length - 1;
  }

  private fnIds = new Map<unknown, number>();
  private fnKey(fn: unknown): number {
    let id = this.fnIds.get(fn);
    if (id === undefined) { id = this.fnIds.size; this.fnIds.set(fn, id); }
    return id;
  }

  private addFairness(name: string, f: Fairness): void {
    const who = `fairness ${name}`;
    if (f === null || typeof f !== 'object' || (f.kind !== 'weak' && f.kind !== 'strong')) {
      throw new SpecEvalError(`${who}: expected wf(...) or sf(...)`);
    }
    const actions = this.actionNames(f.actions, who);
    const members = this.instances.map((inst, i) => (actions.includes(inst.step.action) ? i : -1)).filter((i) => i >= 0);
    if (f.each === undefined) {
      this.fairness.push({ label: name, name, kind: f.kind, group: this.group(members, f.when, `${name}`) });
      return;
    }
    // One condition per value of the `each` parameters (per instance with `each: true`).
    const by = new Map<string, { params: Params; members: number[] }>();
    for (const i of members) {
      const params = this.instances[i]!.step.params;
      const keys = f.each === true ? Object.keys(params) : typeof f.each === 'string' ? [f.each] : [...f.each];
      for (const k of keys) {
        if (!(k in params)) throw new SpecEvalError(`${who}: each ${k}, but action ${this.instances[i]!.step.action} has no parameter ${k}`);
      }
      const chosen = Object.fromEntries(keys.map((k) => [k, params[k]])) as Params;
      const key = paramKey(keys.map((k) => params[k]));
      const entry = by.get(key) ?? { params: chosen, members: [] };
      entry.members.push(i);
      by.set(key, entry);
    }
    for (const { params, members: m } of by.values()) {
      const label = instanceLabel(name, params);
      this.fairness.push({ label, name, kind: f.kind, group: this.group(m, f.when, label) });
    }
  }

  // -- atoms -------------------------------------------------------------------------------------------------------

  private stateAtom(fn: StateFn, describe: string): number {
    if (typeof fn !== 'function') throw new SpecEvalError(`${describe}: expected a state predicate (state, consts) => boolean`);
    let i = this.stateAtomIndex.get(fn);
    if (i === undefined) {
      i = this.stateAtoms.length;
      this.stateAtoms.push({ fn, describe });
      this.stateAtomIndex.set(fn, i);
    }
    return i;
  }

  /** The edge bit of a step descriptor: an action group's step bit, or a step atom. */
  private stepsBit(steps: Steps<unknown, unknown>, describe: string): number {
    if (typeof steps === 'function') {
      const fn = steps as StepFn;
      let i = this.stepAtomIndex.get(fn);
      if (i === undefined) {
        i = this.stepAtoms.length;
        this.stepAtoms.push({ fn, describe });
        this.stepAtomIndex.set(fn, i);
      }
      return -1 - i; // resolved to a bit once all groups are known
    }
    const actions = this.actionNames(steps, describe);
    const members = this.instances.map((inst, i) => (actions.includes(inst.step.action) ? i : -1)).filter((i) => i >= 0);
    return this.group(members, undefined, describe);
  }

  /** The node bit of "the action is enabled": a group's ENABLED bit, or a state atom for an ActionLike. */
  private enabledBit(action: ActionSet | ActionLike<unknown, unknown>, describe: string): { node: number; edge: number } {
    if (typeof action === 'object' && action !== null && !Array.isArray(action)) {
      const a = action as ActionLike<unknown, unknown>;
      return { node: -1 - this.stateAtom(a.enabled as StateFn, `${describe}: enabled`), edge: this.stepsBit(a.steps, `${describe}: steps`) };
    }
    const g = this.stepsBit(action as ActionSet, describe);
    return { node: g, edge: g };
  }

  // -- properties --------------------------------------------------------------------------------------------------

  private addProperty(name: string, given: TemporalProperty): void {
    let def = given;
    if (typeof given === 'function') {
      try {
        def = (given as (c: unknown) => Temporal)(this.consts);
      } catch (e) {
        if (e instanceof SpecEvalError) throw e;
        throw new SpecEvalError(`property ${name}: building it from the constants threw ${describeError(e)}`);
      }
    }
    if (def === null || typeof def !== 'object' || typeof (def as { form?: unknown }).form !== 'string') {
      throw new SpecEvalError(`property ${name}: expected a temporal property (leadsTo(...), eventually(...), ...)`);
    }
    if (typeof def === 'function') throw new SpecEvalError(`property ${name}: a function of the constants must return a property`);
    if (def.form !== 'forAll') {
      this.properties.push({ name, label: name, pattern: this.compile(def, name) });
      return;
    }
    let domains: Record<string, readonly unknown[]>;
    try {
      domains = (typeof def.params === 'function' ? def.params(this.consts) : def.params) as Record<string, readonly unknown[]>;
    } catch (e) {
      if (e instanceof SpecEvalError) throw e;
      throw new SpecEvalError(`property ${name}: computing its parameter domains threw ${describeError(e)}`);
    }
    let combos: Record<string, unknown>[] = [{}];
    for (const [k, values] of Object.entries(domains)) {
      if (!Array.isArray(values)) throw new SpecEvalError(`property ${name}: the domain of parameter ${k} is not an array`);
      combos = combos.flatMap((c) => values.map((v) => ({ ...c, [k]: v })));
    }
    for (const params of combos) {
      const label = instanceLabel(name, params as Params);
      let body: Temporal;
      try {
        body = def.body(params);
      } catch (e) {
        if (e instanceof SpecEvalError) throw e;
        throw new SpecEvalError(`property ${label}: building it threw ${describeError(e)}`);
      }
      this.properties.push({ name, label, pattern: this.compile(body, label) });
    }
  }

  /** The counterexample pattern of a property: the shape of a fair behaviour that violates it. */
  private compile(t: Temporal, who: string): Pattern {
    const p = { init: [] as Lit[], trigger: null as Lit[] | null, suffix: [] as Lit[], cycle: [] as Lit[], exclude: [] as number[], buchiNodes: [] as Lit[][], buchiEdges: [] as number[] };
    const atom = (fn: unknown, value: boolean, what: string): Lit => ({ bit: -1 - this.stateAtom(fn as StateFn, `${who}: ${what}`), value });
    const assume = (a: Assumption): void => {
      switch (a.form) {
        case 'initially': p.init.push(atom(a.p, true, 'initially')); return;
        case 'alwaysEventually': p.buchiNodes.push([atom(a.p, true, 'alwaysEventually')]); return;
        case 'eventuallyAlways': p.cycle.push(atom(a.p, true, 'eventuallyAlways')); return;
        case 'infinitelyOften': p.buchiEdges.push(this.stepsBit(a.steps, `${who}: infinitelyOften`)); return;
        case 'eventuallyNever': p.exclude.push(this.stepsBit(a.steps, `${who}: eventuallyNever`)); return;
        default: throw new SpecEvalError(`${who}: implies(...) cannot assume ${(a as { form: string }).form}`);
      }
    };
    const negate = (f: Temporal): void => {
      switch (f.form) {
        case 'eventually': { const l = atom(f.p, false, 'eventually'); p.init.push(l); p.suffix.push(l); return; }
        case 'alwaysEventually': p.cycle.push(atom(f.p, false, 'alwaysEventually')); return;
        case 'eventuallyAlways': p.buchiNodes.push([atom(f.p, false, 'eventuallyAlways')]); return;
        case 'leadsTo': {
          if (p.trigger !== null) throw new SpecEvalError(`${who}: only one leadsTo in a property`);
          const notQ = atom(f.q, false, 'leadsTo: Q');
          p.trigger = [atom(f.p, true, 'leadsTo: P'), notQ];
          p.suffix.push(notQ);
          return;
        }
        case 'infinitelyOften': p.exclude.push(this.stepsBit(f.steps, `${who}: infinitelyOften`)); return;
        case 'eventuallyNever': p.buchiEdges.push(this.stepsBit(f.steps, `${who}: eventuallyNever`)); return;
        case 'fair': {
          const bits = this.enabledBit(f.action, `${who}: ${f.kind === 'weak' ? 'weaklyFair' : 'stronglyFair'}`);
          const enabled: Lit = { bit: bits.node, value: true };
          if (f.kind === 'weak') p.cycle.push(enabled); else p.buchiNodes.push([enabled]);
          p.exclude.push(bits.edge);
          return;
        }
        case 'implies': {
          for (const a of f.assumptions) assume(a);
          negate(f.then);
          return;
        }
        default: throw new SpecEvalError(`${who}: ${String((f as { form: unknown }).form)} is not a temporal property form`);
      }
    };
    negate(t);
    // The bits of state atoms and step atoms follow the groups, and later properties may still add groups: atoms are
    // placeholders (-1 - their index) until `resolve` numbers them.
    return { ...p, cycle: [...p.suffix, ...p.cycle] };
  }

  /** Turns the placeholders (-1 - atom index) into bit numbers, once every group is known. */
  private resolve(): void {
    const node = (b: number) => (b >= 0 ? b : this.stateAtomBit(-1 - b));
    const edge = (b: number) => (b >= 0 ? b : this.stepAtomBit(-1 - b));
    const lits = (ls: readonly Literal[]) => ls.map((l) => ({ bit: node(l.bit), value: l.value }));
    for (const pi of this.properties) {
      const p = pi.pattern as { -readonly [K in keyof Pattern]: Pattern[K] };
      p.init = lits(p.init);
      p.trigger = p.trigger === null ? null : lits(p.trigger);
      p.suffix = lits(p.suffix);
      p.cycle = lits(p.cycle);
      p.exclude = p.exclude.map(edge);
      p.buchiNodes = p.buchiNodes.map(lits);
      p.buchiEdges = p.buchiEdges.map(edge);
    }
  }
}

type Lit = { bit: number; value: boolean };
