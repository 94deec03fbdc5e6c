import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/db/sqlite';
import { createWriteLockBuffer, ENGINE, ENGINE_TURN, ENGINE_WAITING, engineWriteTurn, HOLDER, INTAKE, INTAKE_BUSY, releaseEngineHold } from '../../src/db/write-lock';
import { createSqliteDeliveryRecorder } from '../../src/webhooks/sqlite-delivery-recorder';

/** Resolves once `cells[index]` is `value` (a store need not notify: it is looked at again every few ms). */
async function until(cells: Int32Array, index: number, value: number): Promise<void> {
  for (let now = Atomics.load(cells, index); now !== value; now = Atomics.load(cells, index)) {
    const wait = (Atomics as unknown as { waitAsync(c: Int32Array, i: number, v: number, ms: number): { async: boolean; value: Promise<unknown> } }).waitAsync(cells, index, now, 5);
    if (wait.async) await wait.value;
  }
}

describe('the write lock shared by the webhook writer and the engine', () => {
  it('lets an engine write go at once while the writer is idle, and frees the lock after it', async () => {
    const buffer = createWriteLockBuffer();
    const cells = new Int32Array(buffer);
    const turn = engineWriteTurn(buffer, { patienceMs: 60_000 });
    const seen = await turn(async () => Atomics.load(cells, HOLDER));
    expect(seen).toBe(ENGINE);
    expect(Atomics.load(cells, HOLDER)).toBe(0);
    // A write that throws frees it too.
    await expect(turn(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(Atomics.load(cells, HOLDER)).toBe(0);
  });

  it('holds an engine write back while the writer has deliveries to commit, and lets it go when the writer is idle', async () => {
    const buffer = createWriteLockBuffer();
    const cells = new Int32Array(buffer);
    Atomics.store(cells, INTAKE_BUSY, 1);
    Atomics.store(cells, HOLDER, INTAKE);
    let ran = false;
    const write = engineWriteTurn(buffer, { patienceMs: 60_000 })(async () => (ran = true));
    await until(cells, ENGINE_WAITING, 1);
    // The writer commits and releases, but has more to commit: still intake's.
    Atomics.store(cells, HOLDER, 0);
    Atomics.notify(cells, HOLDER);
    expect(ran).toBe(false);
    expect(Atomics.load(cells, ENGINE_WAITING)).toBe(1);
    // Idle now: the engine's write runs.
    Atomics.store(cells, INTAKE_BUSY, 0);
    Atomics.notify(cells, INTAKE_BUSY);
    await write;
    expect(ran).toBe(true);
    expect(Atomics.load(cells, ENGINE_WAITING)).toBe(0);
  });

  it('takes its turn during a flood once its patience is spent, and the turn ends with its write', async () => {
    const buffer = createWriteLockBuffer();
    const cells = new Int32Array(buffer);
    Atomics.store(cells, INTAKE_BUSY, 1); // a flood: the writer never goes idle
    const seen = await engineWriteTurn(buffer, { patienceMs: 0 })(async () => Atomics.load(cells, HOLDER));
    expect(seen).toBe(ENGINE);
    expect(Atomics.load(cells, ENGINE_TURN)).toBe(0);
  });

  it('writes anyway when a holder never lets go (SQLite decides then), and a dead engine thread’s hold can be released', async () => {
    const buffer = createWriteLockBuffer();
    const cells = new Int32Array(buffer);
    Atomics.store(cells, HOLDER, INTAKE);
    expect(await engineWriteTurn(buffer, { patienceMs: 0, maxWaitMs: 1 })(async () => 'wrote')).toBe('wrote');
    expect(Atomics.load(cells, HOLDER)).toBe(INTAKE); // not its hold: left alone
    Atomics.store(cells, HOLDER, ENGINE);
    Atomics.store(cells, ENGINE_WAITING, 3);
    releaseEngineHold(buffer);
    expect([Atomics.load(cells, HOLDER), Atomics.load(cells, ENGINE_WAITING)]).toEqual([0, 0]);
  });

  it('lets engine writes go at once when the webhook recorder closes while busy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orc-write-lock-'));
    try {
      const path = join(dir, 'orc.db');
      openSqlite(path).close();
      const buffer = createWriteLockBuffer();
      const cells = new Int32Array(buffer);
      const recorder = createSqliteDeliveryRecorder(path, buffer);
      Atomics.store(cells, INTAKE_BUSY, 1); // as if closed mid-flood
      await recorder.close();
      await until(cells, INTAKE_BUSY, 0);
      expect(await engineWriteTurn(buffer, { patienceMs: 60_000 })(async () => Atomics.load(cells, HOLDER))).toBe(ENGINE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('with the webhook recorder', () => {
    const dirs: string[] = [];
    afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

    it('commits only when the lock is its to take: an engine write whose turn came goes first', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'orc-write-lock-'));
      dirs.push(dir);
      const path = join(dir, 'orc.db');
      openSqlite(path).close();
      const buffer = createWriteLockBuffer();
      const cells = new Int32Array(buffer);
      const recorder = createSqliteDeliveryRecorder(path, buffer);
      const other = new Database(path, { readonly: true });
      try {
        // An engine write has waited out its patience: the recorder must let it go first.
        Atomics.store(cells, ENGINE_WAITING, 1);
        Atomics.store(cells, ENGINE_TURN, 1);
        const recorded = recorder.record({ invocationId: 'a', webhookId: null, ticketId: 7, event: null, body: '{}', receivedAt: 0 });
        expect(Atomics.load(cells, INTAKE_BUSY)).toBe(1);
        await new Promise<void>((resolve) => setImmediate(resolve)); // its commit ran (scheduled first) and was refused
        expect(other.prepare('SELECT count(*) FROM webhook_deliveries').pluck().get()).toBe(0);
        // The engine took its turn and wrote: the recorder commits and answers, then says it is idle.
        Atomics.store(cells, ENGINE_TURN, 0);
        Atomics.store(cells, ENGINE_WAITING, 0);
        expect(await recorded).toBe('new');
        await until(cells, INTAKE_BUSY, 0);
        expect(Atomics.load(cells, HOLDER)).toBe(0);
        expect(other.prepare('SELECT count(*) FROM webhook_deliveries').pluck().get()).toBe(1);
      } finally {
        other.close();
        await recorder.close();
      }
    });
  });
});
