/**
 * The tutorial (docs/tutorial.md) is run as its reader would: in a fresh folder outside the repository, every
 * file block written, every command run, every printed output compared with what the page shows (times aside).
 * A step of the tutorial that no longer works, or an output the page gets wrong, turns this red.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from './cli-helpers.ts';
import { normalise, playBlocks } from './doc-blocks.ts';

const folder = mkdtempSync(join(tmpdir(), 'tlats-tutorial-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('docs/tutorial.md, played in order', () => {
  const steps = playBlocks(readFileSync(join(root, 'docs/tutorial.md'), 'utf8'), folder, join(root, 'bin/check.mjs'));

  it('has files, commands and outputs to play', () => {
    expect(steps.filter((s) => s.block.info.startsWith('ts file=')).length).toBeGreaterThanOrEqual(4);
    expect(steps.filter((s) => s.expected !== undefined).length).toBeGreaterThanOrEqual(8);
  });

  for (const step of steps.filter((s) => s.expected !== undefined)) {
    it(`line ${step.block.line}: ${step.command}`, () => {
      const actual = normalise(step.actual!);
      const expected = normalise(step.expected!);
      if (step.tail) expect(actual.endsWith(expected), `${actual}\n--- does not end with ---\n${expected}`).toBe(true);
      else expect(actual).toBe(expected);
    });
  }

  it('the first run reads the spec as it stands at section 7 and finds the solution (exit 12)', () => {
    const first = steps.find((s) => s.command === 'npx tlats diehard.ts');
    expect(first?.code).toBe(12);
  });
});
