import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/sqlite';
import { createWriteLockBuffer, ENGINE, engineWriteTurn, HOLDER, INTAKE_BUSY } from '../../src/db/write-lock';
import { createDeliveryRecorder } from '../../src/webhooks/delivery-recorder';
import { createSqliteDeliveryRecorder } from '../../src/webhooks/sqlite-delivery-recorder';

const delivery = (invocationId: string, ticketId = 7) => ({ invocationId, webhookId: null, ticketId, event: 'updated', body: '{}', receivedAt: 1000 });

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
      const answers = [recorder.record(delivery('a')), recorder.record(delivery('b', 8)), recorder.record(delivery('a'))];
      // Deliveries wait to be committed: the engine's writes are told to wait.
      expect(Atomics.load(cells, INTAKE_BUSY)).toBe(1);
      expect(await Promise.all(answers)).toEqual(['new', 'new', 'duplicate']);
      expect(rows()).toEqual(['a', 'b']);
      expect(Atomics.load(cells, INTAKE_BUSY)).toBe(0);
      expect(await recorder.record(delivery('b', 8))).toBe('duplicate');
    } finally {
      await close();
    }
  });

  it("records a delivery done when an earlier one of its ticket is pending (that one's read answers it), pending once that one is claimed", async () => {
    const { recorder, close } = open();
    const other = new Database(dirs.at(-1) + '/orc.db');
    const state = () => other.prepare('SELECT invocation_id AS id, status, processed_at AS processedAt FROM webhook_deliveries ORDER BY rowid').all();
    try {
      // In one turn (one transaction): the second sees the first pending.
      expect(await Promise.all([recorder.record(delivery('t7-1')), recorder.record(delivery('t7-2')), recorder.record(delivery('t8-1', 8))])).toEqual(['new', 'coalesced', 'new']);
      // Claimed by the engine: its read may have begun, so a later one needs a read of its own.
      other.prepare("UPDATE webhook_deliveries SET status = 'running' WHERE invocation_id = 't7-1'").run();
      expect(await recorder.record(delivery('t7-3'))).toBe('new');
      expect(await recorder.record(delivery('t7-4'))).toBe('coalesced');
      expect(await recorder.record(delivery('t7-4'))).toBe('duplicate');
      expect(state()).toEqual([
        { id: 't7-1', status: 'running', processedAt: null },
        { id: 't7-2', status: 'done', processedAt: 1000 },
        { id: 't8-1', status: 'pending', processedAt: null },
        { id: 't7-3', status: 'pending', processedAt: null },
        { id: 't7-4', status: 'done', processedAt: 1000 },
      ]);
    } finally {
      other.close();
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

describe('the webhook recorder through Drizzle (D1, and SQLite in memory)', () => {
  it('records a delivery done when an earlier one of its ticket is pending; the rows of one statement do not see each other', async () => {
    const handle = openSqlite(':memory:');
    try {
      let flush: (() => void) | undefined;
      const recorder = createDeliveryRecorder(handle.db, (fn) => (flush = fn));
      const turn = async <T>(answers: Promise<T>[]) => {
        flush!();
        return Promise.all(answers);
      };
      // One statement: neither sees the other pending, both get a read of their own.
      expect(await turn([recorder.record(delivery('t7-1')), recorder.record(delivery('t7-2'))])).toEqual(['new', 'new']);
      expect(await turn([recorder.record(delivery('t7-3')), recorder.record(delivery('t8-1', 8)), recorder.record(delivery('t7-1'))])).toEqual(['coalesced', 'new', 'duplicate']);
      handle.sqlite.prepare("UPDATE webhook_deliveries SET status = 'running' WHERE ticket_id = 7 AND status = 'pending'").run();
      expect(await turn([recorder.record(delivery('t7-4'))])).toEqual(['new']);
      const rows = handle.sqlite.prepare('SELECT invocation_id AS id, status, processed_at AS processedAt FROM webhook_deliveries ORDER BY rowid').all();
      expect(rows).toEqual([
        { id: 't7-1', status: 'running', processedAt: null },
        { id: 't7-2', status: 'running', processedAt: null },
        { id: 't7-3', status: 'done', processedAt: 1000 },
        { id: 't8-1', status: 'pending', processedAt: null },
        { id: 't7-4', status: 'pending', processedAt: null },
      ]);
    } finally {
      handle.close();
    }
  });
});
