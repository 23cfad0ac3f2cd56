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

describe('docs/tutorial.md, section 13: the message-passing port', () => {
  // The example needs Immutable.js, which the reader installs; here it is written inside the repository, where
  // `immutable` resolves. Its counts are TLC's for TwoPhase.cfg (tlaplus/Examples transaction_commit/manifest.json).
  it('twophase.ts checks with TLC\'s counts, 288 distinct, 1,146 generated, depth 11', async () => {
    const { fencedBlocks } = await import('./doc-blocks.ts');
    const { mkdtempSync: mk, writeFileSync } = await import('node:fs');
    const { checkConfig } = await import('../checker/run/check.ts');
    const { loadSpec } = await import('../checker/run/load.ts');
    const block = fencedBlocks(readFileSync(join(root, 'docs/tutorial.md'), 'utf8')).find((b) => b.info === 'ts example=twophase.ts');
    expect(block).toBeDefined();
    const dir = mk(join(root, 'test', '.tutorial-'));
    try {
      // (inside the repository, 'tlats' is spelt '#tlats', as in specs/)
      writeFileSync(join(dir, 'twophase.ts'), `${block!.body.replace("from 'tlats'", "from '#tlats'")}\n`);
      const r = await checkConfig(await loadSpec(join(dir, 'twophase.ts')), { workers: 1 });
      expect([r.stats.distinct, r.stats.generated, r.stats.depth, r.violations.length]).toEqual([288, 1146, 11, 0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
