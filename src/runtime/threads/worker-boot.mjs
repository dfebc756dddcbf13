// Boots a worker thread from TypeScript sources (tests, benches, `--import tsx` runs): registers tsx's
// loader in this thread, then imports the real entry. Built troupe starts workers from JavaScript and
// never loads this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
