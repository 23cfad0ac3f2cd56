/**
 * The canonical state encodings and the fingerprint.
 *
 * - GenericCodec: values equal as values encode to the same words however they were built (object key order,
 *   Immutable Map/Set insertion order, -0 vs 0, nesting), and values that differ encode differently. The
 *   independent notion of "equal as values" is the reference search's canonical string (test/reference-search.ts)
 *   and Immutable's own `is`.
 * - SchemaCodec: every schema kind round-trips, including the edge values of each range; values outside the
 *   schema are refused with the path.
 * - Fingerprinter: no collisions among 200k distinct small encodings.
 */
import fc from 'fast-check';
import { is, List, Map as IMap, OrderedMap, OrderedSet, Record as IRecord, Set as ISet } from 'immutable';
import { describe, expect, it } from 'vitest';
import { GenericCodec } from '../checker/codec/generic.ts';
import { SchemaCodec } from '../checker/codec/schema-codec.ts';
import { EncodeError } from '../checker/errors.ts';
import { Fingerprinter } from '../checker/codec/fingerprint.ts';
import { t, type Schema } from '../src/schema.ts';
import { canonical } from './reference-search.ts';

function words(codec: { encode(v: unknown): number; buf: Int32Array }, v: unknown): number[] {
  const n = codec.encode(v);
  return Array.from(codec.buf.subarray(0, n));
}
const generic = (v: unknown) => words(new GenericCodec(), v);

function fingerprint(w: ArrayLike<number>): string {
  const f = new Fingerprinter();
  f.hash(Int32Array.from(w), 0, w.length);
  return `${f.high}:${f.low}`;
}

function encodeError(codec: { encode(v: unknown): number }, v: unknown): EncodeError {
  try {
    codec.encode(v);
  } catch (e) {
    if (e instanceof EncodeError) return e;
    throw e;
  }
  throw new Error(`expected an EncodeError for ${String(canonicalOrType(v))}`);
}
function canonicalOrType(v: unknown): string {
  try { return canonical(v); } catch { return typeof v; }
}

// ---------------------------------------------------------------------------------------------------------------
// Generic codec
// ---------------------------------------------------------------------------------------------------------------

describe('GenericCodec: equal values, equal encodings', () => {
  const pairs: [string, unknown, unknown][] = [
    ['object key order', { a: 1, b: 'x', c: [true] }, { c: [true], b: 'x', a: 1 }],
    ['Map insertion order', IMap([[1, 'a'], [2, 'b'], [3, 'c']]), IMap([[3, 'c'], [1, 'a'], [2, 'b']])],
    ['Map built by set/delete', IMap<number, string>().set(9, 'z').set(2, 'b').set(1, 'a').delete(9), IMap([[1, 'a'], [2, 'b']])],
    ['Set insertion order', ISet([3, 1, 2]), ISet([2, 3, 1])],
    ['Set built by add/remove', ISet<string>().add('q').add('b').add('a').remove('q'), ISet(['a', 'b'])],
    ['Set of mixed primitives', ISet([1, '1', true, null, 'a']), ISet(['a', null, true, '1', 1])],
    ['-0 vs 0', { x: -0, y: [-0] }, { x: 0, y: [0] }],
    ['-0 vs 0 in a Set and as a Map key', ISet([-0, 1]), ISet([1, 0])],
    ['Set of Sets', ISet([ISet([1, 2]), ISet([3])]), ISet([ISet([3]), ISet([2, 1])])],
    ['Map of Sets with object values', IMap([['k', ISet([1, 2])], ['j', ISet<number>()]]), IMap([['j', ISet<number>()], ['k', ISet([2, 1])]])],
    [
      'nested: objects in arrays in Maps in objects',
      { m: IMap([['p', [{ a: 1, b: 2 }]], ['q', []]]), l: List([{ y: 1, x: 0 }]) },
      { l: List([{ x: 0, y: 1 }]), m: IMap([['q', []], ['p', [{ b: 2, a: 1 }]]]) },
    ],
    ['Map with string keys that sort differently as text and as words', IMap([['b', 1], ['ab', 2], ['a', 3]]), IMap([['a', 3], ['b', 1], ['ab', 2]])],
    ['Map with 50 entries, reversed', IMap(Array.from({ length: 50 }, (_, i) => [i * 7919 % 101, i])), IMap(Array.from({ length: 50 }, (_, i) => [(49 - i) * 7919 % 101, 49 - i]))],
  ];
  for (const [name, a, b] of pairs) {
    it(name, () => {
      // The independent notion of "the same value" agrees first:
      expect(canonical(a)).toBe(canonical(b));
      expect(generic(a)).toEqual(generic(b));
      expect(fingerprint(generic(a))).toBe(fingerprint(generic(b)));
    });
  }
});

describe('GenericCodec: different values, different encodings', () => {
  const Point = IRecord({ x: 0, y: 0 }, 'Point');
  const values: [string, unknown][] = [
    ['[1,2]', [1, 2]],
    ['[2,1]', [2, 1]],
    ['List [1,2]', List([1, 2])],
    ['List [2,1]', List([2, 1])],
    ['Set {1,2}', ISet([1, 2])],
    ['OrderedSet {1,2}', OrderedSet([1, 2])],
    ['OrderedSet {2,1}', OrderedSet([2, 1])],
    ['Map {1:2}', IMap([[1, 2]])],
    ['Map {2:1}', IMap([[2, 1]])],
    ['OrderedMap {1:2}', OrderedMap([[1, 2]])],
    ['Map {1:2, 3:4}', IMap([[1, 2], [3, 4]])],
    ['Map {1:4, 3:2}', IMap([[1, 4], [3, 2]])],
    ['{a:1}', { a: 1 }],
    ["{a:'1'}", { a: '1' }],
    ['{b:1}', { b: 1 }],
    ['{a:null}', { a: null }],
    ['{}', {}],
    ['Point{x:0,y:0}', Point()],
    ['{x:0,y:0}', { x: 0, y: 0 }],
    ['Point{x:1,y:0}', Point({ x: 1 })],
    ['[]', []],
    ['[[]]', [[]]],
    ['[[1],[2]]', [[1], [2]]],
    ['[[1,2]]', [[1, 2]]],
    ["'ab'", 'ab'],
    ["['a','b']", ['a', 'b']],
    ["''", ''],
    ["'a'", 'a'],
    ["'a\\u0000'", 'a\u0000'],
    ["'\\u0000a'", '\u0000a'],
    ["'😀'", '😀'],
    ['null', null],
    ['0', 0],
    ['false', false],
    ['1', 1],
    ['true', true],
    ['1.5', 1.5],
    ['2^31', 2 ** 31],
    ['-2^31', -(2 ** 31)],
    ['2^31 - 1', 2 ** 31 - 1],
    ['1e-300', 1e-300],
    ['{a:{b:1}}', { a: { b: 1 } }],
    ['{a:{},b:1}', { a: {}, b: 1 }],
    ['Set {Set {1}, Set {2}}', ISet([ISet([1]), ISet([2])])],
    ['Set {Set {1, 2}}', ISet([ISet([1, 2])])],
  ];
  it('all pairwise different (words and fingerprints)', () => {
    const enc = new Map<string, string>();
    const fps = new Map<string, string>();
    for (const [name, v] of values) {
      const w = generic(v).join(',');
      expect(enc.has(w), `${name} encodes like ${enc.get(w)}`).toBe(false);
      enc.set(w, name);
      const f = fingerprint(generic(v));
      expect(fps.has(f), `${name} fingerprints like ${fps.get(f)}`).toBe(false);
      fps.set(f, name);
    }
  });

  it('the reference oracle agrees: ordered collections differ by order, plain ones do not', () => {
    const pairs: [unknown, unknown, boolean][] = [
      [OrderedSet([1, 2]), OrderedSet([2, 1]), false],
      [OrderedMap([[1, 'a'], [2, 'b']]), OrderedMap([[2, 'b'], [1, 'a']]), false],
      [ISet([1, 2]), ISet([2, 1]), true],
      [IMap([[1, 'a'], [2, 'b']]), IMap([[2, 'b'], [1, 'a']]), true],
      [OrderedSet([1, 2]), ISet([1, 2]), false],
    ];
    for (const [a, b, same] of pairs) {
      expect(is(a, b), 'Immutable equality').toBe(same);
      expect(canonical(a) === canonical(b), 'the reference canonical string').toBe(same);
      expect(JSON.stringify(generic(a)) === JSON.stringify(generic(b)), 'the generic codec').toBe(same);
    }
  });

  it('an OrderedSet or OrderedMap keeps its order (as Immutable equality does)', () => {
    expect(is(OrderedSet([1, 2]), OrderedSet([2, 1]))).toBe(false);
    expect(generic(OrderedSet([1, 2]))).not.toEqual(generic(OrderedSet([2, 1])));
    expect(generic(OrderedMap([[1, 'a'], [2, 'b']]))).not.toEqual(generic(OrderedMap([[2, 'b'], [1, 'a']])));
  });
});

