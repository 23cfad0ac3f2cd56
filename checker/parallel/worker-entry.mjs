// Entry of a search worker thread: the same loaders as the CLI (checker/run/register-loaders.mjs), then the
// worker loads the checker and the user's spec (.ts) itself.
import '../run/register-loaders.mjs';

const { runWorker } = await import('./worker.ts');
await runWorker();
