/**
 * Who takes each step: the lane a swimlane view puts it in. The spec's own answer comes first (`#meta.actor`,
 * written by tlats from the spec's `actor` declarations); without one the lane is inferred from the step's label,
 * the way the checker's default would name it: the action's first parameter (`racer_fault(cpu=1, addr=0)` →
 * `cpu=1`), or, in a Quint trace, the first parameter Quint picked (`mbt::nondetPicks`). A trace with no such
 * information at all (Apalache's) gets one lane.
 */
import type { ItfState, Value } from './itf-reader.ts';
import { formatValue } from './values.ts';

/** The lane of steps that name no actor and no parameter, in a trace where other steps do. */
export const OTHER_LANE = '(other)';
/** The one lane of a trace that names no actor and no parameter anywhere. */
export const SINGLE_LANE = 'steps';

/** Splits `a=1, b="x, y", c=[1, 2]` at its top-level commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) { parts.push(text.slice(start, i).trim()); start = i + 1; }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((p) => p !== '');
}

/** The action name and parameters of a label such as `fault(cpu=1, addr=0)`; a bare name has none. */
export function parseLabel(label: string): { action: string; params: [string, string][] } {
  const m = /^([^()\s]+)\((.*)\)$/s.exec(label.trim());
  if (!m) return { action: label.trim(), params: [] };
  const params = splitTopLevel(m[2]!).map((p): [string, string] => {
    const eq = p.indexOf('=');
    return eq > 0 ? [p.slice(0, eq).trim(), p.slice(eq + 1).trim()] : ['', p];
  });
  return { action: m[1]!, params };
}

/** The label of a state's step: tlats's `#meta.action`, Quint's `mbt::actionTaken` with its picks, or none. */
export function stepLabel(state: ItfState): string | null {
  const action = state.meta.action;
  if (typeof action === 'string') return action === 'init' ? null : action;
  if (state.actionTaken !== undefined) {
    if (state.actionTaken === 'init' || state.actionTaken === 'q::init') return null;
    const picks = quintPicks(state.nondetPicks);
    return picks.length ? `${state.actionTaken}(${picks.map(([k, v]) => `${k}=${v}`).join(', ')})` : state.actionTaken;
  }
  return null;
}

/** Quint's picks are a record of Option values: `{ p: Some(1), q: None }`; the ones made, as `name=value`. */
function quintPicks(picks: Value | undefined): [string, string][] {
  if (!picks || picks.kind !== 'record') return [];
  const made: [string, string][] = [];
  for (const [name, v] of picks.fields) {
    if (v.kind === 'variant' && v.tag === 'Some') made.push([name, formatValue(v.value)]);
  }
  return made;
}

/** The lane inferred from a label: its first parameter, `name=value`; undefined when it has none. */
export function laneFromLabel(label: string): string | undefined {
  const first = parseLabel(label).params[0];
  if (!first) return undefined;
  return first[0] ? `${first[0]}=${first[1]}` : first[1];
}

/**
 * The lane of every step (index 0, the initial state, has none: it spans all lanes) and the lanes: those of
 * `declared` first, in its order (the spec's actors, `#meta.actors` of the trace, idle ones included), then the
 * others in order of first appearance.
 */
export function assignLanes(states: readonly ItfState[], declaredLanes: readonly string[] = []): { laneOf: (string | null)[]; lanes: string[]; inferred: boolean } {
  const declared = states.some((s, i) => i > 0 && typeof s.meta.actor === 'string');
  const raw = states.map((s, i): string | undefined => {
    if (i === 0) return undefined;
    if (typeof s.meta.actor === 'string' && s.meta.actor !== '') return s.meta.actor;
    const label = stepLabel(s);
    return label === null ? undefined : laneFromLabel(label);
  });
  const anyLane = raw.some((x) => x !== undefined);
  const laneOf = raw.map((x, i) => (i === 0 ? null : x ?? (anyLane ? OTHER_LANE : SINGLE_LANE)));
  const lanes = [...new Set([...declaredLanes, ...laneOf.filter((x): x is string => x !== null)])];
  return { laneOf, lanes, inferred: !declared };
}
