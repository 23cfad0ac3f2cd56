/**
 * `tlats view FILE.itf.json [-o out.html]`: draws any ITF trace (tlats's, Quint's, Apalache's) as the swimlane page
 * of `--html` (checker/output/html.ts). Lanes come from the trace's `#meta.actor` when it has them, else from its
 * action labels (checker/view/lanes.ts). A file that is missing, not JSON or not ITF is refused with exit 150 (as
 * a spec that does not load); bad arguments with 64.
 */
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UsageError } from '../errors.ts';
import { ExitCode, type ExitCodeValue } from '../exit-codes.ts';
import { renderHtml } from '../output/html.ts';
import { readItfFile } from '../view/itf-reader.ts';
import { traceView } from '../view/trace-view.ts';
import { checkWritable } from './args.ts';

export const VIEW_USAGE = `Usage: tlats view FILE.itf.json [-o out.html]

Draws an ITF trace (written by tlats --itf or --json, Quint or Apalache) as one self-contained HTML page: a lane
per actor (from each state's #meta.actor, else inferred from the action labels), a row per step, the whole state
on click. Without -o, the page is written beside the trace (FILE.html); -o - writes it to stdout.`;

/** Where the page goes without -o: the trace's name with .html for .itf.json (or .json). */
export function defaultViewOutput(file: string): string {
  return file.replace(/(\.itf)?\.json$/i, '') + '.html';
}

export interface ViewIo {
  readonly say: (text: string) => void;
  readonly stdout: (text: string) => void;
  readonly version: string;
}

export function viewCommand(argv: readonly string[], io: ViewIo): ExitCodeValue {
  if (argv.includes('--help') || argv.includes('-h')) { io.say(VIEW_USAGE); return ExitCode.ok; }
  let out: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-o' || a === '--output') {
      if (argv[i + 1] === undefined) throw new UsageError(`tlats view: ${a} needs a file name (or - for stdout)`);
      if (out !== undefined) throw new UsageError(`tlats view: ${a} is given twice; give it once`);
      out = argv[++i]!;
    } else if (a.startsWith('--output=')) out = a.slice('--output='.length);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`tlats view: unknown option ${a}\n\n${VIEW_USAGE}`);
    else files.push(a);
  }
  if (files.length !== 1) throw new UsageError(files.length === 0 ? `tlats view: give the trace file\n\n${VIEW_USAGE}` : `tlats view takes one trace file, not ${files.length}: ${files.join(' ')}`);
  const file = files[0]!;
  const target = out ?? defaultViewOutput(file);
  if (target !== '-') {
    if (target === file) throw new UsageError(`tlats view: the page would overwrite the trace ${file}; give -o out.html`);
    checkWritable('output', target);
  }
  const itf = readItfFile(file);
  const view = traceView(itf, { id: 'trace-1' });
  const html = renderHtml({
    title: `${basename(file)}`,
    summary: [
      `${view.title}${view.verdict ? ` — ${view.verdict}` : ''}`,
      `${itf.states.length} states, variables: ${itf.vars.join(', ') || '(none)'}.`,
    ],
    traces: [view],
    generator: `tlats ${io.version} (tlats view)`,
  });
  if (target === '-') { io.stdout(html); return ExitCode.ok; }
  try {
    writeFileSync(target, html);
  } catch (e) {
    io.say(`tlats view: ${target} could not be written: ${(e as Error).message}`);
    return ExitCode.ioError;
  }
  io.say(`${file}: ${itf.states.length} states in ${view.lanes.length} lane${view.lanes.length === 1 ? '' : 's'} (${view.lanes.join(', ')}${view.lanesInferred ? '; inferred from the action labels' : ''}) written to ${target}`);
  return ExitCode.ok;
}