describe('GenericCodec: refused values name the path', () => {
  class Page { constructor(readonly frame: number) {} }
  const cyclic: { self?: unknown } = {};
  cyclic.self = cyclic;
  const cases: [string, unknown, string, RegExp][] = [
    ['a function', { tlb: [{ page: () => 1 }] }, 'state.tlb[0].page', /function/],
    ['undefined', { tlb: [{ page: undefined }] }, 'state.tlb[0].page', /undefined/],
    ['NaN', { tlb: [{ page: NaN }] }, 'state.tlb[0].page', /NaN/],
    ['Infinity', { tlb: [{ page: Infinity }] }, 'state.tlb[0].page', /Infinity/],
    ['a symbol', { tlb: [{ page: Symbol('s') }] }, 'state.tlb[0].page', /symbol/],
    ['a bigint', { tlb: [{ page: 1n }] }, 'state.tlb[0].page', /bigint/],
    ['a class instance', { tlb: [{ page: new Page(1) }] }, 'state.tlb[0].page', /class Page/],
    ['a cycle', { tlb: [{ page: cyclic }] }, 'state.tlb[0].page', /cycle/],
    ['a function in a Map value', { m: IMap([['k', () => 1]]) }, 'state.m.k', /function/],
    ['a function in a List', { l: List([0, () => 1]) }, 'state.l[1]', /function/],
  ];
  for (const [name, v, path, problem] of cases) {
    it(name, () => {
      const e = encodeError(new GenericCodec(), v);
      expect(e.path.startsWith(path)).toBe(true);
      expect(e.problem).toMatch(problem);
    });
  }

  it('a deep but acyclic structure is not mistaken for a cycle', () => {
    let deep: unknown = 0;
    for (let i = 0; i < 200; i++) deep = { next: deep };
    const c = new GenericCodec();
    const w = words(c, deep);
    expect(canonical(c.decode(Int32Array.from(w), 0, w.length))).toBe(canonical(deep));
  });

  it('the same object twice (shared, not cyclic) is fine', () => {
    const shared = { a: 1 };
    expect(generic({ p: shared, q: shared })).toEqual(generic({ p: { a: 1 }, q: { a: 1 } }));
  });
});

describe('GenericCodec: round trips', () => {
  const Point = IRecord({ x: 0, y: 0 }, 'Point');
  const values: unknown[] = [
    { a: 1, b: -1, c: 2 ** 31, d: -(2 ** 31), e: 2 ** 31 - 1, f: 1.25, g: -1e-300, h: Number.MAX_VALUE },
    { s: '', t: 'héllo', u: '😀x', v: 'a\u0000b', w: 'odd' },
    [null, true, false, [], {}, [[]]],
    { l: List([1, 'a', List()]), m: IMap<unknown, unknown>([[1, 'a'], ['k', IMap([[null, false]])]]), s: ISet([3, 1, 'x', null]) },
    { om: OrderedMap([[2, 'b'], [1, 'a']]), os: OrderedSet(['z', 'a']) },
    { p: Point({ x: 3 }), ps: ISet([Point({ y: 1 }), Point()]) },
  ];
  for (const v of values) {
    it(canonical(v).slice(0, 60), () => {
      const c = new GenericCodec();
      const w = words(c, v);
      const back = c.decode(Int32Array.from(w), 0, w.length);
      expect(canonical(back)).toBe(canonical(v));
      expect(words(c, back)).toEqual(w);
    });
  }

  it('a Record comes back as an instance of its own factory', () => {
    const c = new GenericCodec();
    const v = Point({ x: 5, y: 6 });
    const w = words(c, v);
    const back = c.decode(Int32Array.from(w), 0, w.length);
    expect(back).toBeInstanceOf(Point);
    expect(is(back, v)).toBe(true);
  });

  it('OrderedMap and OrderedSet come back with their order and their type', () => {
    const c = new GenericCodec();
    const v = { om: OrderedMap([[2, 'b'], [1, 'a']]), os: OrderedSet(['z', 'a']) };
    const w = words(c, v);
    const back = c.decode(Int32Array.from(w), 0, w.length) as typeof v;
    expect(OrderedMap.isOrderedMap(back.om) && is(back.om, v.om)).toBe(true);
    expect(OrderedSet.isOrderedSet(back.os) && is(back.os, v.os)).toBe(true);
  });
});

/** Random JSON-like values with Immutable collections (no Ordered*, which the reference's canonical conflates). */
const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom(0, -0, 2 ** 31, -(2 ** 31) - 1, 0.5, -2.25),
    fc.constantFrom('', 'a', 'b', 'ab', 'ba', '😀'),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'dd'), tie('v'), { maxKeys: 3 }),
    fc.array(tie('v'), { maxLength: 3 }).map((a) => List(a)),
    fc.uniqueArray(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom('x', 'y', null)), { maxLength: 4 }).map((a) => ISet(a)),
    fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 4 }), tie('v')), { maxLength: 3, selector: ([k]) => k }).map((e) => IMap(e)),
  ),
})).v;

/** The same value built another way: object keys reversed, Map/Set insertion reversed, 0 written as -0. */
function rebuild(v: unknown): unknown {
  if (v === 0) return -0;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(rebuild);
  if (List.isList(v)) return List((v as List<unknown>).toArray().map(rebuild));
  if (IMap.isMap(v)) return IMap([...(v as IMap<unknown, unknown>)].reverse().map(([k, x]) => [rebuild(k), rebuild(x)]));
  if (ISet.isSet(v)) return ISet([...(v as ISet<unknown>)].reverse().map(rebuild));
  const o = v as Record<string, unknown>;
  return Object.fromEntries(Object.keys(o).reverse().map((k) => [k, rebuild(o[k])]));
}

