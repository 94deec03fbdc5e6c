// Starts the engine thread's TypeScript entry under tsx (vitest, `npm run dev`): a worker does
// not inherit the parent's loader. Plain JavaScript, as it runs before tsx is registered.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./engine-thread.ts', import.meta.url).href);
