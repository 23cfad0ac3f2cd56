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
