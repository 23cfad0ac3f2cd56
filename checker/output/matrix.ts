/**
 * The verdict matrix as text, printed a row at a time as each configuration finishes. The columns are fixed before
 * the first row (every configuration is prepared first, so every property is known): the configuration, its
 * distinct-state count, one column per property, and `expected?`. A cell is `holds`, `violated (K)` (the shortest
 * counterexample has K steps), `unknown` (the search was incomplete and found no violation) or `-` (not checked in
 * that configuration).
 *
 * The most explicit layout that fits the width is used: property names as headers; else numbered headers with a
 * legend; else numbered headers with compact cells (`✗ K` for `violated (K)`), which keeps a flagship matrix of
 * seven properties and 36-character configuration names within 120 columns.
 */
import type { PropertyInfo } from '../model/properties.ts';
import type { CheckResult } from '../run/check.ts';
import type { MatrixRow } from '../run/matrix.ts';
import { formatCount as n } from '../units.ts';
import { pad, rule, tableLine, wrap, type Align } from './table.ts';

export type CellStyle = 'words' | 'compact';

/** The cell of one property in one result (the JSON's `cells` use the 'words' style). */
export function matrixCell(r: CheckResult, property: string, style: CellStyle = 'words'): string {
  if (!r.properties.some((p) => p.name === property)) return '-';
  const v = r.violations.find((x) => x.property === property);
  if (v) {
    // A lasso: its prefix and cycle lengths (TLC's p+c), a trace: its steps.
    const k = v.loop ? `${v.loop.index}+${v.length - v.loop.index}` : String(v.length - 1);
    return style === 'words' ? `violated (${k})` : `✗ ${k}`;
  }
  return r.outcome.complete ? 'holds' : 'unknown';
}

const STATES_WIDTH = 9;
const WORD_CELL = 'violated (99)'.length;
/** A temporal property's cell holds a lasso's p+c. */
const LASSO_CELL = 'violated (12+12)'.length;
const COMPACT_LASSO_CELL = '✗ 12+12'.length;
const COMPACT_CELL = 'holds'.length;

interface Layout {
  readonly headers: readonly string[];
  readonly widths: readonly number[];
  readonly style: CellStyle;
  readonly legend: boolean;
}

export class MatrixPrinter {
  private readonly layout: Layout;
  private readonly aligns: Align[];

  constructor(
    private readonly configs: readonly string[],
    private readonly properties: readonly PropertyInfo[],
    private readonly withExpectations: boolean,
    readonly width: number,
  ) {
    const nameWidth = Math.max('configuration'.length, ...configs.map((c) => c.length));
    const fixed = (propWidths: number[]) => [nameWidth, STATES_WIDTH, ...propWidths, ...(withExpectations ? ['expected?'.length] : [])];
    const total = (widths: number[]) => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
    const tags = properties.map((_, i) => `[${i + 1}]`);
    const head = (props: readonly string[]) => ['configuration', 'states', ...props, ...(withExpectations ? ['expected?'] : [])];
    const word = (p: PropertyInfo) => (p.kind === 'temporal' ? LASSO_CELL : WORD_CELL);
    const named = fixed(properties.map((p) => Math.max(p.name.length, word(p))));
    const numbered = fixed(properties.map((p) => word(p)));
    const compact = fixed(properties.map((p) => (p.kind === 'temporal' ? COMPACT_LASSO_CELL : COMPACT_CELL)));
    if (total(named) <= width) this.layout = { headers: head(properties.map((p) => p.name)), widths: named, style: 'words', legend: false };
    else if (total(numbered) <= width) this.layout = { headers: head(tags), widths: numbered, style: 'words', legend: true };
    else this.layout = { headers: head(tags), widths: compact, style: 'compact', legend: true };
    this.aligns = ['left', 'right'];
  }

  header(): string {
    return [tableLine(this.layout.headers, this.layout.widths, this.aligns), rule(this.layout.widths)].join('\n');
  }

  row(row: MatrixRow): string {
    const w = this.layout.widths;
    if (!row.result) {
      const lead = `${pad(row.config, w[0]!)}  ${pad('-', w[1]!, 'right')}  `;
      const first = row.error!.message.split('\n')[0]!;
      const room = Math.max(20, this.width - lead.length - 'error: '.length);
      return `${lead}error: ${first.length > room ? `${first.slice(0, room - 1)}…` : first}`;
    }
    const r = row.result;
    const expected = !row.expected ? '-' : !r.outcome.complete ? '?' : r.mismatches.length ? 'NO' : 'yes';
    const cells = [
      row.config,
      n(r.stats.distinct),
      ...this.properties.map((p) => matrixCell(r, p.name, this.layout.style)),
      ...(this.withExpectations ? [expected] : []),
    ];
    return tableLine(cells, w, this.aligns);
  }

  /** The legend (when headers are numbered) and what the cells mean. */
  footer(): string {
    const lines: string[] = [];
    if (this.layout.legend) {
      lines.push(...wrap(this.properties.map((p, i) => `[${i + 1}] ${p.name}`), this.width));
    }
    const temporal = this.properties.some((p) => p.kind === 'temporal');
    lines.push(`${this.layout.style === 'words' ? '"violated (K)":' : '"✗ K": violated;'} the shortest counterexample has K steps (K + 1 states). "states": distinct states.`);
    if (temporal) lines.push('For a temporal property, K is p+c: its lasso has p states, then a cycle of c states (c = 1: stuttering for ever).');
    return lines.join('\n');
  }

  /** The number of configurations, for the title. */
  get rows(): number { return this.configs.length; }
}
