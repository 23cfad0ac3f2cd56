// Loaders for the checker's own TypeScript and for specs: tsx (TypeScript, in ESM and CommonJS scopes alike) and
// the resolution of `tlats` to this package (./resolve-tlats.mjs). Imported first by bin/check.mjs and by every
// worker thread (checker/parallel/worker-entry.mjs): a worker cannot be started with `--import tsx` on Node 20.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
register('./resolve-tlats.mjs', import.meta.url);
