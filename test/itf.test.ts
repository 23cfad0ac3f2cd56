/**
 * Standalone ITF (`--itf DIR`, and the traces of `--json`): what Quint's own ITF reader trips on is written in a
 * form it reads, and every trace the specs in specs/ produce is read back by it. The reader is Quint's
 * (`ofItf`/`ofItfNormalized` in @informalsystems/quint's dist/src/itf.js, a dev dependency), not ours, so the
 * expectation is independent of tlats: each document must be read without error, and Quint's writer (`toItf`) must
 * give the same states back from what its reader made of them (nothing lost or reinterpreted on the way).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ofItf, ofItfNormalized, toItf } from '@informalsystems/quint/dist/src/itf.js';
import { toItfTrace, toItfValue } from '../checker/output/itf.ts';
import { itfFileName, violationItf } from '../checker/output/itf-files.ts';
import { prepareRun, runPrepared } from '../checker/run/check.ts';
import { loadSpec } from '../checker/run/load.ts';
import { decodeItf } from '../checker/view/itf-reader.ts';
import { formatValue } from '../checker/view/values.ts';
import { root, runCli } from './cli-helpers.ts';

type Doc = { vars: string[]; states: Record<string, unknown>[]; loop?: number };

/** Reads `doc` with Quint's reader (both ways it offers), and writes it back with Quint's writer. */
function throughQuint(doc: Doc): void {
  // Quint's own type says what its reader expects of a document; a parsed file is only JSON until it has read it.
  const exprs = ofItf(doc as unknown as Parameters<typeof ofItf>[0]);
  expect(exprs).toHaveLength(doc.states.length);
  expect(ofItfNormalized(doc as unknown as Parameters<typeof ofItf>[0])).toHaveLength(doc.states.length);
  const back = toItf(doc.vars, exprs);
  expect(back.isRight(), String(back.value)).toBe(true);
  const strip = (s: Record<string, unknown>) => Object.fromEntries(Object.entries(s).filter(([k]) => k !== '#meta'));
  expect((back.value as { states: Record<string, unknown>[] }).states.map(strip)).toEqual(doc.states.map(strip));
}

describe('ITF values Quint reads', () => {
  it('null, undefined and non-integer numbers are Quint variants; integers #bigint', () => {
    // The forms chosen (documented in docs/json-output.md): a sum-type value, which Quint reads as a variant.
    expect(toItfValue(null)).toEqual({ tag: 'tlats::null', value: { '#tup': [] } });
    expect(toItfValue(undefined)).toEqual({ tag: 'tlats::undefined', value: { '#tup': [] } });
    expect(toItfValue(0.5)).toEqual({ tag: 'tlats::number', value: '0.5' });
    expect(toItfValue(Number.NaN)).toEqual({ tag: 'tlats::number', value: 'NaN' });
    expect(toItfValue(-Infinity)).toEqual({ tag: 'tlats::number', value: '-Infinity' });
    expect(toItfValue(-3)).toEqual({ '#bigint': '-3' });
  });

  it('record fields named like ITF tags get one more #; others are left alone', () => {
    expect(toItfValue({ '#set': 1, '#map': true, '#bigint': 'x', '#tup': [], '#unserializable': 's', '#meta': 2, '##x': 3, 'a#b': 4 })).toEqual({
      '##set': { '#bigint': '1' }, '##map': true, '##bigint': 'x', '##tup': [], '##unserializable': 's', '##meta': { '#bigint': '2' }, '###x': { '#bigint': '3' }, 'a#b': { '#bigint': '4' },
    });
  });

  it('vars is the union of every state\'s variables, in the order first seen', () => {
    const doc = toItfTrace([{ label: null, state: { a: 1 } }, { label: 'x', state: { a: 1, b: 2 } }, { label: 'y', state: { c: 3, a: 0 } }], {});
    expect(doc.vars).toEqual(['a', 'b', 'c']);
  });

  it('each of them is read by Quint, and by tlats view with the escapes undone', () => {
    const state = { n: 1, none: null, half: 0.5, rec: { '#set': [1], '#meta': 'm', '##x': 2 }, s: 'str' };
    const doc = JSON.parse(JSON.stringify(toItfTrace([{ label: null, state }, { label: 'go', state: { ...state, n: 2 } }], {}))) as Doc;
    throughQuint(doc);
    const ours = decodeItf(doc, 'test');
    const shown = Object.fromEntries(ours.states[0]!.vars.map(([k, v]) => [k, formatValue(v)]));
    expect(shown).toEqual({ n: '1', none: 'null', half: '0.5', rec: '{ "#set": [1], "#meta": "m", "##x": 2 }', s: '"str"' });
  });
});

describe('--itf DIR', () => {
  it('writes each counterexample as CONFIG.PROPERTY.itf.json, which Quint reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlats-itf-'));
    const r = await runCli(['test/fixtures/itf-edge.ts', '--itf', dir, '-q']);
    expect(r.code, r.stderr).toBe(12);
    expect(readdirSync(dir)).toEqual(['defaults.small.itf.json']);
    const doc = JSON.parse(readFileSync(join(dir, 'defaults.small.itf.json'), 'utf8')) as Doc & { '#meta': Record<string, unknown> };
    // The fixture's hand analysis: 3 states, and `late` appears only from the second.
    expect(doc.states).toHaveLength(3);
    expect(doc.vars).toEqual(['n', 'owner', 'ratio', 'tags', 'late']);
    expect(doc['#meta']).toMatchObject({ spec: 'ItfEdge', property: 'small', kind: 'invariant' });
    expect(doc.states.map((s) => (s['#meta'] as { action: string }).action)).toEqual(['init', 'step(p=0)', 'step(p=1)']);
    throughQuint(doc);
  });

  it('names files safely', () => {
    expect(itfFileName('V2.error', 'cpuAndDeviceAgree')).toBe('V2.error.cpuAndDeviceAgree.itf.json');
    expect(itfFileName(undefined, 'starvationFree(i=2)')).toBe('defaults.starvationFree_i_2_.itf.json');
    expect(itfFileName('a/b', 'x y')).toBe('a_b.x_y.itf.json');
  });
});

describe('every trace the specs produce is read by Quint\'s ITF reader', () => {
  const specs = readdirSync(join(root, 'specs')).filter((f) => f.endsWith('.ts')).sort();
  let traces = 0;
  let lassos = 0;
  it.each(specs)('%s: every violated property of every configuration', async (file) => {
    const loaded = await loadSpec(join(root, 'specs', file));
    const configs = Object.keys(loaded.spec.configs ?? {});
    for (const config of configs.length ? configs : [undefined]) {
      const r = await runPrepared(prepareRun(loaded, { config, continueAfterViolation: true, workers: 1 }));
      for (const v of r.violations) {
        const doc = JSON.parse(JSON.stringify(violationItf(r, v))) as Doc;
        expect(doc.states).toHaveLength(v.trace.length);
        throughQuint(doc);
        decodeItf(doc, `${file} ${config}`); // and tlats view reads it
        traces++;
        if (doc.loop !== undefined) lassos++;
      }
    }
  });
  it('…which were many, lassos among them', () => {
    // So that the loop above cannot pass by checking nothing: the flagship matrices alone violate dozens of
    // properties (docs/mmu_notifier.md), and kvm_mmu_notifier's liveness property gives lassos.
    expect(traces).toBeGreaterThan(100);
    expect(lassos).toBeGreaterThan(0);
  });
});
