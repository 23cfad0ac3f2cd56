/**
 * Typed state schemas. A spec that declares the shape of its state gets two things: every state is checked
 * against the schema (a free TypeOK), and the engine encodes states with a compiled, bit-packed codec instead
 * of the generic canonical one (see docs/design.md). Each constructor returns a plain descriptor; the checker
 * compiles it (checker/codec/schema-codec.ts). The `__type` field is a phantom that carries the TypeScript type
 * of the values the schema accepts, so `Infer<typeof schema>` gives the state type.
 */
import type { List as IList, Map as IMap, Set as ISet } from 'immutable';

/** A JSON primitive that may appear in an enum. */
export type EnumValue = string | number | boolean | null;

export interface IntSchema { readonly kind: 'int'; readonly min: number; readonly max: number; readonly __type?: number }
export interface BoolSchema { readonly kind: 'bool'; readonly __type?: boolean }
export interface EnumSchema<V extends EnumValue = EnumValue> {
  readonly kind: 'enum'; readonly values: readonly V[]; readonly __type?: V;
}
export interface RecordSchema<F extends Record<string, Schema> = Record<string, Schema>> {
  readonly kind: 'record'; readonly fields: F; readonly __type?: { [K in keyof F]: Infer<F[K]> };
}
export interface ArraySchema<E extends Schema = Schema> {
  readonly kind: 'array'; readonly element: E; readonly length: number; readonly __type?: Infer<E>[];
}
export interface ListSchema<E extends Schema = Schema> {
  readonly kind: 'list'; readonly element: E; readonly maxLength: number; readonly __type?: IList<Infer<E>>;
}
export interface MapSchema<K extends EnumValue = EnumValue, V extends Schema = Schema> {
  readonly kind: 'map'; readonly keys: readonly K[]; readonly value: V; readonly __type?: IMap<K, Infer<V>>;
}
export interface SetSchema<V extends EnumValue = EnumValue> {
  readonly kind: 'set'; readonly domain: readonly V[]; readonly __type?: ISet<V>;
}

/** A plain JS array of exactly these elements, each with its own schema (TLA+ `<<a, b>>` in `A \X B`). */
// The defaults are `any[]`: with `Schema[]`, the type Schema would be defined through Infer<Schema> (infinitely).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface TupleSchema<E extends readonly Schema[] = readonly any[]> {
  readonly kind: 'tuple'; readonly elements: E; readonly __type?: InferTuple<E>;
}
/** A value that fits one of the variants (TLA+ `[type: {"1a"}, ...] \cup [type: {"1b"}, ...]`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface UnionSchema<V extends readonly Schema[] = readonly any[]> {
  readonly kind: 'union'; readonly variants: V; readonly __type?: Infer<V[number]>;
}
/** An Immutable.js Set of structured elements (records, tuples, unions...), with an optional bound on its size. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface SetOfSchema<E extends Schema = any> {
  readonly kind: 'setOf'; readonly element: E; readonly maxSize: number | undefined; readonly __type?: ISet<Infer<E>>;
}
/** A plain JS array of at most `maxLength` elements (a bounded TLA+ sequence). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface SeqSchema<E extends Schema = any> {
  readonly kind: 'seq'; readonly element: E; readonly maxLength: number; readonly __type?: InferSeq<E>;
}

export type Schema =
  | IntSchema | BoolSchema | EnumSchema | RecordSchema | ArraySchema | ListSchema | MapSchema | SetSchema
  | TupleSchema | UnionSchema | SetOfSchema | SeqSchema;

/** The values of a primitive schema. */
export type PrimValue<S extends PrimitiveSchema> =
  S extends EnumSchema<infer V> ? V : S extends IntSchema ? number : S extends BoolSchema ? boolean : never;

/** A schema whose values are primitives from a finite list: usable as a map's keys or a set's domain. */
export type PrimitiveSchema = IntSchema | BoolSchema | EnumSchema;

/** The element types of a tuple schema (a conditional type, so that it is computed only when asked for). */
export type InferTuple<E> = E extends readonly unknown[] ? { -readonly [I in keyof E]: Infer<E[I]> } : never;

/** The values of a seq schema (a conditional type, computed only when asked for). */
export type InferSeq<E> = E extends unknown ? Infer<E>[] : never;

/** The TypeScript type of the values a schema accepts. */
export type Infer<S> = S extends { readonly __type?: infer T } ? T : never;

