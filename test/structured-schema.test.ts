/**
 * Structured schemas (issue 9, part 3): what a spec writer meets when a value or a schema is wrong. Each message
 * must say which element, which field and which value, or what to write instead. The expectations are the
 * values' own faults, worked out by hand beside each case.
 */
import { Map as IMap, Set as ISet } from 'immutable';
import { describe, expect, it } from 'vitest';
import { SchemaCodec } from '../checker/codec/schema-codec.ts';
import { t } from '../src/schema.ts';
import { addValue, hasValue } from '../src/values.ts';

const msg = t.union(
  t.record({ type: t.enum('1a'), bal: t.int(0, 1) }),
  t.record({ type: t.enum('2a'), bal: t.int(0, 1), val: t.enum('v1', 'v2') }),
);
const q = t.seq(t.tuple(t.int(0, 1), t.bool()), 2);
const codec = () => new SchemaCodec(t.record({ msgs: t.set(msg), q }));
const ok: { msgs: ISet<object>; q: unknown[] } = { msgs: ISet<object>([{ type: '1a', bal: 0 }]), q: [[1, true]] };
const refusal = (state: unknown): string => {
  try { codec().encode(state); } catch (e) { return (e as Error).message; }
  return 'accepted';
};

describe('structured schemas: bad values', () => {
  it('accepts a good state', () => expect(refusal(ok)).toBe('accepted'));

  it('names the message and the field of a bad value, in the variant it is closest to', () => {
    expect(refusal({ ...ok, msgs: ok.msgs.add({ type: '2a', bal: 1, val: 'v3' }) }))
      .toBe('state.msgs[{"type":"2a","bal":1,"val":"v3"}].val: does not match the spec\'s schema: expected one of "v1", "v2", got "v3" (in the closest of the union\'s 2 variants)');
  });

  it('lists the variants\' shapes for a message that fits none', () => {
    expect(refusal({ ...ok, msgs: ok.msgs.add({ type: '3a' }) }))
      .toBe('state.msgs[{"type":"3a"}]: does not match the spec\'s schema: expected one of the union\'s 2 variants: {type: "1a", bal} | {type: "2a", bal, val}, got {"type":"3a"}');
  });

  it('refuses a set holding two equal records, and says how to add one', () => {
    expect(refusal({ ...ok, msgs: ok.msgs.add({ bal: 0, type: '1a' }) })).toMatch(/^state\.msgs: .*holds the element \{("type":"1a","bal":0|"bal":0,"type":"1a")\} twice\. An Immutable Set compares plain objects .*\(addValue/);
  });

  it('refuses a seq over its bound and a tuple of the wrong length', () => {
    expect(refusal({ ...ok, q: [[0, true], [1, false], [0, false]] })).toMatch(/^state\.q: .*a sequence of at most 2 elements, got 3$/);
    expect(refusal({ ...ok, q: [[0]] })).toMatch(/^state\.q\[0\]: .*expected a tuple of 2 elements, got 1$/);
  });
});

describe('structured schemas: bad schemas', () => {
  it('a set of wide elements needs a maxSize, and says so', () => {
    expect(() => new SchemaCodec(t.record({ s: t.set(t.record({ x: t.int(0, 65535) })) })))
      .toThrow('state.s: a set of {x}, whose encoding takes 16 bits, is too big for a bitset over its values (at most 12 bits); give the set\'s largest size: t.set(element, { maxSize: N })');
    expect(() => new SchemaCodec(t.record({ s: t.set(t.record({ x: t.int(0, 65535) }), { maxSize: 4 }) }))).not.toThrow();
  });

  it('a map keyed by records is refused, with what to write instead', () => {
    expect(() => t.map(t.record({ a: t.bool() }) as never, t.bool())).toThrow(/t\.map: the keys must be primitive values .* compares object and array keys by reference/);
  });

  it('bad arguments', () => {
    expect(() => t.set(t.bool(), { maxSize: -1 })).toThrow('t.set: maxSize -1 is not a natural number');
    expect(() => t.union()).toThrow('t.union: give at least one variant');
    expect(() => t.tuple(3 as never)).toThrow('t.tuple: element 0 is number, not a schema');
    expect(() => t.seq(t.bool(), 1.5)).toThrow('t.seq: maxLength 1.5 is not a natural number');
  });
});

describe('addValue and hasValue: TLA+ set membership for records', () => {
  it('adds a record once, whatever its key order', () => {
    const s = addValue(addValue(ISet<object>(), { type: '1a', bal: 0 }), { bal: 0, type: '1a' });
    expect(s.size).toBe(1);
    expect(hasValue(s, { type: '1a', bal: 0 })).toBe(true);
    expect(hasValue(s, { type: '1a', bal: 1 })).toBe(false);
    expect(addValue(s, { type: '1a', bal: 1 }).size).toBe(2);
  });
});

describe('a union whose first variant is a set or a map, and null', () => {
  // Hand analysis: null is not a set and not a map, so the set (or map) variant must refuse it and the enum variant
  // take it; the empty set (map) is the first variant's own value. The two must encode apart and decode back.
  // (A codec that remembered "the last set decoded" as null used to take null for that set.)
  const cases = [
    ['set', t.union(t.set(t.enum('a', 'b')), t.enum(null))],
    ['map', t.union(t.map(t.enum('k'), t.bool()), t.enum(null))],
  ] as const;
  for (const [kind, s] of cases) {
    it(`${kind}: null and the empty ${kind} encode apart and decode back`, () => {
      const c = new SchemaCodec(t.record({ f: s }));
      const empty = kind === 'set' ? ISet() : IMap();
      const words = (x: unknown) => Array.from(c.buf.subarray(0, c.encode({ f: x }))).join();
      const roundTrip = (x: unknown) => { const n = c.encode({ f: x }); return (c.decode(c.buf.slice(0, n), 0, n) as { f: unknown }).f; };
      expect(words(null)).not.toBe(words(empty));
      expect(roundTrip(null)).toBeNull();
      const back = roundTrip(empty) as { size: number } | null;
      expect(back === null ? 'null' : back.size).toBe(0);
    });
  }
});
