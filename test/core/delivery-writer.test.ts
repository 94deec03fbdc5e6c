import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/sqlite';
import { createThreadedDeliveryRecorder } from '../../src/webhooks/sqlite-delivery-recorder';

const delivery = (invocationId: string) => ({ invocationId, webhookId: null, ticketId: 7, event: 'updated', body: '{}', receivedAt: 0 });

describe('the webhook writer thread', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('lets a write on another connection go between its batches, so that write never waits on its lock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orc-writer-'));
    dirs.push(dir);
    const path = join(dir, 'orc.db');
    openSqlite(path).close(); // migrated
    const recorder = createThreadedDeliveryRecorder(path);
    // No busy wait at all: a write that found the lock taken would throw SQLITE_BUSY at once.
    const other = new Database(path);
    other.pragma('busy_timeout = 0');
    try {
      const rows = () => other.prepare('SELECT invocation_id FROM webhook_deliveries ORDER BY id').pluck().all();
      const first = recorder.record(delivery('first'));
      const idle = recorder.whenIdle();
      const second = recorder.record(delivery('second'));
      await idle;
      // The first batch is committed; the second is held back until this turn's writes are done.
      expect(rows()).toEqual(['first']);
      other.prepare("UPDATE webhook_deliveries SET error = 'written between batches' WHERE invocation_id = 'first'").run();
      expect(await first).toBe('new');
      expect(await second).toBe('new');
      expect(rows()).toEqual(['first', 'second']);
      // Idle: nothing to wait for.
      await recorder.whenIdle();
      other.prepare("UPDATE webhook_deliveries SET error = NULL WHERE invocation_id = 'second'").run();
    } finally {
      other.close();
      await recorder.close();
    }
  });
});
