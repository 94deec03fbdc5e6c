import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/sqlite';
import { createWriteLockBuffer, ENGINE, engineWriteTurn, HOLDER, INTAKE_BUSY } from '../../src/db/write-lock';
import { createSqliteDeliveryRecorder } from '../../src/webhooks/sqlite-delivery-recorder';

const delivery = (invocationId: string) => ({ invocationId, webhookId: null, ticketId: 7, event: 'updated', body: '{}', receivedAt: 0 });

describe('the webhook recorder of a database file', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  function open() {
    const dir = mkdtempSync(join(tmpdir(), 'orc-recorder-'));
    dirs.push(dir);
    const path = join(dir, 'orc.db');
    openSqlite(path).close(); // migrated
    const lock = createWriteLockBuffer();
    const recorder = createSqliteDeliveryRecorder(path, lock);
    const other = new Database(path);
    const rows = () => other.prepare('SELECT invocation_id FROM webhook_deliveries ORDER BY id').pluck().all();
    return { recorder, lock, cells: new Int32Array(lock), rows, close: async () => (other.close(), await recorder.close()) };
  }

  it('commits a turn of deliveries together, answers each once it is on disk, and a repeat as a duplicate', async () => {
    const { recorder, rows, cells, close } = open();
    try {
      const answers = [recorder.record(delivery('a')), recorder.record(delivery('b')), recorder.record(delivery('a'))];
      // Deliveries wait to be committed: the engine's writes are told to wait.
      expect(Atomics.load(cells, INTAKE_BUSY)).toBe(1);
      expect(await Promise.all(answers)).toEqual(['new', 'new', 'duplicate']);
      expect(rows()).toEqual(['a', 'b']);
      expect(Atomics.load(cells, INTAKE_BUSY)).toBe(0);
      expect(await recorder.record(delivery('b'))).toBe('duplicate');
    } finally {
      await close();
    }
  });

  it('waits for an engine write that holds the lock, without blocking the event loop, then commits', async () => {
    const { recorder, lock, cells, rows, close } = open();
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const holding = new Promise<void>((resolve) => (started = resolve));
      const engineWrite = engineWriteTurn(lock, { patienceMs: 60_000 })(async () => {
        started();
        await held;
      });
      await holding;
      expect(Atomics.load(cells, HOLDER)).toBe(ENGINE);
      const answer = recorder.record(delivery('after-the-engine'));
      // The loop turns (this test runs on it) while the commit waits for the lock.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(rows()).toEqual([]);
      release();
      await engineWrite;
      expect(await answer).toBe('new');
      expect(rows()).toEqual(['after-the-engine']);
    } finally {
      await close();
    }
  });

  it('retries a commit that meets another connection’s write lock instead of sleeping, and refuses what it holds when closed', async () => {
    const { recorder, rows, close } = open();
    const dir = dirs[0]!;
    const blocker = new Database(join(dir, 'orc.db'));
    try {
      blocker.exec('BEGIN IMMEDIATE'); // another process's transaction holds SQLite's write lock
      const answer = recorder.record(delivery('later'));
      await new Promise<void>((resolve) => setImmediate(resolve)); // its commit ran (scheduled first) and met the lock
      expect(rows()).toEqual([]);
      blocker.exec('COMMIT');
      expect(await answer).toBe('new');
      expect(rows()).toEqual(['later']);
      await recorder.close();
      await expect(recorder.record(delivery('too-late'))).rejects.toThrow('the webhook recorder is closed');
    } finally {
      blocker.close();
      await close();
    }
  });
});
