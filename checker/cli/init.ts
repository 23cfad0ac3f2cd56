/**
 * `tlats init [folder]`: a starter project in the folder (default: the current one): a spec, a tsconfig.json that
 * includes it, and a vitest test using the tlats matchers, so that the tutorial starts from one command. It never
 * overwrites: if any of the files exists, nothing is written and the message says which. The spec is the
 * tutorial's first one (docs/tutorial.md): a lock that tests, then takes, in two steps; the test states what
 * its hand analysis finds (two processes both get in after 4 steps; the fixed lock holds).
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UsageError } from '../errors.ts';

const SPEC = `import { defineSpec, except, range, t } from 'tlats';

type Pc = 'idle' | 'checked' | 'cs';
interface State { readonly pc: readonly Pc[]; readonly locked: boolean }

/**
 * A lock for N processes. With atomic: false a process tests the lock and takes it in two steps, so two
 * processes can both see it free and both get in; with atomic: true it tests and takes it in one step.
 */
export default defineSpec({
  name: 'Lock',
  constants: { N: 2, atomic: false },
  schema: (c) => t.record({ pc: t.array(t.enum('idle', 'checked', 'cs'), c.N), locked: t.bool() }),
  init: (c): State => ({ pc: range(c.N).map((): Pc => 'idle'), locked: false }),
  actions: {
    check: {
      params: (c) => ({ p: range(c.N) }),
      next: (s: State, { p }: { p: number }, c) =>
        s.pc[p] !== 'idle' || s.locked ? null
          : c.atomic ? { pc: except(s.pc, p, 'cs'), locked: true }
          : { ...s, pc: except(s.pc, p, 'checked') },
    },
    enter: {
      params: (c) => ({ p: range(c.N) }),
      next: (s: State, { p }: { p: number }) => (s.pc[p] === 'checked' ? { pc: except(s.pc, p, 'cs'), locked: true } : null),
    },
    exit: {
      params: (c) => ({ p: range(c.N) }),
      next: (s: State, { p }: { p: number }) => (s.pc[p] === 'cs' ? { pc: except(s.pc, p, 'idle'), locked: false } : null),
    },
  },
  invariants: {
    mutex: (s) => s.pc.filter((x) => x === 'cs').length <= 1,
  },
  configs: {
    twoStep: { constants: { atomic: false } },
    atomic: { constants: { atomic: true } },
  },
});
`;

const TEST = `import { expect, test } from 'vitest';
import 'tlats/vitest';
import lock from './lock.ts';

// Two processes both test the lock free (2 steps), then both take it (2 steps): mutex fails after 4 steps.
test('the two-step lock lets two processes in', async () => {
  await expect(lock).toViolate('mutex', { config: 'twoStep', steps: 4 });
});

test('the atomic lock keeps them apart', async () => {
  await expect(lock).toHoldAll({ config: 'atomic' });
});
`;

const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noEmit": true,
    "allowImportingTsExtensions": true,
    "skipLibCheck": true
  },
  "include": ["*.ts"]
}
`;

/** The files `init` writes, by name. */
export const STARTER_FILES: Readonly<Record<string, string>> = {
  'lock.ts': SPEC,
  'lock.test.ts': TEST,
  'tsconfig.json': TSCONFIG,
};

/** Writes the starter files into `folder`; returns what to tell the user. */
export function initProject(folder: string, cwd: string): string {
  if (existsSync(folder) && !statSync(folder).isDirectory()) throw new UsageError(`tlats init ${folder}: not a folder`);
  const present = Object.keys(STARTER_FILES).filter((f) => existsSync(join(folder, f)));
  if (present.length) {
    throw new UsageError(`tlats init: ${present.map((f) => join(relative(cwd, folder) || '.', f)).join(', ')} already exist${present.length === 1 ? 's' : ''}; nothing was written (init never overwrites: start in an empty folder, or move ${present.length === 1 ? 'it' : 'them'} away)`);
  }
  try {
    mkdirSync(folder, { recursive: true });
    for (const [name, text] of Object.entries(STARTER_FILES)) writeFileSync(join(folder, name), text, { flag: 'wx' });
  } catch (e) {
    throw new UsageError(`tlats init: cannot write into ${folder} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const at = relative(cwd, folder);
  const cd = at !== '' && at !== '.';
  const install = existsSync(join(folder, 'node_modules', 'tlats')) ? [] : [
    ...(existsSync(join(folder, 'package.json')) ? [] : ['npm init -y && npm pkg set type=module']),
    'npm i -D tlats vitest typescript @types/node',
    '  (tlats is not on the npm registry yet: `npm pack` in a clone of tlats makes tlats-<version>.tgz; install that file)',
  ];
  const steps = [...(cd ? [`cd ${at}`] : []), ...install];
  return [
    `Wrote ${Object.keys(STARTER_FILES).map((f) => join(at || '.', f)).join(', ')}.`,
    '',
    'Next:',
    ...steps.map((x) => `  ${x}`),
    '  npx tlats lock.ts            # the verdict matrix of both configurations',
    '  npx tlats lock.ts --config twoStep   # the counterexample',
    '  npx vitest run               # the same verdicts as unit tests',
    '',
    'The tutorial goes on from here: docs/tutorial.md; testing: docs/testing.md.',
  ].join('\n');
}