describe('GenericCodec: properties over random values', () => {
  it('a value rebuilt another way encodes the same', () => {
    fc.assert(fc.property(valueArb, (v) => {
      expect(generic(rebuild(v))).toEqual(generic(v));
    }), { numRuns: 500 });
  });

  it('two values encode the same exactly when the reference canonical strings agree', () => {
    fc.assert(fc.property(valueArb, valueArb, (a, b) => {
      const sameValue = canonical(a) === canonical(b);
      expect(generic(a).join(',') === generic(b).join(',')).toBe(sameValue);
    }), { numRuns: 1000 });
  });

  it('a successor sharing collections with the decoded parent encodes as a fresh codec encodes it', () => {
    // GenericCodec copies the words of collections its last decode built: kept collections, moved to other places
    // or nested in new ones, must give exactly the words of a codec that never decoded anything.
    fc.assert(fc.property(fc.array(valueArb, { minLength: 1, maxLength: 4 }), valueArb, fc.nat(), (parts, fresh, pick) => {
      const c = new GenericCodec();
      const parentValue = { parts: List(parts), extra: ISet([1, 2]) };
      const w = words(c, parentValue);
      const parent = c.decode(Int32Array.from(w), 0, w.length) as { parts: List<unknown>; extra: ISet<number> };
      const kept = parent.parts.get(pick % parts.length);
      const successors = [
        { ...parent, extra: parent.extra.add(3) },
        { parts: parent.parts.push(fresh), extra: parent.extra },
        { moved: [kept, parent.extra], parts: IMap([['k', parent.parts]]) },
        parent,
      ];
      for (const s of successors) expect(words(c, s)).toEqual(generic(s));
    }), { numRuns: 500 });
  });

  it('decode(encode(v)) is v, and encodes the same again', () => {
    fc.assert(fc.property(valueArb, (v) => {
      const c = new GenericCodec();
      const w = words(c, v);
      const back = c.decode(Int32Array.from(w), 0, w.length);
      expect(canonical(back)).toBe(canonical(v));
      expect(words(c, back)).toEqual(w);
    }), { numRuns: 500 });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Schema codec
// ---------------------------------------------------------------------------------------------------------------

const everyKind = t.record({
  small: t.int(-5, 5),
  negative: t.int(-(2 ** 31), -1), // 2^31 values: a 31-bit field
  positive: t.int(0, 2 ** 31 - 1), // likewise
  single: t.int(7, 7), // one value: a zero-width field
  flag: t.bool(),
  choice: t.enum<'a' | 'b' | null | 3 | true>('a', 'b', null, 3, true),
  rec: t.record({ x: t.int(0, 1), y: t.bool() }),
  arr: t.array(t.int(0, 3), 3),
  none: t.array(t.bool(), 0),
  list: t.list(t.enum('p', 'q'), 2),
  map: t.map(['k1', 'k2', 7], t.int(0, 9)),
  set: t.set(['u', 'v', 1, null]),
  nested: t.list(t.record({ m: t.map([0, 1], t.set(['a', 'b'])) }), 2),
});

/** Random values of a schema, and the extremes of every int. */
function arbOf(s: Schema): fc.Arbitrary<unknown> {
  switch (s.kind) {
    case 'int': return fc.oneof(fc.constantFrom(s.min, s.max), fc.integer({ min: s.min, max: s.max }));
    case 'bool': return fc.boolean();
    case 'enum': return fc.constantFrom(...s.values);
    case 'record': return fc.record(Object.fromEntries(Object.entries(s.fields).map(([k, f]) => [k, arbOf(f)])));
    case 'array': return fc.array(arbOf(s.element), { minLength: s.length, maxLength: s.length });
    case 'list': return fc.array(arbOf(s.element), { maxLength: s.maxLength }).map((a) => List(a));
    case 'map': return fc.subarray([...s.keys]).chain((keys) => fc.tuple(...keys.map((k) => arbOf(s.value).map((v) => [k, v] as const))))
      .map((entries) => IMap(entries as (readonly [unknown, unknown])[]));
    case 'set': return fc.subarray([...s.domain]).map((a) => ISet(a));
    // The structured kinds (tuple, union, setOf, seq) have their own tests: test/schema-codec.property.test.ts.
    default: throw new Error(`arbOf: no case for ${s.kind}`);
  }
}

/** An arbitrary that shuffles the insertion order of the Maps and Sets of a value. */
function shuffled(v: unknown, rnd: () => number): unknown {
  const shuffle = <T>(a: T[]) => { for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [a[i], a[j]] = [a[j]!, a[i]!]; } return a; };
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => shuffled(x, rnd));
  if (List.isList(v)) return List((v as List<unknown>).toArray().map((x) => shuffled(x, rnd)));
  if (IMap.isMap(v)) return IMap(shuffle([...(v as IMap<unknown, unknown>)].map(([k, x]) => [k, shuffled(x, rnd)] as [unknown, unknown])));
  if (ISet.isSet(v)) return ISet(shuffle([...(v as ISet<unknown>)]));
  const o = v as Record<string, unknown>;
  return Object.fromEntries(shuffle(Object.keys(o)).map((k) => [k, shuffled(o[k], rnd)]));
}

describe('SchemaCodec: round trips', () => {
  const codec = new SchemaCodec(everyKind);

  it('has a fixed width', () => {
    expect(codec.fixedWidth).toBeGreaterThan(0);
  });

  it('the extremes of every int, by hand', () => {
    const v = {
      small: -5, negative: -(2 ** 31), positive: 2 ** 31 - 1, single: 7, flag: true, choice: null,
      rec: { x: 1, y: false }, arr: [3, 0, 3], none: [], list: List(['q', 'p']),
      map: IMap<string | number, number>([[7, 9], ['k1', 0]]), set: ISet<string | number | null>([null, 1, 'v', 'u']),
      nested: List([{ m: IMap([[1, ISet(['b'])], [0, ISet<string>()]]) }]),
    };
    const w = words(codec, v);
    expect(w.length).toBe(codec.fixedWidth);
    const back = codec.decode(Int32Array.from(w), 0, w.length);
    expect(canonical(back)).toBe(canonical(v));
    const v2 = { ...v, small: 5, negative: -1, positive: 0, choice: true, list: List<string>(), map: IMap<string | number, number>(), set: ISet<string | number | null>() };
    const back2 = codec.decode(Int32Array.from(words(codec, v2)), 0, codec.fixedWidth);
    expect(canonical(back2)).toBe(canonical(v2));
  });

  it('random values: decode(encode(v)) is v, of the right collection types', () => {
    fc.assert(fc.property(arbOf(everyKind), (v) => {
      const w = words(codec, v);
      const back = codec.decode(Int32Array.from(w), 0, w.length) as Record<string, unknown>;
      expect(canonical(back)).toBe(canonical(v));
      expect(List.isList(back.list) && IMap.isMap(back.map) && ISet.isSet(back.set) && Array.isArray(back.arr)).toBe(true);
      expect(words(codec, back)).toEqual(w);
    }), { numRuns: 500 });
  });

  it('random values: the same value built in another order encodes the same; different values differently', () => {
    fc.assert(fc.property(arbOf(everyKind), arbOf(everyKind), fc.integer(), (a, b, seed) => {
      let x = seed >>> 0;
      const rnd = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 2 ** 32; };
      expect(words(codec, shuffled(a, rnd))).toEqual(words(codec, a));
      expect(words(codec, a).join(',') === words(codec, b).join(',')).toBe(canonical(a) === canonical(b));
    }), { numRuns: 500 });
  });

  it('a successor that keeps some of its decoded parent\'s collections encodes as a fresh codec encodes it', () => {
    // The codec remembers what its last decode built and encodes those objects from the parent's words: any mix of
    // kept and new fields must give the words of a codec that never decoded anything.
    const fields = ['list', 'map', 'set', 'nested', 'rec', 'arr'] as const;
    fc.assert(fc.property(arbOf(everyKind), arbOf(everyKind), fc.array(fc.boolean(), { minLength: fields.length, maxLength: fields.length }), (a, b, keep) => {
      const c = new SchemaCodec(everyKind);
      const parent = c.decode(Int32Array.from(words(c, a)), 0, c.fixedWidth) as Record<string, unknown>;
      const next: Record<string, unknown> = { ...(b as Record<string, unknown>) };
      fields.forEach((f, i) => { if (keep[i]) next[f] = parent[f]; });
      expect(words(c, next)).toEqual(words(new SchemaCodec(everyKind), next));
      // ... and equal sets decode to one object (the decode cache), still equal to the value.
      const again = c.decode(Int32Array.from(words(c, a)), 0, c.fixedWidth) as Record<string, unknown>;
      expect(again.set).toBe(parent.set);
    }), { numRuns: 500 });
  });

  it('-0 encodes like 0', () => {
    const s = t.record({ x: t.int(-1, 1) });
    const c = new SchemaCodec(s);
    expect(words(c, { x: -0 })).toEqual(words(c, { x: 0 }));
  });

  it('fields packed across word boundaries keep their values (31 + 2 + 31 + 1 bits)', () => {
    const s = t.record({ a: t.int(0, 2 ** 31 - 1), b: t.int(0, 3), c: t.int(-(2 ** 31), -1), d: t.bool() });
    const c = new SchemaCodec(s);
    for (const v of [
      { a: 2 ** 31 - 1, b: 3, c: -1, d: true },
      { a: 0, b: 0, c: -(2 ** 31), d: false },
      { a: 12345678, b: 2, c: -987654321, d: true },
    ]) {
      const w = words(c, v);
      expect(c.decode(Int32Array.from(w), 0, w.length)).toEqual(v);
    }
  });
});

describe('SchemaCodec: refusals', () => {
  const codec = new SchemaCodec(everyKind);
  const good = {
    small: 0, negative: -1, positive: 0, single: 7, flag: false, choice: 'a',
    rec: { x: 0, y: true }, arr: [0, 1, 2], none: [], list: List(['p']),
    map: IMap<string | number, number>([['k1', 1]]), set: ISet<string | number | null>(['u']),
    nested: List<unknown>(),
  };

  it('the good value is accepted (so each refusal below is due to its one change)', () => {
    expect(() => codec.encode(good)).not.toThrow();
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ['int above max', { small: 6 }, 'state.small', /-5\.\.5/],
    ['int below min', { small: -6 }, 'state.small', /-5\.\.5/],
    ['31-bit int above its max', { positive: 2 ** 31 }, 'state.positive', /0\.\.2147483647/],
    ['31-bit negative int at 0', { negative: 0 }, 'state.negative', /-2147483648\.\.-1/],
    ['the single-valued int off its value', { single: 6 }, 'state.single', /7\.\.7/],
    ['a non-integer', { small: 1.5 }, 'state.small', /integer/],
    ['a numeric string for an int', { small: '1' }, 'state.small', /integer/],
    ['a number for a bool', { flag: 1 }, 'state.flag', /boolean/],
    ['a value outside the enum', { choice: 'c' }, 'state.choice', /one of/],
    ['undefined for an enum', { choice: undefined }, 'state.choice', /one of/],
    ['an extra record key', { rec: { x: 0, y: true, z: 1 } }, 'state.rec', /z/],
    ['a missing record key', { rec: { x: 0 } }, 'state.rec', /y/],
    ['a renamed record key', { rec: { x: 0, w: true } }, 'state.rec', /w|y/],
    ['an array one too long', { arr: [0, 1, 2, 3] }, 'state.arr', /3 elements/],
    ['an array one too short', { arr: [0, 1] }, 'state.arr', /3 elements/],
    ['a List where an array is declared', { arr: List([0, 1, 2]) }, 'state.arr', /array/],
    ['an out-of-range array element', { arr: [0, 4, 0] }, 'state.arr[1]', /0\.\.3/],
    ['a List too long', { list: List(['p', 'q', 'p']) }, 'state.list', /at most 2/],
    ['an array where a List is declared', { list: ['p'] }, 'state.list', /List/],
    ['a List element outside its enum', { list: List(['p', 'r']) }, 'state.list[1]', /one of/],
    ['a Map key outside the domain', { map: IMap([['k3', 1]]) }, 'state.map', /k3/],
    ['a Map value out of range', { map: IMap([['k2', 10]]) }, 'state.map', /0\.\.9/],
    ['an OrderedMap where a Map is declared', { map: OrderedMap([['k1', 1]]) }, 'state.map', /Map/],
    ['a plain object where a Map is declared', { map: { k1: 1 } }, 'state.map', /Map/],
    ['a Set element outside the domain', { set: ISet(['u', 'w']) }, 'state.set', /w/],
    ['a JS Set where an Immutable Set is declared', { set: new Set(['u']) }, 'state.set', /Set/],
    ['an array where a Set is declared', { set: ['u'] }, 'state.set', /Set/],
    ['a nested Set element outside its domain', { nested: List([{ m: IMap([[0, ISet(['c'])]]) }]) }, 'state.nested[0].m', /c/],
  ];
  for (const [name, change, path, problem] of bad) {
    it(name, () => {
      const e = encodeError(codec, { ...good, ...change });
      expect(e.path.startsWith(path), `path ${e.path}`).toBe(true);
      expect(e.problem).toMatch(problem);
    });
  }

  // An OrderedSet is not the same value as a Set (Immutable's `is` says so, and the generic codec encodes them
  // differently), so a schema that declares a Set refuses it, as it refuses an OrderedMap for a Map.
  it('an OrderedSet where a Set is declared', () => {
    expect(is(ISet(['u']), OrderedSet(['u']))).toBe(false);
    const e = encodeError(codec, { ...good, set: OrderedSet(['u']) });
    expect(e.path).toBe('state.set');
  });

  it('not a record at all', () => {
    for (const v of [null, [], 42, 'state']) expect(() => codec.encode(v)).toThrow(EncodeError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Fingerprints
// ---------------------------------------------------------------------------------------------------------------

describe('Fingerprinter', () => {
  /**
   * Over 200,000 distinct encodings: every 1-word encoding [i] for i in -50,000..49,999, every 2-word [i, j] for
   * i, j in 0..316, runs of 0 and of -1 of every length up to 64 (inputs that differ only in length), and single
   * set bits at the end of 1..4 zero words.
   *
   * Birthday bound: for n distinct inputs and an ideal 64-bit hash, P(any collision) ≈ n² / 2^65
   * = (2.0e5)² / 3.7e19 ≈ 1.1e-9. So a single collision means a defect of the hash, not bad luck.
   * For each 32-bit half alone the expected number of colliding pairs is n² / 2^33 ≈ 4.7 (Poisson), so more
   * than 25 in either half (P < 1e-10 for an ideal hash) means that half is badly mixed.
   */
  it('no collisions among 200k distinct small encodings; each half collides as often as chance says', () => {
    const byKey = new Map<string, number[]>();
    const add = (w: number[]) => byKey.set(`${w.length}:${w.join(',')}`, w);
    for (let i = -50_000; i < 50_000; i++) add([i]);
    for (let i = 0; i <= 316; i++) for (let j = 0; j <= 316; j++) add([i, j]);
    for (let k = 0; k <= 64; k++) { add(new Array(k).fill(0)); add(new Array(k).fill(-1)); }
    for (let b = 0; b < 32; b++) for (let k = 1; k <= 4; k++) add(Array.from({ length: k }, (_, i) => (i === k - 1 ? 1 << b : 0)));
    const inputs = [...byKey.values()];
    expect(inputs.length).toBeGreaterThan(200_000);

    const f = new Fingerprinter();
    const full = new Set<bigint>();
    const highs = new Set<number>();
    const lows = new Set<number>();
    const buf = new Int32Array(64);
    for (const w of inputs) {
      buf.set(w);
      f.hash(buf, 0, w.length);
      expect(f.high !== 0 || f.low !== 0).toBe(true); // (0, 0) is the seen-set's empty slot
      full.add((BigInt(f.high >>> 0) << 32n) | BigInt(f.low >>> 0));
      highs.add(f.high);
      lows.add(f.low);
    }
    expect(full.size).toBe(inputs.length);
    expect(inputs.length - highs.size).toBeLessThanOrEqual(25);
    expect(inputs.length - lows.size).toBeLessThanOrEqual(25);
  });

  it('hashes only the given range of the buffer', () => {
    const a = new Fingerprinter();
    const b = new Fingerprinter();
    a.hash(Int32Array.from([9, 1, 2, 9]), 1, 2);
    b.hash(Int32Array.from([1, 2]), 0, 2);
    expect([a.high, a.low]).toEqual([b.high, b.low]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Schema codec: large schemas (loop form above 256 unrolled nodes, record groups above 4096, limits)
// ---------------------------------------------------------------------------------------------------------------

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Checks that every collection in a decoded value has the collection type its schema declares. */
function typesMatch(s: Schema, v: unknown): boolean {
  switch (s.kind) {
    case 'int': return typeof v === 'number';
    case 'bool': return typeof v === 'boolean';
    case 'enum': return s.values.includes(v as never);
    case 'record': return v !== null && typeof v === 'object' && !Array.isArray(v) && !List.isList(v)
      && Object.entries(s.fields).every(([k, f]) => typesMatch(f, (v as Record<string, unknown>)[k]));
    case 'array': return Array.isArray(v) && v.every((x) => typesMatch(s.element, x));
    case 'list': return List.isList(v) && (v as List<unknown>).every((x) => typesMatch(s.element, x));
    case 'map': return IMap.isMap(v) && !OrderedMap.isOrderedMap(v) && (v as IMap<unknown, unknown>).every((x) => typesMatch(s.value, x));
    case 'set': return ISet.isSet(v) && !OrderedSet.isOrderedSet(v);
    // The structured kinds (tuple, union, setOf, seq) have their own tests: test/schema-codec.property.test.ts.
    default: throw new Error(`typesMatch: no case for ${s.kind}`);
  }
}

/**
 * Words packed by hand from the documented layout: each [value, width] field in order, packed from bit 0 of a
 * word, a field that does not fit in the rest of the word starting the next one. `fresh()` starts a new word
 * (where a loop-form region begins and ends). Written independently of checker/codec/schema-codec.ts.
 */
class Packer {
  readonly words: number[] = [0];
  private shift = 0;
  private pending = false; // the current word is only allocated when a field lands in it
  put(value: number, width: number): this {
    if (width === 0) return this;
    if (this.pending) { this.words.push(0); this.pending = false; }
    else if (this.shift + width > 32) { this.words.push(0); this.shift = 0; }
    this.words[this.words.length - 1] = (this.words[this.words.length - 1]! | (value << this.shift)) | 0;
    this.shift += width;
    return this;
  }
  /** Starts the next field at a fresh word (an empty first word is used as it is). */
  fresh(): this {
    if (this.shift > 0 || this.pending) { if (this.pending) this.words.push(0); this.pending = true; this.shift = 0; }
    return this;
  }
  /** Appends whole words (a loop-form region). */
  region(ws: number[]): this {
    this.fresh();
    if (ws.length === 0) return this;
    if (this.pending) { this.words.push(...ws); } else { this.words.splice(this.words.length - 1, 1, ...ws); }
    this.pending = true;
    this.shift = 0;
    return this;
  }
}

/** A periodic region: element i's bits (given as a number of `w` bits) at word ⌊i/p⌋, shift (i mod p)·w. */
function narrowRegion(elements: number[], w: number): number[] {
  const per = Math.floor(32 / w);
  const out = new Array<number>(Math.ceil(elements.length / per)).fill(0);
  elements.forEach((x, i) => { out[Math.floor(i / per)] = (out[Math.floor(i / per)]! | (x << ((i % per) * w))) | 0; });
  return out;
}

describe('SchemaCodec: small layouts, exact words by hand (unchanged by the loop form)', () => {
  it('int, bool and enum share a word in schema order', () => {
    // a: 2 bits = 2; b: bit 2; c: bits 3..4 = index 2. 2 + 4 + 16 = 22.
    const c = new SchemaCodec(t.record({ a: t.int(0, 3), b: t.bool(), c: t.enum('x', 'y', 'z') }));
    expect(words(c, { a: 2, b: true, c: 'z' })).toEqual([22]);
  });

  it('a field that does not fit starts the next word', () => {
    const c = new SchemaCodec(t.record({ a: t.int(0, 2 ** 31 - 1), b: t.int(0, 3) }));
    expect(words(c, { a: 5, b: 3 })).toEqual([5, 3]);
  });

  it('the filter lock at N = 3: nine 3- and 2-bit fields in one word', () => {
    const c = new SchemaCodec(t.record({ pc: t.array(t.int(0, 4), 3), level: t.array(t.int(0, 2), 3), last: t.array(t.int(0, 2), 3) }));
    // pc at shifts 0, 3, 6; level at 9, 11, 13; last at 15, 17, 19.
    const expected = (1 | (2 << 3) | (4 << 6)) + ((0 << 9) | (1 << 11) | (2 << 13)) + ((2 << 15) | (2 << 17) | (1 << 19));
    expect(words(c, { pc: [1, 2, 4], level: [0, 1, 2], last: [2, 2, 1] })).toEqual([expected]);
  });

  it('list size and slots, map presence and values, set bits', () => {
    const c = new SchemaCodec(t.record({ l: t.list(t.int(0, 3), 2), m: t.map(['p', 'q'], t.int(0, 1)), s: t.set(['a', 'b', 'c']) }));
    // l: size 1 (bits 0..1), slot 0 = 3 (bits 2..3), slot 1 empty; m: p absent (6), p's value (7), q present (8),
    // q = 1 (9); s: a (10), b (11), c (12).
    const v = { l: List([3]), m: IMap([['q', 1]]), s: ISet(['c', 'a']) };
    expect(words(c, v)).toEqual([1 + 12 + 256 + 512 + 1024 + 4096]);
  });

  it('256 array elements are still unrolled, packed on from the previous field', () => {
    // h takes bits 0..1 of word 0, so 15 two-bit elements follow it there (a region would start at word 1).
    const c = new SchemaCodec(t.record({ h: t.int(0, 3), a: t.array(t.int(0, 3), 256) }));
    const p = new Packer().put(1, 2);
    for (let i = 0; i < 256; i++) p.put(i % 4, 2);
    expect(c.fixedWidth).toBe(17);
    expect(words(c, { h: 1, a: range(256).map((i) => i % 4) })).toEqual(p.words);
  });
});

describe('SchemaCodec: loop-form layouts, exact words from the documented layout', () => {
  it('an array of 300 narrow elements: a region from a fresh word, 10 three-bit elements per word', () => {
    const s = t.record({ h: t.int(0, 2), a: t.array(t.int(0, 4), 300), tail: t.bool() });
    const c = new SchemaCodec(s);
    const a = range(300).map((i) => (i * 7) % 5);
    const expected = new Packer().put(2, 2).region(narrowRegion(a, 3)).put(1, 1).words;
    expect(expected.length).toBe(1 + 30 + 1);
    expect(c.fixedWidth).toBe(32);
    expect(words(c, { h: 2, a, tail: true })).toEqual(expected);
  });

  it('an array of 300 wide records: two words per element', () => {
    const s = t.record({ h: t.bool(), a: t.array(t.record({ x: t.int(0, 2 ** 31 - 1), y: t.bool(), z: t.int(0, 1) }), 300), tail: t.int(0, 7) });
    const c = new SchemaCodec(s);
    const a = range(300).map((i) => ({ x: (i * 104729) % 2 ** 31, y: i % 3 === 0, z: i % 2 }));
    // element: x in bits 0..30 and y in bit 31 of its first word, z in bit 0 of its second.
    const region = a.flatMap((e) => [(e.x | ((e.y ? 1 : 0) << 31)) | 0, e.z]);
    const expected = new Packer().put(1, 1).region(region).put(5, 3).words;
    expect(expected.length).toBe(1 + 600 + 1);
    expect(c.fixedWidth).toBe(602);
    expect(words(c, { h: true, a, tail: 5 })).toEqual(expected);
  });

  it('a set over 300 values: a bitmask region, element i at bit i mod 32 of word i / 32', () => {
    const s = t.record({ f: t.bool(), s: t.set(range(300)) });
    const c = new SchemaCodec(s);
    const members = [0, 31, 32, 100, 255, 256, 299];
    const region = new Array<number>(10).fill(0);
    for (const i of members) region[i >> 5] = (region[i >> 5]! | (1 << (i & 31))) | 0;
    const expected = new Packer().put(0, 1).region(region).words;
    expect(c.fixedWidth).toBe(11);
    expect(words(c, { f: false, s: ISet(members) })).toEqual(expected);
  });

  it('a map over 200 keys: presence bit then value, 10 three-bit entries per word, from word 0', () => {
    const keys = range(200).map((i) => `k${i}`);
    const c = new SchemaCodec(t.record({ m: t.map(keys, t.int(0, 2)) }));
    const present: [number, number][] = [[0, 2], [9, 1], [10, 0], [150, 2], [199, 1]];
    const entries = new Array<number>(200).fill(0);
    for (const [i, x] of present) entries[i] = 1 | (x << 1);
    expect(c.fixedWidth).toBe(20);
    expect(words(c, { m: IMap(present.map(([i, x]) => [keys[i]!, x])) })).toEqual(narrowRegion(entries, 3));
  });

  it('a list of at most 300: the 9-bit size before the region, unused slots zero', () => {
    const c = new SchemaCodec(t.record({ l: t.list(t.int(0, 15), 300) }));
    const items = range(123).map((i) => 15 - (i % 16));
    const slots = [...items, ...new Array<number>(300 - 123).fill(0)];
    const expected = new Packer().put(123, 9).region(narrowRegion(slots, 4)).words;
    expect(expected.length).toBe(1 + 38);
    expect(c.fixedWidth).toBe(39);
    expect(words(c, { l: List(items) })).toEqual(expected);
  });

  it('zero-width elements take no words', () => {
    const c = new SchemaCodec(t.record({ a: t.array(t.int(7, 7), 1000), b: t.bool() }));
    expect(words(c, { a: new Array(1000).fill(7), b: true })).toEqual([1]);
  });
});

describe('SchemaCodec: the loop form agrees with the unrolled form', () => {
  // An array of uniform narrow elements that starts at a fresh word has the same layout unrolled and as a loop, and
  // so does one of wide elements that start at fresh words; splitting it into unrolled chunks that end on a word
  // boundary gives the same words from the unrolled codec.
  it('257 two-bit elements (loop) encode like unrolled chunks of 128 and 129', () => {
    const loop = new SchemaCodec(t.record({ a: t.array(t.int(0, 3), 257) }));
    const unrolled = new SchemaCodec(t.record({ x: t.array(t.int(0, 3), 128), y: t.array(t.int(0, 3), 129) }));
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 257, maxLength: 257 }), (a) => {
      expect(words(loop, { a })).toEqual(words(unrolled, { x: a.slice(0, 128), y: a.slice(128) }));
    }), { numRuns: 50 });
    expect(loop.fixedWidth).toBe(17);
  });

  it('300 two-word records (loop) encode like unrolled chunks of 85, 85, 85 and 45', () => {
    const el = t.record({ a: t.int(0, 2 ** 20 - 1), b: t.int(0, 2 ** 20 - 1) }); // 20 + 20 bits: two words each
    const loop = new SchemaCodec(t.array(el, 300));
    const unrolled = new SchemaCodec(t.record({ p: t.array(el, 85), q: t.array(el, 85), r: t.array(el, 85), s: t.array(el, 45) }));
    fc.assert(fc.property(fc.array(arbOf(el), { minLength: 300, maxLength: 300 }), (a) => {
      expect(words(loop, a)).toEqual(words(unrolled, { p: a.slice(0, 85), q: a.slice(85, 170), r: a.slice(170, 255), s: a.slice(255) }));
    }), { numRuns: 30 });
    expect(loop.fixedWidth).toBe(600);
  });
});

describe('SchemaCodec: large schemas, properties over random values', () => {
  const bigKeys = range(60).map((i) => (i % 2 ? `k${i}` : i));
  const mixedDomain = [...range(280), 'a', 'b', null, true, false, -1];
  const cases: [string, Schema][] = [
    ['array of 64 records (unrolled)', t.record({ a: t.array(t.record({ x: t.int(-3, 3), y: t.bool(), e: t.enum('a', 'b', 'c') }), 64) })],
    ['array of 65 records (loop)', t.record({ a: t.array(t.record({ x: t.int(-3, 3), y: t.bool(), e: t.enum('a', 'b', 'c') }), 65) })],
    ['list of 51 arrays (unrolled)', t.record({ h: t.bool(), l: t.list(t.array(t.int(0, 3), 4), 51) })],
    ['list of 52 arrays (loop)', t.record({ h: t.bool(), l: t.list(t.array(t.int(0, 3), 4), 52) })],
    ['map over 51 keys (unrolled)', t.record({ m: t.map(bigKeys.slice(0, 51), t.list(t.int(0, 2), 2)) })],
    ['map over 60 keys (loop)', t.record({ m: t.map(bigKeys, t.list(t.int(0, 2), 2)) })],
    ['map over 300 keys of wide values (loop)', t.record({ m: t.map(range(300), t.int(-(2 ** 31), -1)), z: t.bool() })],
    ['set over 256 values (unrolled)', t.record({ s: t.set(mixedDomain.slice(0, 256)) })],
    ['set over 286 mixed values (loop)', t.record({ b: t.bool(), s: t.set(mixedDomain), c: t.int(0, 1) })],
    ['loop forms inside an unrolled record', t.record({ a: t.bool(), big: t.array(t.int(0, 2), 300), r: t.record({ inner: t.set(range(400)), n: t.int(5, 9) }) })],
    ['unrolled records, maps and lists inside a loop', t.array(t.record({ m: t.map(['p', 'q'], t.set(['x', 'y'])), l: t.list(t.bool(), 3) }), 100)],
    ['loops inside a loop', t.record({ a: t.array(t.array(t.int(0, 1), 300), 3), l: t.list(t.record({ s: t.set(range(300)), k: t.enum('u', 'v') }), 2) })],
    ['an enum of 100 values (Map lookup), unrolled and in a loop', t.record({ e: t.array(t.enum(...range(100).map((i) => `e${i}`)), 3), f: t.array(t.enum(...range(100)), 300) })],
    ['a record of 50 arrays of 100 (split into groups)', t.record(Object.fromEntries(range(50).map((i) => [`f${i}`, t.array(t.int(0, 3), 100)])))],
    ['a record of 6000 small fields (split into groups)', t.record(Object.fromEntries(range(6000).map((i) => [`f${i}`, i % 3 === 0 ? t.bool() : t.int(0, i % 7)])))],
  ];
  for (const [name, s] of cases) {
    describe(name, () => {
      const codec = new SchemaCodec(s);
      it('decode(encode(v)) is v, with the right collection types, and encodes the same again', () => {
        fc.assert(fc.property(arbOf(s), (v) => {
          const w = words(codec, v);
          expect(w.length).toBe(codec.fixedWidth);
          const back = codec.decode(Int32Array.from(w), 0, w.length);
          expect(canonical(back)).toBe(canonical(v));
          expect(typesMatch(s, back)).toBe(true);
          expect(words(codec, back)).toEqual(w);
          // as the frontier does: at an offset in a larger buffer
          expect(canonical(codec.decode(Int32Array.from([-1, -1, ...w, -1]), 2, w.length))).toBe(canonical(v));
        }), { numRuns: 40 });
      });
      it('the same value built in another order encodes the same; different values differently', () => {
        fc.assert(fc.property(arbOf(s), arbOf(s), fc.integer(), (a, b, seed) => {
          let x = seed >>> 0;
          const rnd = () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return x / 2 ** 32; };
          expect(words(codec, shuffled(a, rnd))).toEqual(words(codec, a));
          expect(words(codec, a).join(',') === words(codec, b).join(',')).toBe(canonical(a) === canonical(b));
        }), { numRuns: 40 });
      });
    });
  }

  it('a change of any single element of a loop-form array changes the words', () => {
    const s = t.array(t.record({ x: t.int(0, 2), y: t.bool() }), 300);
    const codec = new SchemaCodec(s);
    const v = range(300).map((i) => ({ x: i % 3, y: i % 2 === 0 }));
    const base = words(codec, v).join(',');
    for (let i = 0; i < 300; i++) {
      const changed = v.map((e, j) => (j === i ? { ...e, x: (e.x + 1) % 3 } : e));
      expect(words(codec, changed).join(','), `element ${i}`).not.toBe(base);
    }
  });

  it('an encoding does not depend on the state encoded before it (the buffer is reused)', () => {
    const s = t.record({
      l: t.list(t.int(0, 3), 300), wl: t.list(t.record({ x: t.int(0, 2 ** 31 - 1), y: t.bool() }), 300),
      m: t.map(range(300), t.int(0, 1)), s: t.set(range(300)), a: t.array(t.int(0, 2), 300),
    });
    const full = {
      l: List(new Array(300).fill(3)), wl: List(new Array(300).fill({ x: 2 ** 31 - 1, y: true })),
      m: IMap(range(300).map((i) => [i, 1])), s: ISet(range(300)), a: new Array(300).fill(2),
    };
    const empty = { l: List<number>(), wl: List<unknown>(), m: IMap<number, number>(), s: ISet<number>(), a: new Array(300).fill(0) };
    const reused = new SchemaCodec(s);
    words(reused, full);
    expect(words(reused, empty)).toEqual(words(new SchemaCodec(s), empty));
    expect(words(new SchemaCodec(s), empty).slice(1).every((x) => x === 0)).toBe(true);
  });

  it('-0 as a key or element of a loop-form map or set is 0', () => {
    const c = new SchemaCodec(t.record({ m: t.map(range(300), t.bool()), s: t.set(range(300)) }));
    expect(words(c, { m: IMap([[-0, true]]), s: ISet([-0]) })).toEqual(words(c, { m: IMap([[0, true]]), s: ISet([0]) }));
  });

  it('a split record whose groups are narrow: each group in a word of its own, by hand', () => {
    // Each field costs 1 + 251 + 1 = 253 nodes, 20 of them 5061 > 4096: groups of 16 fields (4048) and 4 fields,
    // each one bit per field, the first group at word 0, the second at word 1.
    const field = t.record({ z: t.array(t.int(1, 1), 250), b: t.bool() });
    const s = t.record(Object.fromEntries(range(20).map((i) => [`f${i}`, field])));
    const codec = new SchemaCodec(s);
    const value = (bits: boolean[]) => Object.fromEntries(range(20).map((i) => [`f${i}`, { z: new Array(250).fill(1), b: bits[i]! }]));
    expect(codec.fixedWidth).toBe(2);
    const on = [0, 3, 15, 16, 19];
    const bits = range(20).map((i) => on.includes(i));
    expect(words(codec, value(range(20).map(() => true)))).toEqual([0xffff, 0xf]);
    expect(words(codec, value(bits))).toEqual([1 | 8 | 0x8000, 1 | 8]);
    expect(canonical(codec.decode(Int32Array.from([1 | 8 | 0x8000, 1 | 8]), 0, 2))).toBe(canonical(value(bits)));
  });

  it('a split record decodes with its fields in schema order', () => {
    const s = t.record(Object.fromEntries(range(50).map((i) => [`f${i}`, t.array(t.int(0, 3), 100)])));
    const codec = new SchemaCodec(s);
    const v = Object.fromEntries(range(50).map((i) => [`f${i}`, range(100).map((j) => (i + j) % 4)]));
    const back = codec.decode(Int32Array.from(words(codec, v)), 0, codec.fixedWidth);
    expect(Object.keys(back as object)).toEqual(Object.keys(v));
    expect(back).toEqual(v);
  });
});

describe('SchemaCodec: refusals in loop form name the path', () => {
  const s = t.record({
    a: t.array(t.int(0, 3), 1000),
    l: t.list(t.record({ x: t.bool() }), 500),
    m: t.map(range(1000), t.int(0, 1)),
    s: t.set(range(1000).map((i) => `s${i}`)),
    one: t.array(t.int(0, 2 ** 20 - 1), 300), // one element per word
    wide: t.array(t.record({ x: t.int(0, 2 ** 31 - 1), y: t.int(0, 3) }), 300), // two words per element
    wm: t.map(range(300), t.array(t.int(0, 1), 40)), // two words per entry
    split: t.record(Object.fromEntries(range(5000).map((i) => [`f${i}`, t.bool()]))),
  });
  const codec = new SchemaCodec(s);
  const good = {
    a: new Array(1000).fill(0), l: List([{ x: true }]), m: IMap([[5, 1]]), s: ISet(['s3']),
    one: new Array(300).fill(2 ** 20 - 1), wide: new Array(300).fill({ x: 1, y: 3 }), wm: IMap([[299, new Array(40).fill(1)]]),
    split: Object.fromEntries(range(5000).map((i) => [`f${i}`, i % 2 === 0])),
  };

  it('the good value is accepted', () => {
    expect(() => codec.encode(good)).not.toThrow();
  });

  const bad: [string, Record<string, unknown>, string, RegExp][] = [
    ['an element out of range at the end', { a: [...new Array(999).fill(0), 4] }, 'state.a[999]', /0\.\.3/],
    ['an array one too short', { a: new Array(999).fill(0) }, 'state.a', /1000 elements/],
    ['a List element of the wrong type', { l: List([{ x: true }, { x: 1 }]) }, 'state.l[1].x', /boolean/],
    ['a List too long', { l: List(new Array(501).fill({ x: true })) }, 'state.l', /at most 500/],
    ['a Map key outside the domain', { m: IMap([[1000, 1]]) }, 'state.m', /1000 .*not in the key domain 0, 1, .*…/],
    ['a Map value out of range', { m: IMap([[7, 2]]) }, 'state.m[7]', /0\.\.1/],
    ['a Set element outside the domain', { s: ISet(['s3', 'nope']) }, 'state.s', /"nope" is not in the domain .*\(1,000 values\)/],
    ['an OrderedSet', { s: OrderedSet(['s3']) }, 'state.s', /Set/],
    ['a 20-bit element out of range', { one: [...new Array(299).fill(0), 2 ** 20] }, 'state.one[299]', /0\.\.1048575/],
    ['a wide element with a bad field', { wide: [...new Array(150).fill({ x: 1, y: 3 }), { x: 1, y: 4 }, ...new Array(149).fill({ x: 1, y: 3 })] }, 'state.wide[150].y', /0\.\.3/],
    ['a wide element with a missing field', { wide: [...new Array(299).fill({ x: 1, y: 3 }), { x: 1 }] }, 'state.wide[299]', /y is missing/],
    ['a wide Map value of the wrong length', { wm: IMap([[3, [1]]]) }, 'state.wm[3]', /40 elements/],
    ['a field of a split record of the wrong type', { split: { ...good.split, f4999: 0 } }, 'state.split.f4999', /boolean/],
    ['a split record with a field missing', { split: Object.fromEntries(range(4999).map((i) => [`f${i}`, true])) }, 'state.split', /f4999 is missing/],
  ];
  for (const [name, change, path, problem] of bad) {
    it(name, () => {
      const e = encodeError(codec, { ...good, ...change });
      expect(e.path, e.message).toBe(path);
      expect(e.problem).toMatch(problem);
    });
  }
});

describe('SchemaCodec: a million elements', () => {
  it('compiles, encodes and decodes one state of t.array(t.int(0, 3), 1_000_000)', () => {
    const n = 1_000_000;
    const codec = new SchemaCodec(t.record({ a: t.array(t.int(0, 3), n) }));
    expect(codec.fixedWidth).toBe(n / 16);
    const a = Array.from({ length: n }, (_, i) => (i * 7) % 4);
    // Elements 16k..16k+15 share word k; (i·7) mod 4 repeats every 4, so every word is the same.
    let word = 0;
    for (let j = 0; j < 16; j++) word |= ((j * 7) % 4) << (2 * j);
    const w = words(codec, { a });
    expect(w.length).toBe(n / 16);
    expect(w.every((x) => x === word)).toBe(true);
    const back = codec.decode(Int32Array.from(w), 0, w.length) as { a: number[] };
    expect(back.a.length).toBe(n);
    expect(back.a.every((x, i) => x === a[i])).toBe(true);
    const e = encodeError(codec, { a: a.map((x, i) => (i === n - 1 ? 9 : x)) });
    expect(e.path).toBe(`state.a[${n - 1}]`);
  });
});

describe('SchemaCodec: absurd schemas are refused up front, with the limit and the place', () => {
  it('more than 2^20 words per state, in one array', () => {
    // 2^26 two-bit elements: 2^22 words.
    expect(() => new SchemaCodec(t.record({ ok: t.bool(), a: t.array(t.int(0, 3), 2 ** 26) })))
      .toThrow(/^state\.a: an array of 67,108,864 elements takes 4,194,304 words per state, over the limit of 1,048,576 words/);
  });

  it('more than 2^20 words per state in an element', () => {
    expect(() => new SchemaCodec(t.record({ a: t.list(t.record({ big: t.array(t.int(0, 2 ** 31 - 1), 2 ** 21) }), 3) })))
      .toThrow(/^state\.a\[\*\]\.big: an array of 2,097,152 elements takes 2,097,152 words per state, over the limit/);
    // Each element fits, three of them do not.
    expect(() => new SchemaCodec(t.record({ a: t.array(t.array(t.int(0, 2 ** 31 - 1), 2 ** 19), 3) })))
      .toThrow(/^state\.a: an array of 3 elements takes 1,572,864 words per state, over the limit/);
  });

  it('more than 2^20 words per state in all, where the total crosses it', () => {
    const half = t.array(t.int(0, 2 ** 31 - 1), 600_000);
    expect(() => new SchemaCodec(t.record({ a: half, b: half })))
      .toThrow(/^state\.b: the encoding reaches 1,200,000 words per state here, over the limit of 1,048,576 words/);
  });

  it('exactly 2^20 words is accepted', () => {
    expect(new SchemaCodec(t.array(t.int(0, 2 ** 31 - 1), 2 ** 20)).fixedWidth).toBe(2 ** 20);
  });

  function nested(levels: number): Schema {
    let s: Schema = t.int(0, 1);
    for (let i = 1; i < levels; i++) s = i % 2 ? t.record({ n: s, b: t.bool() }) : t.list(s, 1);
    return s;
  }

  it('nesting 200 levels deep compiles and round-trips; 201 is refused', () => {
    const s = nested(200);
    const codec = new SchemaCodec(s);
    fc.assert(fc.property(arbOf(s), (v) => {
      const w = words(codec, v);
      expect(canonical(codec.decode(Int32Array.from(w), 0, w.length))).toBe(canonical(v));
    }), { numRuns: 20 });
    expect(() => new SchemaCodec(nested(201))).toThrow(/nests more than 200 levels deep, the limit/);
  });

  it('a cyclic schema object is refused, not a stack overflow', () => {
    const r = { kind: 'record', fields: { x: t.bool() } } as { kind: 'record'; fields: Record<string, Schema> };
    r.fields.self = r;
    expect(() => new SchemaCodec(r)).toThrow(/^state\.self\.self.*nests more than 200 levels deep/);
  });

  it('a shared sub-schema is compiled once: 2^40 zero-width leaves in a 40-level DAG', () => {
    let s: Schema = t.int(3, 3);
    for (let i = 0; i < 40; i++) s = t.record({ l: s, r: s });
    // Zero bits in all, but unrolled it would be 2^40 leaves: the record groups are memoised per schema object.
    expect(new SchemaCodec(s).fixedWidth).toBe(1);
  });

  it('a shared sub-schema of 8192 bools (split into groups) round-trips', () => {
    let s: Schema = t.bool();
    for (let i = 0; i < 13; i++) s = t.record({ l: s, r: s });
    const codec = new SchemaCodec(s);
    // Inline cost (nodes) of level k: 2^(k+1) - 1, so level 11 (2048 bools, 64 words) is compiled whole and level
    // 12 (8191 > 4096) is split into its two halves, each a 64-word group at a fresh word: 4 × 64 words in all.
    expect(codec.fixedWidth).toBe(256);
    fc.assert(fc.property(arbOf(s), (v) => {
      const w = words(codec, v);
      expect(canonical(codec.decode(Int32Array.from(w), 0, w.length))).toBe(canonical(v));
    }), { numRuns: 10 });
  });
});
