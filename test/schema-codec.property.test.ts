/**
 * Canonical-form property tests of the schema codec's structured collections (issue 9, part 3), on random
 * schemas: records, tuples, unions and enums, in sets (both the bitset and the sorted form), maps, lists and
 * sequences, nested. For every random schema and value:
 *
 * - any insertion order gives one encoding, hence one fingerprint: the value is rebuilt with every Set and Map
 *   in another insertion order and every plain object with its keys in another order;
 * - decode(encode(x)) equals x: Immutable's `is` on both converted deeply to Immutable values (plain objects to
 *   Maps, arrays to Lists), since `is` alone compares plain objects by reference;
 * - the encoding is injective: two values that differ as values encode differently;
 * - and it agrees with the generic codec, a separate implementation of the same value equality.
 *
 * The independent source is the value equality of TLA+ (sets and functions are equal when their elements are),
 * written here as `normal`, which shares no code with the codec.
 */
import fc from 'fast-check';
import { is, List, Map as IMap, Set as ISet } from 'immutable';
import { describe, expect, it } from 'vitest';
import { Fingerprinter } from '../checker/codec/fingerprint.ts';
import { GenericCodec } from '../checker/codec/generic.ts';
import { SchemaCodec } from '../checker/codec/schema-codec.ts';
import { t, type Schema } from '../src/schema.ts';

// ---- random schemas ----

const leaf: fc.Arbitrary<Schema> = fc.oneof(
  fc.tuple(fc.integer({ min: -3, max: 3 }), fc.nat(5)).map(([min, span]) => t.int(min, min + span)),
  fc.constant(t.bool()),
  fc.uniqueArray(fc.constantFrom<string | number | boolean | null>('a', 'b', 'c', 'x y', 0, 7, true, null), { minLength: 1, maxLength: 4 })
    .map((vs) => t.enum(...vs)),
);

/** Element schemas: records, tuples and unions of them, over leaves and (at depth) collections. */
const element = fc.letrec<{ el: Schema; coll: Schema }>((tie) => ({
  el: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.uniqueArray(fc.constantFrom('type', 'bal', 'acc', 'v', 'w'), { minLength: 1, maxLength: 3 })
      .chain((names) => fc.tuple(...names.map(() => tie('el'))).map((fs) => t.record(Object.fromEntries(names.map((n, i) => [n, fs[i]!]))))),
    fc.array(tie('el'), { minLength: 1, maxLength: 3 }).map((es) => t.tuple(...es)),
    fc.array(tie('el'), { minLength: 1, maxLength: 3 }).map((vs) => t.union(...vs)),
    tie('coll'),
  ),
  coll: fc.oneof({ depthSize: 'small' },
    // maxSize always given, so that wide elements take the sorted form; narrow ones pick the smaller form.
    fc.tuple(tie('el'), fc.integer({ min: 0, max: 4 })).map(([e, m]) => t.set(e, { maxSize: m })),
    fc.tuple(tie('el'), fc.integer({ min: 0, max: 3 })).map(([e, m]) => t.seq(e, m)),
    fc.tuple(tie('el'), fc.integer({ min: 0, max: 3 })).map(([e, m]) => t.list(e, m)),
    fc.tuple(fc.uniqueArray(fc.constantFrom('k', 'l', 1, 2), { minLength: 1, maxLength: 3 }), tie('el')).map(([ks, v]) => t.map(ks, v)),
  ),
})).el;

/** A state schema: a record holding structured collections. */
const stateSchema: fc.Arbitrary<Schema> = fc.array(element, { minLength: 1, maxLength: 3 })
  .map((fs) => t.record(Object.fromEntries(fs.map((f, i) => [`f${i}`, i === 0 && f.kind !== 'setOf' ? t.set(f, { maxSize: 3 }) : f]))));

// ---- the independent value equality ----

/** A string equal for two values exactly when they are equal as TLA+ values (sets and maps unordered). */
function normal(x: unknown): string {
  if (x === null || typeof x !== 'object') return JSON.stringify(Object.is(x, -0) ? 0 : x);
  if (Array.isArray(x)) return `[${x.map(normal).join(',')}]`;
  if (List.isList(x)) return `L[${[...(x as List<unknown>)].map(normal).join(',')}]`;
  if (ISet.isSet(x)) return `S{${[...(x as ISet<unknown>)].map(normal).sort().join(',')}}`;
  if (IMap.isMap(x)) return `M{${[...(x as IMap<unknown, unknown>)].map(([k, v]) => `${normal(k)}:${normal(v)}`).sort().join(',')}}`;
  return `{${Object.keys(x).sort().map((k) => `${JSON.stringify(k)}:${normal((x as Record<string, unknown>)[k])}`).join(',')}}`;
}

/**
 * The value with plain objects as Immutable Maps and arrays as Lists, so that `is` compares it as a value (an
 * Immutable List is wrapped, to stay distinct from a plain array).
 */
function deepImmutable(x: unknown): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return List(x.map(deepImmutable));
  if (List.isList(x)) return IMap([['an Immutable List', List([...(x as List<unknown>)].map(deepImmutable))]]);
  if (ISet.isSet(x)) return ISet([...(x as ISet<unknown>)].map(deepImmutable));
  if (IMap.isMap(x)) return IMap([...(x as IMap<unknown, unknown>)].map(([k, v]) => [deepImmutable(k), deepImmutable(v)]));
  return IMap(Object.entries(x).map(([k, v]) => [k, deepImmutable(v)]));
}

// ---- random values of a schema ----

