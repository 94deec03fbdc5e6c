import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteHandle } from '../../src/db/sqlite';
import { createEngine } from '../../src/engine/engine';
import { PermanentError } from '../../src/errors';
import { silentLogger } from '../../src/log';
import { createDeliveryRecorder } from '../../src/webhooks/delivery-recorder';

/**
 * Intake records a delivery done when an earlier one of its ticket is still pending: that one's
 * ticket read, not begun yet, answers both. If that read gives up for good, the ticket's last
 * change must still get a read: the newest delivery it was to answer goes back to pending.
 */
describe('deliveries coalesced at intake', () => {
  let handle: SqliteHandle;
  afterEach(() => handle?.close());

  function setUp(failFirst: boolean) {
    handle = openSqlite(':memory:');
    let flush: (() => void) | undefined;
    const recorder = createDeliveryRecorder(handle.db, (fn) => (flush = fn));
    const record = async (invocationId: string) => {
      const answer = recorder.record({ invocationId, webhookId: null, ticketId: 7, event: 'updated', body: '{}', receivedAt: 1000 });
      flush!();
      return answer;
    };
    const reads: string[] = [];
    const engine = createEngine({
      db: handle.db,
      clock: () => 5000,
      log: silentLogger,
      workflows: () => [],
      hooks: {
        processDelivery: async (d) => {
          reads.push(d.invocationId);
          if (failFirst && reads.length === 1) throw new PermanentError('ticket unreadable');
        },
      },
      options: { workerId: 'w', leaseMs: 30_000, maxAttempts: 3 },
    });
    const statuses = () => handle.sqlite.prepare('SELECT invocation_id AS id, status, attempts FROM webhook_deliveries ORDER BY rowid').all();
    return { record, engine, reads, statuses };
  }

  it('are answered by the read of the pending one', async () => {
    const { record, engine, reads, statuses } = setUp(false);
    expect([await record('a'), await record('b'), await record('c')]).toEqual(['new', 'coalesced', 'coalesced']);
    await engine.runDue();
    expect(reads).toEqual(['a']);
    expect(statuses()).toEqual([
      { id: 'a', status: 'done', attempts: 1 },
      { id: 'b', status: 'done', attempts: 0 },
      { id: 'c', status: 'done', attempts: 0 },
    ]);
  });

  it('get a read of their own, the newest of them, when the one they joined fails for good', async () => {
    const { record, engine, reads, statuses } = setUp(true);
    expect([await record('a'), await record('b'), await record('c')]).toEqual(['new', 'coalesced', 'coalesced']);
    await engine.runDue();
    expect(reads).toEqual(['a', 'c']);
    expect(statuses()).toEqual([
      { id: 'a', status: 'failed', attempts: 1 },
      { id: 'b', status: 'done', attempts: 0 },
      { id: 'c', status: 'done', attempts: 1 },
    ]);
  });

  it('stay answered when a later delivery of the ticket is waiting anyway', async () => {
    const { record, engine, reads, statuses } = setUp(true);
    expect(await record('a')).toBe('new');
    // a is claimed (its read may have begun): b needs a read of its own, c joins b.
    const claimed = await engine.claim();
    expect([await record('b'), await record('c')]).toEqual(['new', 'coalesced']);
    await engine.run(claimed!);
    await engine.runDue();
    expect(reads).toEqual(['a', 'b']);
    expect(statuses()).toEqual([
      { id: 'a', status: 'failed', attempts: 1 },
      { id: 'b', status: 'done', attempts: 1 },
      { id: 'c', status: 'done', attempts: 0 },
    ]);
  });
});
