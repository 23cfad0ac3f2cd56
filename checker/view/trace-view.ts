/**
 * A trace made ready to draw: its lanes, and per step the label, lane, doc, what changed and the whole state. Built
 * from an ITF trace (./itf-reader.ts) whoever wrote it, so `check --html` (which goes through the same ITF as
 * `--json` and `--itf`) and `tlats view` draw the same page for the same trace.
 */
import type { ItfTrace, Value } from './itf-reader.ts';
import { assignLanes, stepLabel } from './lanes.ts';
import { diffValues, type Change } from './values.ts';

export interface StepView {
  /** 0-based; the page numbers states from 1, as the text traces do. */
  readonly index: number;
  /** The step's label; null for the initial state. */
  readonly label: string | null;
  /** Its lane; null for the initial state, which spans them all. */
  readonly lane: string | null;
  readonly doc?: string;
  /** What changed from the state before (nothing for the initial state). */
  readonly changes: readonly Change[];
  readonly state: readonly (readonly [string, Value])[];
}

export interface LoopView {
  /** The state the behaviour goes back to after the last one. */
  readonly index: number;
  /** The label of the step that closes the cycle, when known; a stutter has none. */
  readonly label: string | null;
  readonly stutter: boolean;
}

export interface TraceView {
  /** The anchor of the trace in the page (`trace-1`, …). */
  readonly id: string;
  /** What it is a trace of: `try_to_unmap [V2.error]`, or the file's description. */
  readonly title: string;
  /** The property it violates, when known. */
  readonly property?: string;
  /** The verdict in words: `Invariant cpuAndDeviceAgree is violated.` */
  readonly verdict?: string;
  readonly lanes: readonly string[];
  /** The lanes come from the labels, not from the spec's actors. */
  readonly lanesInferred: boolean;
  readonly steps: readonly StepView[];
  readonly loop?: LoopView;
}

export interface TraceFacts {
  readonly id: string;
  readonly title?: string;
  readonly property?: string;
  readonly verdict?: string;
}

const str = (x: unknown): string | undefined => (typeof x === 'string' && x !== '' ? x : undefined);

export function traceView(itf: ItfTrace, facts: TraceFacts): TraceView {
  // A trace may list every actor of its spec (`#meta.actors`): their lanes are shown, in that order, even idle.
  const declared = Array.isArray(itf.meta.actors) ? itf.meta.actors.filter((a): a is string => typeof a === 'string') : [];
  const { laneOf, lanes, inferred } = assignLanes(itf.states, declared);
  const steps = itf.states.map((s, i): StepView => {
    const before = i === 0 ? undefined : new Map(itf.states[i - 1]!.vars);
    const changes: Change[] = [];
    if (before) {
      const names = [...new Set([...before.keys(), ...s.vars.map(([k]) => k)])];
      const now = new Map(s.vars);
      for (const k of names) diffValues(k, before.get(k), now.get(k), changes);
    }
    return { index: i, label: stepLabel(s), lane: laneOf[i]!, doc: str(s.meta.doc), changes, state: s.vars };
  });
  const meta = itf.meta;
  const loopMeta = typeof meta.loopStep === 'object' && meta.loopStep !== null ? meta.loopStep as Record<string, unknown> : {};
  const loop = itf.loop === undefined ? undefined : {
    index: itf.loop,
    label: str(loopMeta.action) ?? null,
    stutter: loopMeta.stutter === true,
  };
  return {
    id: facts.id,
    title: facts.title ?? str(meta.description) ?? str(meta.source) ?? 'ITF trace',
    property: facts.property ?? str(meta.property),
    verdict: facts.verdict ?? str(meta.verdict),
    lanes,
    lanesInferred: inferred,
    steps,
    ...(loop ? { loop } : {}),
  };
}
