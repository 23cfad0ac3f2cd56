/**
 * AlternatingBit: the alternating bit protocol over two lossy FIFO channels (Lamport, Specifying Systems, 14.2).
 * Port of tlaplus/Examples specifications/SpecifyingSystems/TLC/AlternatingBit.tla, checked as in
 * MCAlternatingBit.cfg (Data = {d1, d2}, msgQLen = ackQLen = 2, INVARIANT ABTypeInv, CONSTRAINT SeqConstraint;
 * its temporal properties are not ported).
 *
 * TLA+                                     -> here
 *   CONSTANT Data                          -> constant Data ("d1,d2")
 *   CONSTANTS msgQLen, ackQLen             -> constants of the same names
 *   msgQ \in Seq({0,1} \X Data)            -> msgQ: a plain array of [bit, datum] tuples; the schema
 *                                             t.seq(t.tuple(t.int(0, 1), t.enum(...Data)), msgQLen + 1)
 *   ackQ \in Seq({0,1})                    -> ackQ: t.seq(t.int(0, 1), ackQLen + 1)
 *   sBit, sAck, rBit, sent, rcvd           -> fields of the same names
 *   ABInit                                 -> init: the 8 initial states (sBit, sent, rcvd)
 *   \E d \in Data : SndNewValue(d)         -> action SndNewValue, parameter d
 *   ReSndMsg, RcvMsg, SndAck, RcvAck       -> actions of the same names
 *   LoseMsg, LoseAck (\E i \in 1..Len(q))  -> actions LoseMsg, LoseAck: a labelled choice of the position lost,
 *                                             LoseMsg(i=2) (1-based, as in the TLA+)
 *   SeqConstraint                          -> constraint (the schema's bounds are one longer: a successor
 *                                             beyond the constraint is still generated, and encoded)
 *   ABTypeInv                              -> invariant ABTypeInv (and the schema)
 *
 * Expected counts: TLC, tlaplus/Examples specifications/SpecifyingSystems/manifest.json (MCAlternatingBit.cfg):
 * 240 distinct, 1,392 generated, depth 10; run again here with TLC 2.19 with INIT ABInit, NEXT ABNext, the
 * invariant and the constraint only: the same, and with msgQLen = ackQLen = 3: 528 / 3,740 / 12.
 */
import { choice, defineSpec, members, range, t } from '#tlats';

type Bit = 0 | 1;
interface State {
  readonly msgQ: readonly (readonly [Bit, string])[];
  readonly ackQ: readonly Bit[];
  readonly sBit: Bit;
  readonly sAck: Bit;
  readonly rBit: Bit;
  readonly sent: string;
  readonly rcvd: string;
}

interface Consts { readonly Data: string; readonly msgQLen: number; readonly ackQLen: number }

const data = (c: Consts) => members(c.Data);
const bit = t.int(0, 1);
/** A message: the bit and the datum (TLA+ {0, 1} \X Data). */
const message = (c: Consts) => t.tuple(bit, t.enum(...data(c)));

/** q without its element at 0-based position i (TLA+ Lose(q) with i + 1). */
const without = <T>(q: readonly T[], i: number): T[] => [...q.slice(0, i), ...q.slice(i + 1)];

export default defineSpec({
  name: 'AlternatingBit',
  description: 'The alternating bit protocol over lossy FIFO channels (tlaplus/Examples, Specifying Systems).',
  constants: {
    Data: { default: 'd1,d2' as string, doc: 'the data values, comma-separated' },
    msgQLen: { default: 2, doc: 'the constraint on the message queue length' },
    ackQLen: { default: 2, doc: 'the constraint on the ack queue length' },
  },
  schema: (c: Consts) => {
    // (The queue's schema is built apart: inside the record literal, TypeScript 5.9 gives up inferring it,
    // "type instantiation is excessively deep".)
    const msgQ = t.seq(message(c), c.msgQLen + 1);
    const ackQ = t.seq(bit, c.ackQLen + 1);
    return t.record({
      msgQ, ackQ,
      sBit: bit, sAck: bit, rBit: bit,
      sent: t.enum(...data(c)), rcvd: t.enum(...data(c)),
    });
  },
  init: (c): State[] => ([0, 1] as const).flatMap((b) => data(c).flatMap((sent) => data(c).map((rcvd): State => ({
    msgQ: [], ackQ: [], sBit: b, sAck: b, rBit: b, sent, rcvd,
  })))),
  actions: {
    SndNewValue: {
      params: (c: Consts) => ({ d: data(c) }),
      next: (s: State, { d }: { d: string }): State | null => {
        if (s.sAck !== s.sBit) return null;
        const sBit: Bit = s.sBit === 0 ? 1 : 0;
        return { ...s, sent: d, sBit, msgQ: [...s.msgQ, [sBit, d]] };
      },
    },
    ReSndMsg: (s: State): State | null => (s.sAck !== s.sBit ? { ...s, msgQ: [...s.msgQ, [s.sBit, s.sent]] } : null),
    RcvMsg: (s: State): State | null => {
      if (s.msgQ.length === 0) return null;
      const [b, d] = s.msgQ[0]!;
      return { ...s, msgQ: s.msgQ.slice(1), rBit: b, rcvd: d };
    },
    SndAck: (s: State): State => ({ ...s, ackQ: [...s.ackQ, s.rBit] }),
    RcvAck: (s: State): State | null => (s.ackQ.length === 0 ? null : { ...s, ackQ: s.ackQ.slice(1), sAck: s.ackQ[0]! }),
    LoseMsg: (s: State) => range(s.msgQ.length).map((i) => choice({ i: i + 1 }, { ...s, msgQ: without(s.msgQ, i) })),
    LoseAck: (s: State) => range(s.ackQ.length).map((i) => choice({ i: i + 1 }, { ...s, ackQ: without(s.ackQ, i) })),
  },
  constraint: (s, c) => s.msgQ.length <= c.msgQLen && s.ackQ.length <= c.ackQLen,
  invariants: {
    ABTypeInv: (s, c) => s.msgQ.every(([b, d]) => (b === 0 || b === 1) && data(c).includes(d))
      && s.ackQ.every((b) => b === 0 || b === 1) && data(c).includes(s.sent) && data(c).includes(s.rcvd),
  },
  configs: {
    MC: {
      constants: { msgQLen: 2, ackQLen: 2 },
      expect: { source: 'TLC, tlaplus/Examples specifications/SpecifyingSystems/manifest.json (MCAlternatingBit.cfg)', distinct: 240, generated: 1392, depth: 10 },
    },
    Len3: {
      constants: { msgQLen: 3, ackQLen: 3 },
      expect: { source: 'TLC 2.19, run here on AlternatingBit.tla with msgQLen = ackQLen = 3 (specs/alternating-bit.ts header)', distinct: 528, generated: 3740, depth: 12 },
    },
  },
});
