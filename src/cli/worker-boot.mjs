// Worker threads start without the TypeScript loader; register tsx, then import the real entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entryUrl);
