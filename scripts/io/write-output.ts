/**
 * Replace the output folder as a whole: everything is written to a staging folder beside it
 * and swapped in with renames, so a failed or interrupted build leaves the previous output
 * as it was (or, after a crash between the two renames, restores it on the next run).
 *
 * The swap deletes whatever was at the target, so it only ever replaces a folder feedwright
 * created itself: one that carries OUTPUT_MARKER (written first into every staging folder), an
 * empty one, or none. Anything else, and the folders a caller protects (the repository, its
 * inputs), is refused before anything is touched. A lock file beside the output makes two
 * builds into one folder take turns, and the clean-up after an interrupted swap deletes or
 * restores only marked folders that no live build owns.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, mkdir, open, readdir, readFile, realpath, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sha256Hex } from "../core/digest.ts";
import { OutputBusyError, OutputTargetError } from "../core/errors.ts";
import { MARKER_FIRST_LINE, MARKER_TEXT, OUTPUT_MARKER, type OutputFile } from "../core/output-files.ts";

export { OUTPUT_MARKER, type OutputFile } from "../core/output-files.ts";

/** Files written at once into the staging folder. */
const WRITES_IN_FLIGHT = 8;

/** Suffix of the lock file beside the output (`dist.feedwright-lock` for `dist`). */
export const LOCK_SUFFIX = ".feedwright-lock";
const DEFAULT_LOCK_WAIT_MS = 120_000;
/** A lock or break guard whose holder cannot be read after this long was left half-written. */
const UNREADABLE_LOCK_STALE_MS = 10_000;

/** A folder the output must not be, hold, or (with `inside`) lie in. */
export interface ProtectedFolder {
  path: string;
  /** How the message names it: "the releases repository (--root)". */
  what: string;
  inside?: boolean;
}

export interface WriteOutputOptions {
  protect?: ProtectedFolder[];
  /** How long to wait for another build writing the same output (default two minutes). */
  lockWaitMs?: number;
}

export async function writeOutputFolder(
  outDir: string,
  files: OutputFile[],
  options: WriteOutputOptions = {},
): Promise<void> {
  const target = path.resolve(outDir);
  // Checked before the lock too: a refused target gets no lock file beside it.
  await checkOutputTarget(target, options.protect);
  await mkdir(path.dirname(target), { recursive: true });
  const release = await acquireOutputLock(target, options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS);
  try {
    await recoverInterruptedSwap(target);
    await checkOutputTarget(target, options.protect);
    await swapInOutput(target, files);
  } finally {
    await release();
  }
}

/**
 * Throw OutputTargetError unless `outDir` may be replaced by a build: it is missing, empty, or
 * a previous output (carries the marker), and it is none of the protected folders, no folder
 * holding one, and not inside one marked `inside`. The current folder is always protected.
 */
export async function checkOutputTarget(outDir: string, protect: ProtectedFolder[] = []): Promise<void> {
  const target = path.resolve(outDir);
  const real = await resolveExisting(target);
  const guarded: ProtectedFolder[] = [...protect, { path: process.cwd(), what: "the current folder" }];
  for (const folder of guarded) {
    const protectedPath = await resolveExisting(path.resolve(folder.path));
    if (protectedPath === real) throw new OutputTargetError(target, `it is ${folder.what}`);
    if (isInside(protectedPath, real)) throw new OutputTargetError(target, `it holds ${folder.what}`);
    if (folder.inside && isInside(real, protectedPath))
      throw new OutputTargetError(target, `it is inside ${folder.what}`);
  }
  const found = await lstat(target).catch(() => null);
  if (!found) return;
  if (found.isSymbolicLink())
    throw new OutputTargetError(target, "it is a symbolic link; give the folder itself, or a new folder");
  if (!found.isDirectory()) throw new OutputTargetError(target, "it is not a folder");
  const entries = await readdir(target);
  if (entries.length === 0 || (await isMarkedOutput(target))) return;
  throw new OutputTargetError(
    target,
    `it is not empty and was not written by feedwright build (no ${OUTPUT_MARKER} in it); ` +
      "choose a new or empty folder, or remove this one yourself if it is an old output",
  );
}

