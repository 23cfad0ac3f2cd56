/**
 * The text of a simulation run (`--simulate`): the header, the violation with its shortened behaviour and the
 * command that finds it again, and the statistics. Pure functions of a result.
 */
import type { SimResult } from '../run/simulate.ts';
import { formatCount as n } from '../units.ts';
import { describeViolation, formatTrace } from './text.ts';

export function formatSimulationHeader(r: Pick<SimResult, 'specName' | 'config' | 'seed' | 'depth'>, file: string, hasConfigs = false): string {
  const which = r.config !== undefined ? `, configuration ${r.config}` : hasConfigs ? ', the spec\'s default constants (--config NAME simulates one configuration)' : '';
  return `Simulating ${r.specName} (${file})${which}: random behaviours of at most ${n(r.depth)} states, seed ${r.seed}`;
}

export function formatSimulation(r: SimResult, file: string, fullTrace: boolean): string {
  const out: string[] = [];
  const s = r.stats;
  const v = r.violation;
  if (v) {
    const states = (k: number) => `${n(k)} state${k === 1 ? '' : 's'}`;
    const shortened = v.trace.length < v.foundLength ? `; shortened to ${states(v.trace.length)} by dropping steps (still a behaviour of the spec)` : ' (no step could be dropped)';
    out.push(`Error: ${describeViolation({ kind: v.kind, property: v.property })}`,
      `Behaviour ${n(v.behaviour)} of the simulation (seed ${r.seed}) violates it after ${states(v.foundLength)}${shortened}:`,
      formatTrace(v.trace, fullTrace),
      '',
      `Again: npx tlats ${file}${r.config !== undefined ? ` --config ${r.config}` : ''} --simulate --seed ${r.seed} --depth ${r.depth} --traces ${v.behaviour + 1}`);
    if (r.interrupted) out.push('Interrupted (SIGINT) after this was found: behaviours with smaller numbers may not have been walked to their end, so it need not be the first; the command above finds the first.');
  } else if (r.interrupted) {
    out.push('Interrupted (SIGINT): the statistics so far.');
  } else {
    out.push(`No error found in ${n(s.behaviours)} behaviour${s.behaviours === 1 ? '' : 's'} (a simulation samples behaviours: it proves nothing about the others).`);
  }
  const rate = s.seconds > 0 ? Math.round(s.steps / s.seconds) : 0;
  const distinct = s.distinctCapped
    ? `at least ${n(s.distinct)} distinct states seen (counting stopped when the fingerprint table reached the --memory budget)`
    : `${n(s.distinct)} distinct states seen`;
  const threads = r.workers > 1 ? `${n(r.workers)} workers` : 'in the main thread';
  out.push(`${n(s.behaviours)} behaviours, ${n(s.steps)} steps, ${distinct}, the longest behaviour ${states1(s.deepest)}.`,
    `Finished in ${s.seconds < 1 ? `${Math.max(1, Math.round(s.seconds * 1000))} ms (${threads})` : `${s.seconds.toFixed(2)} s (${n(rate)} steps/s, ${threads})`}.`);
  return out.join('\n');
}

const states1 = (k: number) => `${n(k)} state${k === 1 ? '' : 's'}`;