/** Values of `s`; sets hold no two equal elements (by `normal`), as the codec requires. */
function valueOf(s: Schema): fc.Arbitrary<unknown> {
  switch (s.kind) {
    case 'int': return fc.integer({ min: s.min, max: s.max });
    case 'bool': return fc.boolean();
    case 'enum': return fc.constantFrom(...s.values);
    case 'record': {
      const names = Object.keys(s.fields);
      return fc.tuple(...names.map((n) => valueOf(s.fields[n]!))).map((vs) => Object.fromEntries(names.map((n, i) => [n, vs[i]])));
    }
    case 'tuple': return fc.tuple(...s.elements.map(valueOf));
    case 'union': return fc.oneof(...s.variants.map(valueOf));
    case 'array': return fc.array(valueOf(s.element), { minLength: s.length, maxLength: s.length });
    case 'seq': return fc.array(valueOf(s.element), { maxLength: s.maxLength });
    case 'list': return fc.array(valueOf(s.element), { maxLength: s.maxLength }).map((a) => List(a));
    case 'setOf': return fc.uniqueArray(valueOf(s.element), { maxLength: s.maxSize ?? 6, selector: normal }).map((a) => ISet(a));
    case 'set': return fc.subarray([...s.domain]).map((a) => ISet(a));
    case 'map': return fc.tuple(fc.subarray([...s.keys]), fc.array(valueOf(s.value), { minLength: s.keys.length, maxLength: s.keys.length }))
      .map(([ks, vs]) => IMap(ks.map((k, i) => [k, vs[i]])));
  }
}

/** The same value built another way: sets and maps in reversed insertion order, object keys reversed. */
function rebuilt(x: unknown): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map(rebuilt);
  if (List.isList(x)) return (x as List<unknown>).map(rebuilt);
  if (ISet.isSet(x)) return ISet([...(x as ISet<unknown>)].reverse().map(rebuilt));
  if (IMap.isMap(x)) return IMap([...(x as IMap<unknown, unknown>)].reverse().map(([k, v]) => [k, rebuilt(v)]));
  return Object.fromEntries(Object.entries(x).reverse().map(([k, v]) => [k, rebuilt(v)]));
}

const schemaAndValues = stateSchema.chain((s) => fc.tuple(fc.constant(s), valueOf(s), valueOf(s)));

const encodingOf = (c: { encode(x: unknown): number; buf: Int32Array }, x: unknown): number[] => Array.from(c.buf.subarray(0, c.encode(x)));

function fingerprintOf(words: number[]): string {
  const f = new Fingerprinter();
  f.hash(Int32Array.from(words), 0, words.length);
  return `${f.high}:${f.low}`;
}

const runs = { numRuns: 300 };

describe('schema codec: structured collections are canonical', () => {
  it('any insertion order gives one encoding and one fingerprint', () => {
    fc.assert(fc.property(schemaAndValues, ([s, x]) => {
      const c = new SchemaCodec(s);
      const a = encodingOf(c, x);
      const b = encodingOf(c, rebuilt(x));
      expect(b).toEqual(a);
      expect(fingerprintOf(b)).toBe(fingerprintOf(a));
    }), runs);
  });

  it('decode(encode(x)) equals x (Immutable is, on both made Immutable deeply)', () => {
    fc.assert(fc.property(schemaAndValues, ([s, x]) => {
      const c = new SchemaCodec(s);
      const n = c.encode(x);
      const back = c.decode(c.buf.slice(0, n), 0, n);
      expect(is(deepImmutable(back), deepImmutable(x)), `${normal(back)}\n${normal(x)}`).toBe(true);
      // and the decoded value encodes to the same words (what the next expansion fingerprints)
      expect(encodingOf(c, back)).toEqual(encodingOf(c, x));
    }), runs);
  });

  it('two values encode the same exactly when they are equal as values', () => {
    fc.assert(fc.property(schemaAndValues, ([s, x, y]) => {
      const c = new SchemaCodec(s);
      expect(encodingOf(c, x).join() === encodingOf(c, y).join()).toBe(normal(x) === normal(y));
    }), runs);
  });

  it('agrees with the generic codec on which values are equal', () => {
    fc.assert(fc.property(schemaAndValues, ([s, x, y]) => {
      const c = new SchemaCodec(s);
      const g = new GenericCodec();
      const same = encodingOf(c, x).join() === encodingOf(c, y).join();
      expect(encodingOf(g, x).join() === encodingOf(g, y).join()).toBe(same);
    }), runs);
  });

  it('a set with two equal elements is refused, naming the element', () => {
    fc.assert(fc.property(stateSchema.chain((s) => fc.tuple(fc.constant(s), valueOf(s))), ([s, x]) => {
      const f0 = (s as { fields: Record<string, Schema> }).fields.f0!;
      const set = (x as Record<string, ISet<unknown>>).f0!;
      if (f0.kind !== 'setOf' || set.size === 0 || (f0.maxSize !== undefined && set.size >= f0.maxSize)) return;
      const first = set.first();
      // A copy of a plain object or array is a second element of an Immutable Set; of a primitive or an Immutable
      // value, the same element.
      if (!Array.isArray(first) && (first === null || typeof first !== 'object' || Object.getPrototypeOf(first) !== Object.prototype)) return;
      const copy = rebuilt(first);
      const c = new SchemaCodec(s);
      expect(() => c.encode({ ...(x as object), f0: set.add(copy) })).toThrow(/state\.f0: .* holds the element .* twice/);
    }), runs);
  });
});
