/**
 * Traces in the ITF JSON format (Informal Trace Format, Apalache ADR-015, as Quint writes it):
 * `{ "#meta": {...}, "vars": [...], "states": [{ "#meta": { "index": i }, var: value, ... }] }`.
 * Integers are written as `{ "#bigint": "n" }` (as Quint does), arrays and Lists as JSON arrays (sequences),
 * Sets as `{ "#set": [...] }`, Maps as `{ "#map": [[k, v], ...] }`, records and plain objects as JSON objects.
 * Each state's `#meta` also carries the action label that produced it (`"action"`), and its `actor` and `doc` when known, which ITF allows as free-form
 * metadata.
 *
 * ITF has no null and no floats, and Quint's reader (`ofItf` in @informalsystems/quint) throws on a raw `null` or
 * a non-integer number and cannot evaluate `#unserializable`. They are written as Quint sum-type values instead,
 * which every ITF reader takes as a record and Quint as a variant: `{ "tag": "tlats::null", "value": { "#tup": [] } }`
 * (likewise `tlats::undefined`) and `{ "tag": "tlats::number", "value": "0.5" }` (the number's JavaScript text,
 * also for NaN and Infinity). A record field whose name starts with `#` would be read as an ITF tag (`#set`,
 * `#map`, `#bigint`, `#tup`, `#unserializable`, `#meta`): it is written with one more `#` in front (`##set`), and
 * checker/view/itf-reader.ts takes it off again (checker/view/itf-tags.ts).
 */
import { List, Map as IMap, Record as IRecord, Set as ISet } from 'immutable';
import type { TraceStep } from '../search/trace.ts';
import { escapeItfField, ITF_NULL_TAG, ITF_NUMBER_TAG, ITF_UNDEFINED_TAG } from '../view/itf-tags.ts';

export type ItfValue = unknown;

export function toItfValue(v: unknown): ItfValue {
  if (v === null) return { tag: ITF_NULL_TAG, value: { '#tup': [] } };
  if (v === undefined) return { tag: ITF_UNDEFINED_TAG, value: { '#tup': [] } };
  switch (typeof v) {
    case 'boolean': case 'string': return v;
    case 'number': return Number.isInteger(v) ? { '#bigint': String(v) } : { tag: ITF_NUMBER_TAG, value: String(v) };
    case 'bigint': return { '#bigint': String(v) };
  }
  if (Array.isArray(v)) return v.map(toItfValue);
  if (IRecord.isRecord(v)) return toItfRecord((v as IRecord<any>).toObject());
  if (List.isList(v)) return (v as List<unknown>).toArray().map(toItfValue);
  if (IMap.isMap(v)) return { '#map': [...(v as IMap<unknown, unknown>)].map(([k, x]) => [toItfValue(k), toItfValue(x)]) };
  if (ISet.isSet(v)) return { '#set': [...(v as ISet<unknown>)].map(toItfValue) };
  if (typeof v === 'object') return toItfRecord(v as Record<string, unknown>);
  return { '#unserializable': String(v) };
}

function toItfRecord(o: Record<string, unknown>): Record<string, ItfValue> {
  const out: Record<string, ItfValue> = {};
  for (const [k, x] of Object.entries(o)) out[escapeItfField(k)] = toItfValue(x);
  return out;
}

function fieldsOf(state: unknown): Record<string, unknown> {
  if (IRecord.isRecord(state)) return (state as IRecord<any>).toObject();
  if (IMap.isMap(state)) return Object.fromEntries([...(state as IMap<unknown, unknown>)].map(([k, x]) => [String(k), x]));
  return state as Record<string, unknown>;
}

/** `loop`: for a lasso, the index of the state the behaviour goes back to after the last (ITF's `loop`). */
export function toItfTrace(trace: readonly TraceStep[], meta: Record<string, unknown>, loop?: number): Record<string, unknown> {
  // Every variable of every state, in the order first seen: a field that appears only later (an optional field,
  // a Map-shaped state) is still a variable of the trace.
  const vars = [...new Set(trace.flatMap((step) => Object.keys(fieldsOf(step.state)).map(escapeItfField)))];
  return {
    '#meta': { format: 'ITF', 'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html', ...meta },
    vars,
    states: trace.map((step, index) => ({
      '#meta': { index, action: step.label ?? 'init', ...(step.actor === undefined ? {} : { actor: step.actor }), ...(step.doc === undefined ? {} : { doc: step.doc }) },
      ...toItfRecord(fieldsOf(step.state)),
    })),
    ...(loop === undefined ? {} : { loop }),
  };
}