function checkDomain(what: string, values: readonly EnumValue[]): void {
  if (values.length === 0) throw new Error(`${what}: the domain must not be empty`);
  const seen = new Set<EnumValue>();
  for (const v of values) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`${what}: ${v} is not a finite number`);
    if (seen.has(v)) throw new Error(`${what}: ${JSON.stringify(v)} appears twice in the domain`);
    seen.add(v);
  }
}

/** Above this many values, an int schema is not turned into a domain list (t.set(t.int(...)), t.map(t.int(...), v)). */
const MAX_DOMAIN_LIST = 2 ** 16;

const kindOf = (x: unknown): unknown => (x !== null && typeof x === 'object' ? (x as { kind?: unknown }).kind : undefined);

// (Not a type guard: narrowing a generic by the union of all schemas is too deep for the compiler.)
function isSchema(x: unknown): boolean {
  const k = kindOf(x);
  return typeof k === 'string' && ['int', 'bool', 'enum', 'record', 'array', 'list', 'map', 'set', 'tuple', 'union', 'setOf', 'seq'].includes(k);
}

/** The values of a primitive schema as a list (its index is the value's position), or undefined for others. */
function domainOf(s: Schema): EnumValue[] | undefined {
  switch (s.kind) {
    case 'bool': return [false, true];
    case 'enum': return [...s.values];
    case 'int': {
      if (s.max - s.min + 1 > MAX_DOMAIN_LIST) return undefined;
      const out: number[] = [];
      for (let i = s.min; i <= s.max; i++) out.push(i);
      return out;
    }
    default: return undefined;
  }
}

function describeArg(x: unknown): string {
  const k = kindOf(x);
  if (typeof k === 'string') return `a ${k} schema`;
  if (Array.isArray(x)) return 'an array';
  return x === null ? 'null' : typeof x;
}

function set<const V extends EnumValue>(domain: readonly V[]): SetSchema<V>;
function set<S extends PrimitiveSchema>(element: S): SetSchema<PrimValue<S>>;
function set<E extends Schema>(element: E, options?: { readonly maxSize?: number }): SetOfSchema<E>;
function set(arg: readonly EnumValue[] | Schema, options?: { readonly maxSize?: number }): SetSchema | SetOfSchema {
  // (Array.isArray on `unknown`: narrowing the union of schemas by it is too deep for the compiler.)
  if (Array.isArray(arg as unknown)) {
    if (options !== undefined) throw new Error('t.set(domain, options): options are for a set of structured elements (t.set(t.record(...), { maxSize }))');
    checkDomain('t.set', arg as readonly EnumValue[]);
    return { kind: 'set', domain: arg as readonly EnumValue[] };
  }
  if (!isSchema(arg)) throw new Error(`t.set: expected a list of values or an element schema, got ${describeArg(arg)}`);
  const maxSize = options?.maxSize;
  if (maxSize !== undefined && (!Number.isInteger(maxSize) || maxSize < 0)) {
    throw new Error(`t.set: maxSize ${maxSize} is not a natural number`);
  }
  // A set of primitives is the compact domain form (one bit per value), whatever way it is written.
  const domain = maxSize === undefined ? domainOf(arg as Schema) : undefined;
  if (domain) return { kind: 'set', domain };
  return { kind: 'setOf', element: arg as Schema, maxSize };
}

function map<const K extends EnumValue, V extends Schema>(keys: readonly K[], value: V): MapSchema<K, V>;
function map<KS extends PrimitiveSchema, V extends Schema>(keys: KS, value: V): MapSchema<PrimValue<KS>, V>;
function map(keys: readonly EnumValue[] | Schema, value: Schema): MapSchema {
  if (!isSchema(value)) throw new Error(`t.map: the value must be a schema, got ${describeArg(value)}`);
  if (Array.isArray(keys as unknown)) {
    checkDomain('t.map', keys as readonly EnumValue[]);
    return { kind: 'map', keys: keys as readonly EnumValue[], value };
  }
  const ks = keys as Schema;
  if (!isSchema(ks)) throw new Error(`t.map: expected a list of keys or a key schema, got ${describeArg(ks)}`);
  const domain = domainOf(ks);
  if (!domain) {
    throw new Error(ks.kind === 'int'
      ? `t.map: the key schema t.int(${ks.min}, ${ks.max}) has more than ${MAX_DOMAIN_LIST} values; give the keys as a list`
      : `t.map: the keys must be primitive values (a list, t.enum, t.int or t.bool), not ${describeArg(ks)}: an Immutable Map `
        + 'compares object and array keys by reference, so get() could not find a record or tuple key. Key the map by a '
        + 'string or number, or nest maps (t.map(P, t.map(Q, value)))');
  }
  return { kind: 'map', keys: domain, value };
}

