/**
 * Before a run with symmetry reduction: is the spec symmetric under its declared sets, at least on a sample?
 * Reduction is sound only when the initial states' orbits, the actions, the constraints and every property checked
 * commute with permuting the ids; a spec that is not (a property that names process 0, a place holding ids that the
 * declaration forgot) would otherwise get wrong counts or missed violations without a word.
 *
 * How it is decided: a breadth-first walk over the spec's own states (no canonical forms) from the initial states,
 * up to AUDIT_STATES distinct states. For every state s of the sample and every generator π of the symmetry group
 * (per set, a swap of two ids and a rotation of all of them: together they generate every permutation):
 *   - every invariant and the state constraint give the same verdict on s and π(s);
 *   - the successors of π(s) are, up to symmetry, those of s (the same multiset of canonical fingerprints);
 *   - for every step s → t, the step π(s) → π(t) is a step of an instance of the same action, and every action
 *     property and the action constraint give it the verdict they give s → t.
 * The first failure refuses the run with the property (or action), the state and the permutation. Passing is
 * evidence, not proof: the sample is the first AUDIT_STATES states in breadth-first order.
 */
import { SpecEvalError } from '../errors.ts';
import { formatValue } from '../output/values.ts';
import type { Model } from './model.ts';

export const AUDIT_STATES = 300;

/** The raw (not canonical) encoding of a state, as a string key. */
function rawKey(model: Model, state: unknown): string {
  const n = model.codec.encode(state);
  return Array.prototype.join.call(model.codec.buf.subarray(0, n), ',');
}

/** The exact canonical form as a string key (in fast mode too: fast forms of one orbit may differ). */
function canonicalKey(model: Model, state: unknown): string {
  const sym = model.symmetry!;
  model.codec.encode(state);
  const n = sym.canonicalise(state, true);
  return Array.prototype.join.call(sym.words.subarray(0, n), ',');
}

const show = (s: unknown) => formatValue(s, { indent: 2 });

/** Throws a SpecEvalError naming the first asymmetry found on the sample; returns the number of states audited. */
export function auditSymmetry(model: Model): number {
  const sym = model.symmetry;
  if (!sym) return 0;
  const gens = sym.generators();
  const { spec, consts, checks, properties } = model;
  const refuse = (what: string, s: unknown, label: string, detail = '') => new SpecEvalError(
    `symmetry (${sym.describe()}): ${what} is not symmetric: it differs between the state\n${show(s)}\nand its image under ${label}${detail}. `
    + 'Symmetry reduction would then give wrong results: make it symmetric, declare the places of the ids that are missing, or run with --symmetry off.',
  );
  const seen = new Set<string>();
  let level: unknown[] = [];
  for (const s of model.initialStates()) {
    const k = rawKey(model, s);
    if (!seen.has(k)) { seen.add(k); level.push(s); }
  }
  for (const s of level) {
    const problem = sym.pathProblem(s);
    if (problem) throw new SpecEvalError(`${problem}, in the initial state\n${show(s)}`);
  }
  let audited = 0;
  const successorsOf = (s: unknown) => model.instances.map((inst) => ({ inst, states: model.successorList(inst.run(s), inst.step.label) }));
  while (level.length > 0 && audited < AUDIT_STATES) {
    const next: unknown[] = [];
    for (const s of level) {
      if (audited++ >= AUDIT_STATES) break;
      const succ = successorsOf(s);
      for (const g of gens) {
        const ps = sym.apply(s, g.perm);
        properties.invariants.forEach((inv, i) => {
          if (checks.invariantHolds(i, s) !== checks.invariantHolds(i, ps)) throw refuse(`invariant ${inv.name}`, s, g.label);
        });
        if (spec.constraint && spec.constraint(s, consts) !== spec.constraint(ps, consts)) throw refuse('the state constraint', s, g.label);
        const psucc = successorsOf(ps);
        const mine = succ.flatMap(({ states }) => states.map((t) => canonicalKey(model, t))).sort();
        const theirs = psucc.flatMap(({ states }) => states.map((t) => canonicalKey(model, t))).sort();
        if (mine.join(' ') !== theirs.join(' ')) {
          throw refuse('the next-state relation (the actions)', s, g.label, `: they have ${mine.length} and ${psucc.reduce((a, x) => a + x.states.length, 0)} successors, not the same up to symmetry`);
        }
        const imageKeys = psucc.map(({ inst, states }) => ({ inst, keys: states.map((t) => rawKey(model, t)), states }));
        for (const { inst, states } of succ) {
          for (const t of states) {
            const pt = sym.apply(t, g.perm);
            const want = rawKey(model, pt);
            const image = imageKeys.find((x) => x.inst.step.action === inst.step.action && x.keys.includes(want));
            if (!image) throw refuse(`action ${inst.step.action}`, s, g.label, `: the image of its step ${inst.step.label} to\n${show(t)}\nis a step of no instance of ${inst.step.action}`);
            properties.actionProperties.forEach((p, i) => {
              if (checks.actionPropertyHolds(i, s, t, inst.step) !== checks.actionPropertyHolds(i, ps, pt, image.inst.step)) {
                throw refuse(`action property ${p.name}`, s, g.label, ` (on the step ${inst.step.label} and its image ${image.inst.step.label})`);
              }
            });
            if (spec.actionConstraint && spec.actionConstraint(s, t, inst.step, consts) !== spec.actionConstraint(ps, pt, image.inst.step, consts)) {
              throw refuse('the action constraint', s, g.label, ` (on the step ${inst.step.label})`);
            }
            const k = rawKey(model, t);
            if (!seen.has(k)) { seen.add(k); next.push(t); }
          }
        }
      }
      if (gens.length === 0) {
        for (const { states } of succ) for (const t of states) {
          const k = rawKey(model, t);
          if (!seen.has(k)) { seen.add(k); next.push(t); }
        }
      }
    }
    level = next;
  }
  return Math.min(audited, AUDIT_STATES);
}
