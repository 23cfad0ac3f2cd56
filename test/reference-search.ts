/**
 * A deliberately naive reference search, independent of the engine: breadth-first over a Map keyed by a canonical
 * JSON string of each state (or of its view). No fingerprints, no encoding, no typed arrays. Tests compare the
 * engine with it; spec authors can use it to cross-check a new spec.
 *
 * Semantics (TLC's, tlc2/tool/Worker.java): invariants are checked on every new state and on every successor
 * dropped by a constraint; action properties on every step; a deadlock is a stored state with no successor at all
 * (successors dropped by a constraint still count); generated counts initial states and every successor.
 */
import { isImmutable, Record as IRecord, List, Map as IMap, Set as ISet, OrderedMap, OrderedSet } from 'immutable';
import type { Spec, Step } from '../src/index.ts';

export interface ReferenceResult {
  distinct: number;
  generated: number;
  /** Number of BFS levels, the initial states being level 1 (TLC's depth). */
  depth: number;
  /** property name -> number of states in its shortest counterexample (first found in BFS order) */
  violated: Record<string, number>;
}

/** A canonical string for a state value: equal values give equal strings however they were built. */
export function canonical(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'number': return Object.is(v, -0) ? '0' : String(v);
    case 'string': return JSON.stringify(v);
    case 'boolean': return String(v);
    case 'bigint': return `${v}n`;
  }
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (IRecord.isRecord(v)) {
    const obj = (v as any).toObject() as Record<string, unknown>;
    return `R${IRecord.getDescriptiveName(v as any)}{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
  }
  if (List.isList(v)) return `L[${(v as List<unknown>).toArray().map(canonical).join(',')}]`;
  // OrderedMap and OrderedSet are equal only with their order (Immutable's own equality): keep it.
  if (OrderedMap.isOrderedMap(v)) return `OM[${[...(v as IMap<unknown, unknown>).entries()].map(([k, x]) => `${canonical(k)}=>${canonical(x)}`).join(',')}]`;
  if (OrderedSet.isOrderedSet(v)) return `OS[${[...(v as ISet<unknown>)].map(canonical).join(',')}]`;
  if (IMap.isMap(v)) {
    const entries = [...(v as IMap<unknown, unknown>).entries()].map(([k, x]) => `${canonical(k)}=>${canonical(x)}`).sort();
    return `M{${entries.join(',')}}`;
  }
  if (ISet.isSet(v)) return `S{${[...(v as ISet<unknown>)].map(canonical).sort().join(',')}}`;
  if (isImmutable(v)) throw new Error('reference search: unsupported Immutable collection');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  throw new Error(`reference search: cannot canonicalise ${typeof v}`);
}

function successorsOf<S>(result: unknown): S[] {
  if (result === null || result === undefined || result === false) return [];
  if (Array.isArray(result)) return result as S[];
  return [result as S];
}

function cartesian(domains: Record<string, readonly unknown[]>): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const name of Object.keys(domains)) {
    const next: Record<string, unknown>[] = [];
    for (const partial of out) for (const value of domains[name]!) next.push({ ...partial, [name]: value });
    out = next;
  }
  return out;
}

/** Resolves a spec's constants for a configuration name (or the defaults), as plain values. */
export function referenceConstants(spec: Spec, config?: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const consts: Record<string, unknown> = {};
  for (const [k, d] of Object.entries(spec.constants ?? {})) {
    consts[k] = typeof d === 'object' && d !== null ? (d as { default: unknown }).default : d;
  }
  if (config !== undefined) Object.assign(consts, spec.configs?.[config]?.constants ?? {});
  return Object.assign(consts, overrides);
}

export function referenceSearch(spec: Spec, consts: Record<string, unknown>, opts: { invariants?: string[] } = {}): ReferenceResult {
  const invariants = Object.entries(spec.invariants ?? {}).filter(([n]) => !opts.invariants || opts.invariants.includes(n));
  const actionProps = Object.entries(spec.actionProperties ?? {});
  const checkDeadlock = spec.deadlock !== false;
  const key = (s: unknown) => canonical(spec.view ? spec.view(s, consts) : s);
  const instances: { step: Step; run: (s: unknown) => unknown }[] = [];
  for (const [name, def] of Object.entries(spec.actions)) {
    if (typeof def === 'function') {
      instances.push({ step: { action: name, params: {}, label: name }, run: (s) => def(s, consts) });
    } else {
      // `{ next }` without params (an action with an actor or a doc) is one instance with no parameters.
      const domains = (typeof def.params === 'function' ? def.params(consts) : def.params) ?? {};
      for (const p of cartesian(domains as Record<string, readonly unknown[]>)) {
        const names = Object.entries(p);
        const label = names.length ? `${name}(${names.map(([k, v]) => `${k}=${String(v)}`).join(', ')})` : name;
        instances.push({ step: { action: name, params: p as any, label }, run: (s) => def.next(s, p as any, consts) });
      }
    }
  }
  const violated: Record<string, number> = {};
  const seen = new Map<string, number>(); // key -> depth (states in the shortest path to it)
  let generated = 0;
  let level: unknown[] = [];
  const checkState = (s: unknown, len: number) => {
    for (const [name, inv] of invariants) if (!(name in violated) && !inv(s, consts)) violated[name] = len;
  };
  for (const s of successorsOf(spec.init(consts))) {
    generated++;
    const inModel = !spec.constraint || spec.constraint(s, consts);
    const k = key(s);
    if (inModel && seen.has(k)) continue;
    checkState(s, 1);
    if (!inModel) continue;
    seen.set(k, 1);
    level.push(s);
  }
  let depth = level.length > 0 ? 1 : 0;
  while (level.length > 0) {
    const next: unknown[] = [];
    const len = depth + 1;
    for (const s of level) {
      let any = false;
      for (const inst of instances) {
        for (const t of successorsOf(inst.run(s))) {
          any = true;
          generated++;
          const inModel = (!spec.constraint || spec.constraint(t, consts))
            && (!spec.actionConstraint || spec.actionConstraint(s, t, inst.step, consts));
          const k = key(t);
          const unseen = !inModel || !seen.has(k);
          if (unseen) checkState(t, len);
          for (const [name, prop] of actionProps) if (!(name in violated) && !prop(s, t, inst.step, consts)) violated[name] = len;
          if (inModel && unseen) { seen.set(k, len); next.push(t); }
        }
      }
      if (!any && checkDeadlock && !('deadlock' in violated)) violated.deadlock = depth;
    }
    if (next.length > 0) depth = len;
    level = next;
  }
  return { distinct: seen.size, generated, depth, violated };
}
