/** The spec language: everything a spec module imports. */
export { defineSpec, action, choice, Choice, isChoice, distinctPairs, oneOf, range, interval, except, members } from './spec.ts';
export type {
  Spec, SpecDefinition, ActionDef, ActionInfo, SimpleAction, ParamAction, ProductAction, ListAction, ParamPrimitive, Successors, Step, Params, ParamValue,
  ConstValue, ConstDecl, ConstValues, ConfigDef, Expectation,
} from './spec.ts';
export { t } from './schema.ts';
export type { ScalarsetDecl, SymmetryDecl, SymmetryMode, SymmetricId } from './symmetry.ts';
export type { Schema, Infer } from './schema.ts';
export { addValue, hasValue, equalValues } from './values.ts';
export {
  Next, wf, sf, eventually, alwaysEventually, eventuallyAlways, leadsTo, infinitelyOften, eventuallyNever,
  weaklyFair, stronglyFair, initially, implies, forAll,
} from './temporal.ts';
export type { Fairness, FairnessOptions, Temporal, TemporalProperty, Assumption, ActionSet, ActionLike, Steps, StatePredicate, StepPredicate } from './temporal.ts';
export { check, checkAll } from './check.ts';
export type { CheckOptions, Report, Violation, PropertyResult, Stats, TraceStep } from './check.ts';
