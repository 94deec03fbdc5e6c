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

  function open() {
    const dir = mkdtempSync(join(tmpdir(), 'orc-writer-'));
    dirs.push(dir);
    const path = join(dir, 'orc.db');
    openSqlite(path).close(); // migrated
    const recorder = createThreadedDeliveryRecorder(path);
    // No busy wait at all: a write that found the lock taken would throw SQLITE_BUSY at once.
    const other = new Database(path);
    other.pragma('busy_timeout = 0');
    const rows = () => other.prepare('SELECT invocation_id FROM webhook_deliveries ORDER BY id').pluck().all();
    const mark = (id: string, error: string | null) => other.prepare('UPDATE webhook_deliveries SET error = ? WHERE invocation_id = ?').run(error, id);
    return { recorder, rows, mark, close: async () => (other.close(), await recorder.close()) };
  }

  it('runs a write on another connection between its batches, so that write never waits on its lock', async () => {
    const { recorder, rows, mark, close } = open();
    try {
      const first = recorder.record(delivery('first'));
      const second = recorder.record(delivery('second')); // queued behind the batch in flight
      const seen = await recorder.writeTurn(async () => {
        const now = rows();
        mark('first', 'written between batches');
        return now;
      });
      // The first batch was committed before the write; the second was held back until it ended.
      expect(seen).toEqual(['first']);
      expect(await first).toBe('new');
      expect(await second).toBe('new');
      expect(rows()).toEqual(['first', 'second']);
      // Idle: the write runs at once.
      expect(await recorder.writeTurn(async () => mark('second', null).changes)).toBe(1);
    } finally {
      await close();
    }
  });

  it('sends the next batch as soon as the writes of a gap end, and a later write waits for the gap after it', async () => {
    const { recorder, rows, mark, close } = open();
    try {
      await recorder.record(delivery('first'));
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      // A write that is still under way (its statements span an await) holds the batch back.
      const long = recorder.writeTurn(async () => {
        await held;
        mark('first', 'long write');
        return rows();
      });
      const second = recorder.record(delivery('second'));
      // Deliveries are waiting: this write must not join the gap and hold them off further.
      const late = recorder.writeTurn(async () => rows());
      release();
      expect(await long).toEqual(['first']);
      expect(await second).toBe('new');
      expect(await late).toEqual(['first', 'second']);
    } finally {
      await close();
    }
  });

  it('lets waiting writes go when the writer thread stops, and refuses the deliveries it never answered', async () => {
    const { recorder, close } = open();
    try {
      const pending = recorder.record(delivery('lost'));
      const write = recorder.writeTurn(async () => 'ran');
      await recorder.close();
      expect(await write).toBe('ran');
      await expect(pending).rejects.toThrow('the webhook writer thread stopped');
    } finally {
      await close();
    }
  });
});
