import { closeSync, fdatasyncSync, fstatSync, fsyncSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Makes commits made at synchronous=NORMAL durable without holding the file's write lock across
 * an fsync: when `sync()` returns, an fdatasync of the WAL file made in the call has finished,
 * so every frame written before the call (the caller's commit, every earlier one
 * of any connection) is on disk (POSIX fdatasync; SQLite's recovery keeps the WAL's frames up to
 * the first bad checksum: sqlite.org/wal.html). Node only.
 *
 * Synchronous: the call blocks its thread for the sync (~0.3 ms under the webhook bench's
 * flood). The webhook recorder syncs on a thread of its own (db/wal-sync-thread.ts) and uses
 * this one when that thread cannot run. Not libuv's threadpool: on a machine with as many
 * runnable threads as cores, handing each sync over and back through it waited on the
 * scheduler, and the bench's draining intake measured 7-9% less than with the sync inline.
 */
export interface WalSync {
  sync(): void;
  close(): void;
}

/**
 * `path` is the database file, already open in WAL mode (its WAL file exists). `fallback` makes
 * everything committed durable another way (a FULL checkpoint) if the WAL file is gone.
 */
export function createWalSync(path: string, fallback: () => void): WalSync {
  const walPath = `${path}-wal`;
  // The WAL file's folder entry is made durable once, as SQLite does for a file it creates.
  const folder = openSync(dirname(walPath), 'r');
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
  let wal = open();

  function open() {
    const fd = openSync(walPath, 'r');
    return { fd, ino: fstatSync(fd).ino };
  }

  /** The WAL's descriptor, opened again if the file was replaced (never while a connection is open; checked anyway). */
  function walFd(): number | undefined {
    const now = statSync(walPath, { throwIfNoEntry: false });
    if (now === undefined) return undefined;
    if (now.ino !== wal.ino) {
      closeSync(wal.fd);
      wal = open();
    }
    return wal.fd;
  }

  return {
    sync() {
      const fd = walFd();
      if (fd === undefined) return fallback();
      try {
        fdatasyncSync(fd);
      } catch (err) {
        throw new Error(`syncing the write-ahead log failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    close() {
      closeSync(wal.fd);
    },
  };
}
