/**
 * Expectations: what checking a configuration must find (src/spec.ts `Expectation`), the regression suite's and the
 * matrix's `expected?`. An expectation describes its configuration exactly as declared, so it applies only to a run
 * without command-line overrides of the constants or of the properties checked.
 */
import type { Expectation, Spec } from '../../src/spec.ts';
import { SpecEvalError } from '../errors.ts';
import type { Properties } from '../model/properties.ts';
import type { SearchStats } from '../search/types.ts';
import { formatCount as fmt } from '../units.ts';

/** The expectation a configuration declares: the config's own, or the spec's top-level one for the defaults. */
export function expectationOf(spec: Spec, config: string | undefined): Expectation | undefined {
  return config === undefined ? spec.expect : spec.configs?.[config]?.expect;
}

const where = (config: string | undefined) => (config === undefined ? 'the spec\'s top-level expect' : `configuration ${config}`);

/**
 * Refuses an expectation that names a property the run does not check (misspelt, or left out of the
 * configuration's invariants): otherwise "expected violated" would read as "but it holds".
 */
export function validateExpectation(e: Expectation, properties: Properties, spec: Spec, config: string | undefined): void {
  const checked = properties.list.map((p) => p.name);
  for (const name of Object.keys(e.violated ?? {})) {
    if (checked.includes(name)) continue;
    const defined = [...Object.keys(spec.invariants ?? {}), ...Object.keys(spec.actionProperties ?? {}), ...(spec.deadlock !== false ? ['deadlock'] : [])];
    const why = defined.includes(name)
      ? `${name} is not checked in this configuration`
      : `${spec.name} has no property ${name}`;
    throw new SpecEvalError(`${where(config)} expects ${name} to be violated, but ${why}. The properties checked: ${checked.join(', ') || '(none)'}`);
  }
  const length = (v: unknown) => v === true || (typeof v === 'number' && Number.isInteger(v) && v >= 1);
  for (const [name, len] of Object.entries(e.violated ?? {})) {
    if (!length(len)) throw new SpecEvalError(`${where(config)} expects ${name} violated with a trace of ${String(len)} states: give the number of states (at least 1), or true when only the verdict is known`);
  }
}

/**
 * What differs between a run and an expectation. Counts are comparable only when the whole graph was explored
 * (`complete`); so is "expected violated, but it holds".
 */
export function compareWithExpectation(
  r: { readonly stats: SearchStats; readonly violations: readonly { property: string; length: number }[]; readonly complete: boolean },
  e: Expectation,
): string[] {
  const out: string[] = [];
  if (r.complete) {
    if (e.distinct !== undefined && e.distinct !== r.stats.distinct) out.push(`distinct: expected ${fmt(e.distinct)}, got ${fmt(r.stats.distinct)}`);
    if (e.generated !== undefined && e.generated !== r.stats.generated) out.push(`generated: expected ${fmt(e.generated)}, got ${fmt(r.stats.generated)}`);
    if (e.depth !== undefined && e.depth !== r.stats.depth) out.push(`depth: expected ${e.depth}, got ${r.stats.depth}`);
  }
  const expected = e.violated ?? {};
  // A quantified temporal property: its first violated instance stands for it.
  const got = new Map<string, number>();
  for (const v of r.violations) if (!got.has(v.property)) got.set(v.property, v.length);
  const states = (k: number) => `${k} state${k === 1 ? '' : 's'}`;
  const trace = (len: number | true | undefined) => (len === true ? 'violated' : `violated (trace of ${states(len as number)})`);
  for (const [p, len] of Object.entries(expected) as [string, number | true][]) {
    const g = got.get(p);
    if (g === undefined) {
      if (r.complete) out.push(`${p}: expected ${trace(len)}, but it holds`);
    } else if (len !== true && g !== len) {
      out.push(`${p}: expected a shortest trace of ${states(len)}, got ${g}`);
    }
  }
  for (const [p, len] of got) {
    if (!(p in expected)) out.push(`${p}: expected to hold, but violated (trace of ${states(len)})`);
  }
  return out;
}