async function swapInOutput(target: string, files: OutputFile[]): Promise<void> {
  const suffix = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const staging = `${target}.staging-${suffix}`;
  // Not recursive: a folder of that name is someone else's and stays as it is.
  await mkdir(staging);
  try {
    // First, so a staging folder left by a crash is recognisably feedwright's.
    await writeFile(path.join(staging, OUTPUT_MARKER), MARKER_TEXT);
    const writes: { destination: string; file: OutputFile }[] = [];
    for (const file of files) {
      const destination = path.join(staging, file.path);
      if (!destination.startsWith(`${staging}${path.sep}`))
        throw new Error(`refusing to write outside the output: ${file.path}`);
      if (destination === path.join(staging, OUTPUT_MARKER)) {
        if ("content" in file && String(file.content) === MARKER_TEXT) continue;
        throw new Error(`refusing to overwrite the output marker: ${file.path}`);
      }
      writes.push({ destination, file });
    }
    // Folders first, then the files a few at a time: the writes overlap on the thread pool.
    for (const folder of new Set(writes.map(({ destination }) => path.dirname(destination))))
      await mkdir(folder, { recursive: true });
    let next = 0;
    const writeNext = async (): Promise<void> => {
      // One buffer per writer for the copies, grown as needed: a hundred packages copied leave
      // no hundred buffers behind for the collector.
      const scratch = { buffer: Buffer.alloc(0) };
      for (let index = next++; index < writes.length; index = next++) {
        const { destination, file } = writes[index] as (typeof writes)[number];
        if ("copyFrom" in file) await copyVerified(file.copyFrom, destination, file.sha256, scratch);
        else await writeFile(destination, file.content);
      }
    };
    await Promise.all(Array.from({ length: WRITES_IN_FLIGHT }, writeNext));
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const previous = `${target}.previous-${suffix}`;
  const hadOutput = await lstat(target).then(
    () => true,
    () => false,
  );
  if (hadOutput) await rename(target, previous);
  await rename(staging, target);
  if (hadOutput) await rm(previous, { recursive: true, force: true });
}

/**
 * Copy a file the build hashed and signed earlier (a package in the cache) into the staging
 * folder, refusing it unless the bytes copied are still the ones whose sha256 was published:
 * the manifest, the feed and the `.sig` files describe `sha256`, so nothing else may go out.
 */
async function copyVerified(
  source: string,
  destination: string,
  sha256: string,
  scratch: { buffer: Buffer },
): Promise<void> {
  // Without waiting on a FIFO put in its place since it was hashed: not a regular file, not published.
  const handle = await open(source, constants.O_RDONLY | constants.O_NONBLOCK);
  let bytes: Buffer;
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`refusing to publish ${source}: it is no longer a regular file`);
    const { size } = info;
    if (scratch.buffer.length < size) scratch.buffer = Buffer.allocUnsafeSlow(size);
    let length = 0;
    while (length < size) {
      const { bytesRead } = await handle.read(scratch.buffer, length, size - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    bytes = scratch.buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
  const actual = sha256Hex(bytes);
  if (actual !== sha256)
    throw new Error(
      `refusing to publish ${source}: it changed while the build ran (sha256 ${actual}, not the ${sha256} it signed); build again`,
    );
  await writeFile(destination, bytes);
}

/**
 * After a crash: a marked `<target>.previous-<pid>-…` comes back when the target is missing
 * (else it is deleted), and a marked `<target>.staging-<pid>-…` is deleted. Runs under the
 * lock; a folder whose owner is another live process, or that carries no marker, is left alone.
 */
async function recoverInterruptedSwap(target: string): Promise<void> {
  const parent = path.dirname(target);
  const leftover = new RegExp(`^${escapeRegExp(path.basename(target))}\\.(staging|previous)-(\\d+)(?:-[0-9a-f]+)?$`);
  const siblings = (await readdir(parent).catch(() => [] as string[])).sort();
  for (const name of siblings) {
    const match = leftover.exec(name);
    if (!match) continue;
    const [, kind, pid] = match;
    const full = path.join(parent, name);
    if (Number(pid) !== process.pid && isProcessAlive(Number(pid))) continue;
    if (!(await isMarkedOutput(full))) continue;
    if (kind === "previous" && !(await exists(target))) await rename(full, target);
    else await rm(full, { recursive: true, force: true });
  }
}

async function isMarkedOutput(folder: string): Promise<boolean> {
  const folderStat = await lstat(folder).catch(() => null);
  if (!folderStat?.isDirectory()) return false;
  const marker = path.join(folder, OUTPUT_MARKER);
  const markerStat = await lstat(marker).catch(() => null);
  if (!markerStat?.isFile()) return false;
  const text = await readFile(marker, "utf8").catch(() => "");
  return text.split("\n", 1)[0] === MARKER_FIRST_LINE;
}

/**
 * Take `<target>.feedwright-lock` (created exclusively, holding our pid and host), waiting up
 * to `waitMs` while a live build holds it; a lock whose process is gone is taken over.
 * Returns the release.
 */
async function acquireOutputLock(target: string, waitMs: number): Promise<() => Promise<void>> {
  const lock = `${target}${LOCK_SUFFIX}`;
  const ours = `pid ${process.pid}\nhost ${hostname()}\ntoken ${randomBytes(8).toString("hex")}\n`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (await createExclusive(lock, ours)) {
      return async () => {
        if ((await readFile(lock, "utf8").catch(() => "")) === ours) await unlink(lock).catch(() => {});
      };
    }
    const held = await readLock(lock);
    if (held && isStale(held)) {
      await breakStaleLock(lock, held.text);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = held?.pid
        ? `pid ${held.pid}${held.host && held.host !== hostname() ? ` on ${held.host}` : ""}`
        : "pid unknown";
      throw new OutputBusyError(
        `another feedwright build (${who}) is writing ${target}; run again when it has finished, ` +
          `or remove ${lock} if no build is running`,
      );
    }
    await sleep(50);
  }
}

interface LockHolder {
  text: string;
  pid?: number;
  host?: string;
  ageMs: number;
}

async function readLock(lock: string): Promise<LockHolder | null> {
  try {
    const [text, info] = await Promise.all([readFile(lock, "utf8"), stat(lock)]);
    const pid = /^pid (\d+)$/m.exec(text)?.[1];
    const host = /^host (.*)$/m.exec(text)?.[1];
    return {
      text,
      ageMs: Date.now() - info.mtimeMs,
      ...(pid ? { pid: Number(pid) } : {}),
      ...(host ? { host } : {}),
    };
  } catch {
    // Gone between the failed create and the read: the next attempt will tell.
    return null;
  }
}

/** Dead holder on this machine, or a lock never filled in. A lock from another host is never judged. */
function isStale(held: LockHolder): boolean {
  if (held.pid === undefined) return held.ageMs > UNREADABLE_LOCK_STALE_MS;
  if (held.host !== undefined && held.host !== hostname()) return false;
  return !isProcessAlive(held.pid);
}

/**
 * Remove a stale lock without removing a fresh one another build took meanwhile: only the
 * holder of `<lock>.break` may delete, and only a lock whose text is still the stale one.
 */
async function breakStaleLock(lock: string, staleText: string): Promise<void> {
  const guard = `${lock}.break`;
  if (!(await createExclusive(guard, `pid ${process.pid}\n`))) {
    const guardAge = await stat(guard).then(
      (info) => Date.now() - info.mtimeMs,
      () => 0,
    );
    if (guardAge > UNREADABLE_LOCK_STALE_MS) await unlink(guard).catch(() => {});
    else await sleep(20);
    return;
  }
  try {
    if ((await readFile(lock, "utf8").catch(() => null)) === staleText) await unlink(lock).catch(() => {});
  } finally {
    await unlink(guard).catch(() => {});
  }
}

async function createExclusive(file: string, text: string): Promise<boolean> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  return true;
}

function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The real path of `file`, with symbolic links resolved as far as the path exists. */
async function resolveExisting(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    const parent = path.dirname(file);
    if (parent === file) return file;
    return path.join(await resolveExisting(parent), path.basename(file));
  }
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== "" && !relative.startsWith(`..${path.sep}`) && relative !== ".." && !path.isAbsolute(relative);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}
