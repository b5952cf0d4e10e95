/**
 * File I/O with the guarantees scripts rely on: a store is replaced atomically (temp file in the same
 * directory, fsync, rename, fsync of the directory), keeps the original's mode, and a new file holding a
 * private key gets 0600. Concurrent writers serialize on an advisory lock file (FILE.lock).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { KtoolError } from '../model/errors';

export function readFileOrFail(file: string, what = 'file'): Uint8Array {
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KtoolError('NOT_FOUND', `${file}: ${what} does not exist`);
    if (code === 'EISDIR') throw new KtoolError('IO', `${file}: is a directory`);
    if (code === 'EACCES') throw new KtoolError('IO', `${file}: permission denied`);
    throw new KtoolError('IO', `${file}: cannot read (${code ?? String(e)})`);
  }
}

export interface WriteOptions {
  /** Mode for a new file (an existing file keeps its own). */
  mode?: number;
  /** Keep the previous content as FILE.bak. */
  backup?: boolean;
}

export function atomicWrite(file: string, data: Uint8Array, opts: WriteOptions = {}): void {
  const dir = path.dirname(path.resolve(file));
  let mode = opts.mode ?? 0o644;
  let existed = false;
  try {
    mode = fs.statSync(file).mode & 0o7777;
    existed = true;
  } catch {
    /* new file */
  }
  removeDeadWritersTemps(dir, path.basename(file));
  const tmp = path.join(dir, `${tempPrefix(path.basename(file))}${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
    try {
      fs.fchmodSync(fd, mode); // the umask must not widen or narrow what we promised
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (existed && opts.backup) fs.copyFileSync(file, `${file}.bak`);
    fs.renameSync(tmp, file);
    syncDir(dir);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    if (e instanceof KtoolError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new KtoolError('IO', `${file}: cannot write (${code ?? String(e)})`);
  }
}

/** Temp files of a store are `.STORE.ktool-PID-HEX.tmp`, beside it (the rename must stay in one file system). */
const tempPrefix = (base: string): string => `.${base}.ktool-`;
const TEMP_SUFFIX = /^(\d+)-[0-9a-f]{8}\.tmp$/;

/**
 * A writer killed between creating its temp file and the rename leaves that file: a full or partial
 * copy of the store, private keys included. The next write of the store removes such files of dead
 * processes (a live pid's is another writer's work in progress).
 */
function removeDeadWritersTemps(dir: string, base: string): void {
  const prefix = tempPrefix(base);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return; // the write itself will report the directory
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = TEMP_SUFFIX.exec(name.slice(prefix.length));
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    try {
      fs.unlinkSync(path.join(dir, name));
    } catch {
      /* removed by another writer */
    }
  }
}

function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* some file systems refuse fsync on directories; the rename is still atomic */
  }
}

const LOCK_TIMEOUT_MS = 60_000;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Take FILE.lock (created with O_EXCL, holding our pid); returns its release function. A lock left by a
 * dead process is taken over. Read-modify-write of a store happens while holding it, so concurrent
 * ktool runs never lose updates.
 */
const EMPTY_LOCK_STALE_MS = 1000;

/** The lock file as read at one moment: its holder's pid (0 while empty) and which file it is. */
export interface LockSeen {
  holder: number;
  ino: bigint;
  mtimeNs: bigint;
}

export function readLock(lock: string): LockSeen | undefined {
  let fd: number;
  try {
    fd = fs.openSync(lock, 'r');
  } catch {
    return undefined; // released meanwhile
  }
  try {
    const st = fs.fstatSync(fd, { bigint: true });
    return { holder: Number(fs.readFileSync(fd, 'utf8')), ino: st.ino, mtimeNs: st.mtimeNs };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Removes a stale lock, but only the file that was judged stale: meanwhile its holder may have
 * released it and another writer taken a new one, which must not be removed (two writers would then
 * hold the store at once; 20 concurrent imports lost entries that way once writers exited promptly).
 * The same lock is the same inode, modification time and content: an inode number is soon reused and
 * timestamps are coarse, but a new lock holds another pid, or none yet.
 */
export function removeStaleLock(lock: string, seen: LockSeen): void {
  const now = readLock(lock);
  if (!now || now.ino !== seen.ino || now.mtimeNs !== seen.mtimeNs || now.holder !== seen.holder) return;
  try {
    fs.unlinkSync(lock);
  } catch {
    /* gone: someone else took it over */
  }
}

export function acquireFileLock(file: string): () => void {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      const fd = fs.openSync(lock, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new KtoolError('IO', `${lock}: cannot create lock file (${code})`);
      const seen = readLock(lock);
      if (!seen) continue;
      const { holder } = seen;
      // Stale: its holder is dead, or it is empty (a holder killed between creating the file and
      // writing its pid, which a live one does at once) and a moment old.
      const ageMs = Date.now() - Number(seen.mtimeNs / 1_000_000n);
      if ((Number.isInteger(holder) && holder > 0 && !pidAlive(holder)) || (!(holder > 0) && ageMs > EMPTY_LOCK_STALE_MS)) {
        removeStaleLock(lock, seen);
        continue;
      }
      if (Date.now() > deadline) throw new KtoolError('IO', `${file}: locked by process ${holder} (remove ${lock} if that process is gone)`);
      sleepSync(wait + Math.random() * wait);
    }
  }
  return () => {
    try {
      fs.unlinkSync(lock);
    } catch {
      /* gone */
    }
  };
}

export function withFileLock<T>(file: string, fn: () => T): T {
  const release = acquireFileLock(file);
  try {
    return fn();
  } finally {
    release();
  }
}
