/**
 * Executable documentation: the fenced blocks of a Markdown page, read in order, as the tutorial's reader meets
 * them. A block's info string says what it is:
 *
 *   ```ts file=NAME      the whole file NAME as it stands at this point (written into the reader's folder)
 *   ```sh run            commands the reader types; each `npx tlats ...` line is run in that folder
 *   ```text output       what the last command prints (stdout, then stderr), compared whole
 *   ```text output-tail  the last lines of what it prints
 *
 * Other blocks (fragments, for reading) are skipped. Times are not compared (`Finished in …`, the liveness phase's).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Block {
  readonly info: string;
  readonly body: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

export function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S.*)?$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    blocks.push({ info: (open[1] ?? '').trim(), body: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

/** Lines whose content depends on the machine's speed. */
export function normalise(text: string): string {
  return text.trimEnd().split('\n').map((l) => l.replace(/^Finished in .*$/, 'Finished in …')
    .replace(/^(Temporal properties: .*) in [\d.]+ m?s\.$/, '$1 in …')).join('\n');
}

export interface Step {
  readonly block: Block;
  /** For an output block: what the command printed. */
  readonly actual?: string;
  readonly expected?: string;
  readonly tail?: boolean;
  readonly command?: string;
  readonly code?: number | null;
}

/** Plays the page's blocks in `folder`: writes the files, runs the commands, pairs each output with its command. */
export function playBlocks(markdown: string, folder: string, checker: string): Step[] {
  const steps: Step[] = [];
  let last: { command: string; output: string; code: number | null } | undefined;
  for (const block of fencedBlocks(markdown)) {
    const [kind, ...attrs] = block.info.split(/\s+/);
    const attr = Object.fromEntries(attrs.map((a) => a.split('=') as [string, string]));
    if (kind === 'ts' && attr.file) {
      writeFileSync(join(folder, attr.file), `${block.body}\n`);
      steps.push({ block });
    } else if (kind === 'sh' && 'run' in attr) {
      for (const line of block.body.split('\n')) {
        const command = line.replace(/\s+#.*$/, '').trim();
        if (!command.startsWith('npx tlats ')) continue;
        const args = command.slice('npx tlats '.length).split(/\s+/);
        const r = spawnSync(process.execPath, [checker, ...args], { cwd: folder, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
        last = { command, output: `${r.stdout}${r.stderr}`, code: r.status };
        steps.push({ block, command, code: r.status });
      }
    } else if (kind === 'text' && (attr.output !== undefined || 'output' in attr || 'output-tail' in attr)) {
      const tail = 'output-tail' in attr;
      steps.push({ block, command: last?.command, code: last?.code, actual: last?.output ?? '(no command ran)', expected: block.body, tail });
    }
  }
  return steps;
}
