// Entry of a search worker thread. A worker cannot be started with `--import tsx` on Node 20, but registering tsx
// from inside the worker works: then the worker loads the checker and the user's spec (.ts) itself.
import { register } from 'tsx/esm/api';

register();
const { runWorker } = await import('./worker.ts');
await runWorker();
