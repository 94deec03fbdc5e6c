import { closeSync, fdatasync, fstatSync, fsyncSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Makes commits made at synchronous=NORMAL durable without holding the file's write lock across
 * an fsync: `sync()` resolves after an fdatasync of the WAL file that began after it was
 * called, so every frame written before the call (the caller's commit, every earlier one of any
 * connection) is on disk (POSIX fdatasync; SQLite's recovery keeps the WAL's frames up to the
 * first bad checksum: sqlite.org/wal.html). One fdatasync at a time, on libuv's threadpool;
 * callers arriving while one runs share the next. Node only.
 */
export interface WalSync {
  sync(): Promise<void>;
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
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;

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

  function start(): Promise<void> {
    const fd = walFd();
    const done =
      fd === undefined
        ? new Promise<void>((resolve) => {
            fallback();
            resolve();
          })
        : new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(new Error(`syncing the write-ahead log failed: ${err.message}`)) : resolve())));
    running = done;
    const clear = () => {
      if (running === done) running = undefined;
    };
    done.then(clear, clear);
    return done;
  }

  return {
    sync() {
      if (!running) return start();
      // The running sync may have begun before the caller's commit: wait for the one after it.
      next ??= running.then(
        () => undefined,
        () => undefined,
      ).then(() => {
        next = undefined;
        return start();
      });
      return next;
    },
    close() {
      closeSync(wal.fd);
    },
  };
}
