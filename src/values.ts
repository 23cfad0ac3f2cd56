/**
 * Value equality for sets of records. An Immutable.js Set compares plain objects and arrays by reference, so
 * `msgs.add({ type: '1a', bal: 0 })` twice holds the message twice, and `msgs.has({ type: '1a', bal: 0 })` is
 * false even when it is there. TLA+'s `msgs \cup {m}` is idempotent: these helpers give that meaning.
 */
import { is, type Set as ISet } from 'immutable';

/** Equality as values: primitives by `===` (-0 is 0), plain arrays and objects field by field, Immutable values by `is`. */
export function equalValues(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equalValues(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const pa = Object.getPrototypeOf(a), pb = Object.getPrototypeOf(b);
  if (pa === Object.prototype && pb === Object.prototype) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.hasOwn(b, k) || !equalValues((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    return true;
  }
  return is(a, b);
}

/** True when `set` holds an element equal to `x` as a value (TLA+ `x \in set` for records and tuples). */
export function hasValue<T>(set: ISet<T>, x: T): boolean {
  if (set.has(x)) return true;
  if (x === null || typeof x !== 'object') return false;
  for (const y of set) if (equalValues(x, y)) return true;
  return false;
}

/** `set` with `x` added unless an equal value is already in it (TLA+ `set \cup {x}`). */
export function addValue<T>(set: ISet<T>, x: T): ISet<T> {
  return hasValue(set, x) ? set : set.add(x);
}
