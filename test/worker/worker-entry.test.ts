import type { ExecutionContext } from '@cloudflare/workers-types/latest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import worker from '../../src/worker';
import type { WorkerEnv } from '../../src/worker/bindings';

const ctx: Pick<ExecutionContext, 'waitUntil'> = { waitUntil: () => {} };

describe('Worker entry with invalid settings', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers 503 without touching D1 and logs every problem, naming settings but no secret value', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    // Parsing fails before any binding is used, so D1 and the queue can be absent.
    const env = { ORC_LOG_LEVEL: 'loud', ORC_ZENDESK_URL: 'https://acme.zendesk.com', ORC_ZENDESK_TOKEN: 'tok-secret-value' } as Partial<WorkerEnv> as WorkerEnv;

    const res = await worker.fetch(new Request('http://worker.test/healthz'), env, ctx as ExecutionContext);

    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'misconfigured' } });
    expect(errors.join('\n')).toContain('ORC_LOG_LEVEL');
    expect(errors.join('\n')).toContain('ORC_ZENDESK_EMAIL');
    expect(errors.join('\n')).not.toContain('tok-secret-value');
  });
});
