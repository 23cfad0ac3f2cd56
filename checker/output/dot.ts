/**
 * The state graph in Graphviz DOT (`--dot FILE`): one box per state (its value, as traces show it), one arrow per
 * step labelled with its action, initial states with a double border, and the states and steps of the first
 * counterexample drawn in red and bold (a lasso's closing step too). A pure function of a graph and a trace.
 */
import type { StateGraph } from '../run/state-graph.ts';
import { formatValue } from './values.ts';

/** A DOT string literal: backslashes and quotes escaped, lines left-justified (`\l`). */
function quote(text: string): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return `"${escaped.split('\n').join('\\l')}${text.includes('\n') ? '\\l' : ''}"`;
}

export interface Highlight {
  /** Node ids of the counterexample, in order. */
  readonly path: readonly number[];
  /** For a lasso: the index in `path` the last state steps back to. */
  readonly loopTo?: number;
  readonly title: string;
}

export function toDot(name: string, g: StateGraph, highlight?: Highlight): string {
  const onPath = new Set(highlight?.path ?? []);
  const pathSteps = new Set<string>();
  const path = highlight?.path ?? [];
  for (let i = 1; i < path.length; i++) pathSteps.add(`${path[i - 1]}>${path[i]}`);
  if (highlight?.loopTo !== undefined && path.length) pathSteps.add(`${path.at(-1)}>${path[highlight.loopTo]}`);
  const lines = [
    `digraph ${quote(name)} {`,
    `  label=${quote(highlight ? `${name}: ${highlight.title}` : name)};`,
    '  labelloc=t;',
    '  node [shape=box, fontname="monospace", fontsize=10];',
    '  edge [fontname="monospace", fontsize=9];',
  ];
  for (const n of g.nodes) {
    const attrs = [`label=${quote(formatValue(n.state, { indent: 1 }))}`];
    if (n.initial) attrs.push('peripheries=2');
    if (onPath.has(n.id)) attrs.push('color=red', 'penwidth=2');
    lines.push(`  s${n.id} [${attrs.join(', ')}];`);
  }
  for (const e of g.edges) {
    const attrs = [`label=${quote(e.label)}`];
    if (pathSteps.has(`${e.from}>${e.to}`)) attrs.push('color=red', 'fontcolor=red', 'penwidth=2');
    lines.push(`  s${e.from} -> s${e.to} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
