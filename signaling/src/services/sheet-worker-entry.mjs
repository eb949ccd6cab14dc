// Entry of the import's worker thread. A worker does not inherit the main thread's module
// hooks on Node 20, so it registers tsx (which runs every process of this repository)
// itself before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./sheet-worker.ts');
