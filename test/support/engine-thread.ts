import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CLI_DIST } from '../../scripts/build-cli';
import type { EngineThreadData } from '../../src/engine/thread-driver';

/**
 * The engine's thread from the CLI bundle (built from the current source by the global setup):
 * it is ready in ~0.5 s where the TypeScript entry under tsx takes ~3.5 s (measured on this
 * machine), a cost every service a test starts would pay. The tsx path has its own tests
 * (test/core/engine-thread.test.ts).
 */
export const bundledEngineThread = (data: EngineThreadData): Worker => new Worker(join(CLI_DIST, 'engine-thread.js'), { workerData: data });
