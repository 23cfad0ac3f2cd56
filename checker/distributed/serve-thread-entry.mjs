// Entry of a `tlats serve --workers N` thread: the same loaders as the CLI (checker/run/register-loaders.mjs), then
// the thread loads the checker and the specs (.ts) itself.
import '../run/register-loaders.mjs';

const { runServeThread } = await import('./serve-thread.ts');
await runServeThread();
