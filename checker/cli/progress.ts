/**
 * Progress while a search runs: on a terminal, a live status line on stderr (one line, cut to the terminal's width,
 * redrawn at most every 200 ms and erased when the run ends or is interrupted); and, for long runs, a TLC-style
 * `Progress(depth)` line every 5 seconds, kept in the output.
 */
import { formatProgress } from '../output/text.ts';
import type { SearchStats } from '../search/types.ts';

/** The one live status line of the process. */
class StatusLine {
  private shown = false;

  draw(text: string): void {
    if (process.stderr.isTTY !== true) return;
    const width = Math.max(20, (process.stderr.columns || 120) - 1);
    process.stderr.write(`\r\x1b[K${text.slice(0, width)}`);
    this.shown = true;
  }

  /** Erases it (before other output, at the end of a run, on Ctrl-C). */
  clear(): void {
    if (!this.shown) return;
    process.stderr.write('\r\x1b[K');
    this.shown = false;
  }
}

export const statusLine = new StatusLine();

export interface ProgressSink {
  readonly onProgress: (p: SearchStats) => void;
  /** The run ended: erase the status line. */
  readonly done: () => void;
}

/**
 * Progress for one run. `say` prints a kept line; `label` (the configuration, in a matrix) goes in front of each
 * kept line and of the status line.
 */
export function progressPrinter(quiet: boolean, say: (line: string) => void, label?: string): ProgressSink {
  let lastLine = 0;
  let lastStatus = 0;
  const prefix = label ? `${label}: ` : '';
  return {
    onProgress(p) {
      if (quiet) return;
      const ms = p.seconds * 1000;
      if (ms - lastStatus >= 200) {
        lastStatus = ms;
        statusLine.draw(`${prefix}${formatProgress(p)}`);
      }
      // The start of a spill is always said: the pause that follows can be minutes long.
      if (p.spill === 'starting' || (ms - lastLine >= 5000 && p.seconds >= 4.5)) {
        lastLine = ms;
        statusLine.clear();
        say(`${prefix}${formatProgress(p)}`);
      }
    },
    done() { statusLine.clear(); },
  };
}
