/**
 * `--typecheck`: the spec type-checked by the TypeScript compiler before it runs. tsx, which loads specs, strips
 * types without checking them, so a spec with a type error runs until the bad value meets the checker; with
 * --typecheck it is refused first, with the compiler's own messages. The compiler and the options are the spec's
 * project's: the nearest tsconfig.json above the spec, and the `typescript` package its folder resolves (else the
 * one installed beside tlats). Only the spec's own errors count (and those of files it imports), not the whole
 * project's.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SpecLoadError } from '../errors.ts';

type Ts = typeof import('typescript');

/** This package's folder, and its spec language's entry for the compiler: the sources, or dist's declarations. */
const packageRoot = fileURLToPath(new URL(existsSync(fileURLToPath(new URL('../../src/index.ts', import.meta.url))) ? '../../' : '../../../', import.meta.url));
const languageEntry = existsSync(join(packageRoot, 'src/index.ts')) ? join(packageRoot, 'src/index.ts') : join(packageRoot, 'dist/src/index.d.ts');

/** The TypeScript compiler: the spec's project's, else the one beside this package; undefined if neither. */
async function loadTypescript(specFile: string): Promise<Ts | undefined> {
  for (const from of [`${dirname(specFile)}/`, import.meta.url]) {
    try {
      const path = createRequire(from).resolve('typescript');
      const mod = (await import(pathToFileURL(path).href)) as Ts & { default?: Ts };
      return mod.default ?? mod;
    } catch { /* try the next place */ }
  }
  return undefined;
}

/** Throws SpecLoadError listing the compiler's errors in the spec (and what it imports), if there are any. */
export async function typecheckSpec(specFile: string, cwd: string): Promise<void> {
  const ts = await loadTypescript(specFile);
  if (!ts) throw new SpecLoadError('--typecheck needs the TypeScript compiler, and none is installed here: npm i -D typescript');
  const configPath = ts.findConfigFile(dirname(specFile), ts.sys.fileExists);
  let options: import('typescript').CompilerOptions = {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true, allowImportingTsExtensions: true, skipLibCheck: true,
    // No DOM: a spec runs in Node, and the DOM's declarations are the largest library file to parse.
    lib: ['lib.es2023.d.ts'],
  };
  if (configPath) {
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    if (read.error) throw new SpecLoadError(`--typecheck: ${configPath}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
    options = ts.parseJsonConfigFileContent(read.config, ts.sys, dirname(configPath)).options;
  }
  // A spec outside any project that installs tlats still imports 'tlats' (the CLI resolves it to itself): give
  // the compiler the same answer.
  if (!ts.resolveModuleName('tlats', specFile, options, ts.sys).resolvedModule) {
    options = { ...options, paths: { ...options.paths, tlats: [languageEntry], '#tlats': [languageEntry] } };
  }
  const program = ts.createProgram([specFile], { ...options, noEmit: true });
  const ours = (f: string) => f.includes('/node_modules/') || f.startsWith(packageRoot);
  // Diagnostics of the user's files only: asking for the whole program's would type-check every body of tlats'
  // own sources and of the libraries too (25 s of CPU for a one-line spec), where the user's files need only
  // the declarations they use.
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSourceFiles().filter((f) => !ours(f.fileName) && !f.isDeclarationFile)
      .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
  ].filter((d) => !d.file || !ours(d.file.fileName));
  if (diagnostics.length === 0) return;
  const host: import('typescript').FormatDiagnosticsHost = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => cwd,
    getNewLine: () => '\n',
  };
  const shown = diagnostics.slice(0, 20);
  const more = diagnostics.length - shown.length;
  throw new SpecLoadError(`${relative(cwd, specFile) || specFile} does not type-check (${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}${configPath ? `, with ${relative(cwd, configPath) || configPath}` : ', with default options: no tsconfig.json found'}):\n`
    + ts.formatDiagnostics(shown, host).trimEnd() + (more > 0 ? `\n… and ${more} more` : ''));
}