/** Schema constructors: `t.record({ pc: t.array(t.int(0, 4), 3) })`. */
export const t = {
  /** An integer in min..max (both inclusive). */
  int(min: number, max: number): IntSchema {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min > max) {
      throw new Error(`t.int(${min}, ${max}): bounds must be integers with min <= max`);
    }
    if (min < -(2 ** 31) || max > 2 ** 31 - 1 || max - min >= 2 ** 31) {
      throw new Error(`t.int(${min}, ${max}): bounds must be 32-bit integers, fewer than 2^31 values apart`);
    }
    return { kind: 'int', min, max };
  },
  bool(): BoolSchema {
    return { kind: 'bool' };
  },
  /** One of a fixed list of primitive values (strings, numbers, booleans, null). */
  enum<const V extends EnumValue>(...values: V[]): EnumSchema<V> {
    checkDomain('t.enum', values);
    return { kind: 'enum', values };
  },
  /** A plain object with exactly these fields. */
  record<const F extends Record<string, Schema>>(fields: F): RecordSchema<F> {
    return { kind: 'record', fields };
  },
  /** A plain JS array of exactly `length` elements. */
  array<E extends Schema>(element: E, length: number): ArraySchema<E> {
    if (!Number.isInteger(length) || length < 0) throw new Error(`t.array: length ${length} is not a natural number`);
    return { kind: 'array', element, length };
  },
  /** An Immutable.js List of at most `maxLength` elements. */
  list<E extends Schema>(element: E, maxLength: number): ListSchema<E> {
    if (!Number.isInteger(maxLength) || maxLength < 0) throw new Error(`t.list: maxLength ${maxLength} is not a natural number`);
    return { kind: 'list', element, maxLength };
  },
  /**
   * An Immutable.js Map whose keys come from a finite domain (any subset of keys may be present): a list of
   * primitive keys, or a primitive schema (`t.enum(...)`, `t.int(0, 3)`, `t.bool()`) standing for its values.
   */
  map,
  /**
   * An Immutable.js Set. `t.set([...values])` (or `t.set(t.enum(...))`, `t.set(t.int(a, b))`): elements from a list
   * of primitives, one bit each. `t.set(elementSchema, { maxSize })`: structured elements (records, tuples,
   * unions...), encoded as a bitset over the element's encodings when they are few, else as the sorted encodings
   * of at most `maxSize` elements (see docs/design.md).
   */
  set,
  /** A plain JS array of exactly these elements, each with its own schema: `t.tuple(t.int(0, 2), t.enum('a', 'b'))`. */
  tuple<const E extends readonly Schema[]>(...elements: E): TupleSchema<E> {
    for (const [i, e] of elements.entries()) if (!isSchema(e)) throw new Error(`t.tuple: element ${i} is ${describeArg(e)}, not a schema`);
    return { kind: 'tuple', elements };
  },
  /**
   * A value that fits one of the variants, tried in order (a value that fits several is encoded as the first,
   * so the encoding stays canonical). Message types: `t.union(t.record({ type: t.enum('1a'), bal: B }), ...)`.
   */
  union<const V extends readonly Schema[]>(...variants: V): UnionSchema<V> {
    if (variants.length === 0) throw new Error('t.union: give at least one variant');
    for (const [i, v] of variants.entries()) if (!isSchema(v)) throw new Error(`t.union: variant ${i} is ${describeArg(v)}, not a schema`);
    return { kind: 'union', variants };
  },
  /** A plain JS array of at most `maxLength` elements (a TLA+ sequence with a bound on its length). */
  seq<E extends Schema>(element: E, maxLength: number): SeqSchema<E> {
    if (!Number.isInteger(maxLength) || maxLength < 0) throw new Error(`t.seq: maxLength ${maxLength} is not a natural number`);
    if (!isSchema(element)) throw new Error(`t.seq: the element must be a schema, got ${describeArg(element)}`);
    return { kind: 'seq', element, maxLength };
  },
} as const;
