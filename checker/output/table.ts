/** Plain-text tables: columns padded to their widest cell, separated by two spaces, a dashed rule under the header. */

export type Align = 'left' | 'right';

export function pad(text: string, width: number, align: Align = 'left'): string {
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}

export function tableLine(cells: readonly string[], widths: readonly number[], aligns: readonly Align[] = []): string {
  return cells.map((c, i) => pad(c, widths[i] ?? c.length, aligns[i])).join('  ').trimEnd();
}

export function rule(widths: readonly number[]): string {
  return widths.map((w) => '-'.repeat(w)).join('  ');
}

/** A whole table at once (when every row is known). */
export function table(header: readonly string[], rows: readonly (readonly string[])[], aligns: readonly Align[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [tableLine(header, widths, aligns), rule(widths), ...rows.map((r) => tableLine(r, widths, aligns))].join('\n');
}

/** Words wrapped into lines of at most `width` characters, joined by `separator` (a longer word gets its own line). */
export function wrap(words: readonly string[], width: number, separator = '  '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + separator.length + w.length > width) { lines.push(line); line = ''; }
    line = line ? `${line}${separator}${w}` : w;
  }
  if (line) lines.push(line);
  return lines;
}
