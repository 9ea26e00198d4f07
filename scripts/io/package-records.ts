/**
 * The package cache (.feedwright/cache/packages/): what earlier builds and validations made
 * and checked, kept under a key of everything a package's bytes depend on, so a rebuild with
 * nothing changed zips nothing and reads no source, and `validate` checks only what changed.
 *
 * A package the build publishes is `<key>.zip` with its record `<key>.json`; what was only
 * checked (a release the build does not package, or one validate packaged in memory) is a
 * record in one file for them all, `checked-releases.json` (a thousand small files cost more
 * to write than the checks they save). A record says one of two things about the release
 * whose inputs the key names:
 * - "package": packaging those inputs gives a ZIP of this sha256, md5 and size, whose `.sig`
 *   lines for these keys are these (Ed25519 over its SHA-384, as the build signs);
 * - "source": its pinned source was read and checked (the folder, its paths, the main file),
 *   which is all a build checks of a release it does not package.
 *
 * The cache is not trusted. Anyone who can write the folder (a CI cache restored from a shared
 * store, a careless copy) can replace a file, and a sha256 in a record only catches accidents:
 * whoever substitutes a ZIP can write a record to match. What binds a key to its facts is that
 * this build made them, so that is what a record has to show:
 *
 * 1. It carries a MAC (HMAC-SHA-256) over the key, the kind and every fact (the file of checked
 *    records: one MAC over all of it), under a key derived (HKDF) from the build's current
 *    signing key: only a build holding that key can write one, for that key; an attacker who can write the cache but not sign can neither forge one nor
 *    move a good one to another key. Whoever holds the signing key can sign packages directly,
 *    so this adds no power. The signing key's id is part of every cache key, so records of
 *    another key (a rotation, a development key) are simply not found. A MAC rather than a
 *    signature: checking a thousand records takes milliseconds, and only this key's holder
 *    ever needs to check them. The signing key is never used for anything but a MAC key here,
 *    and a MAC can never pass as one of its signatures.
 * 2. A ZIP is a regular file of the recorded size whose bytes, read once, hash to the recorded
 *    sha256 (read through one open file, at most that many bytes: a FIFO, a device or a huge
 *    file in its place can neither hang the build nor exhaust its memory).
 * 3. A release with a recorded sha256 (the reviewed YAML) must have exactly those bytes.
 *
 * A record or ZIP failing any of these is discarded and the package made again from its
 * source, and the build says so. The output writer then checks that every package it copies
 * from here into the published folder still hashes to the sha256 that was signed.
 */
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readSync, renameSync, writeFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PackageSignature } from "../contract/index.ts";
import { md5Hex, sha256Hex } from "../core/digest.ts";
import type { PackageFacts } from "../core/documents.ts";
import type { SigningKey } from "../core/signing.ts";

/** Part of every record's MAC, and of every cache key: records of another format are never read as this one. */
export const RECORD_FORMAT = "feedwright package record/2";

/** Records are a few hundred bytes; anything much larger is not one. */
const MAX_RECORD_SIZE = 64 * 1024;

export type PackageRecord =
  | { kind: "package"; facts: PackageFacts; signatures: PackageSignature[] }
  | { kind: "source" };

/** What the cache holds for a key: a verified record, a record it discarded (and why), or nothing. */
export type RecordLookup = PackageRecord | { discarded: string } | null;

/** sha256, md5 and size of exactly these bytes. */
export function factsOf(bytes: Buffer): PackageFacts {
  return { sha256: sha256Hex(bytes), md5: md5Hex(bytes), size: bytes.length };
}

/** The records of what was only checked, one file for them all. */
const CHECKED_FORMAT = "feedwright checked releases/1";
const CHECKED_FILE = "checked-releases.json";
/** Read whole: far larger than any real one (a thousand releases make ~150 KiB) is not one. */
const MAX_CHECKED_BYTES = 64 * 1024 * 1024;

type CheckedRecord = { kind: "source" } | { kind: "package"; facts: PackageFacts };

export class PackageRecords {
  readonly dir: string;
  private readonly macKey: Buffer;
  private ready: Promise<void> | null = null;
  /** The checked records as read (verified), and those this run looked up, noted or made. */
  private checkedKnown: Map<string, CheckedRecord> | null = null;
  private readonly checkedUsed = new Map<string, CheckedRecord>();
  private checkedChanged = false;

  constructor(dir: string, signer: SigningKey) {
    this.dir = dir;
    const seed = signer.privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32);
    this.macKey = Buffer.from(hkdfSync("sha256", seed, Buffer.alloc(0), `${RECORD_FORMAT} MAC key`, 32));
  }

  zipPath(key: string): string {
    return path.join(this.dir, `${key}.zip`);
  }

  private recordPath(key: string): string {
    return path.join(this.dir, `${key}.json`);
  }

  private mac(key: string, record: PackageRecord): string {
    const lines = [RECORD_FORMAT, key, record.kind];
    if (record.kind === "package") {
      const { sha256, md5, size } = record.facts;
      lines.push(sha256, md5, String(size), ...record.signatures.map((line) => `${line.key_id} ${line.signature}`));
    }
    return createHmac("sha256", this.macKey)
      .update(`${lines.join("\n")}\n`)
      .digest("hex");
  }

  /** What the checked records say about `key` (verified with the whole file), if anything. */
  checked(key: string): CheckedRecord | null {
    this.checkedKnown ??= this.loadChecked();
    const found = this.checkedUsed.get(key) ?? this.checkedKnown.get(key) ?? null;
    if (found) this.checkedUsed.set(key, found);
    return found;
  }

  /** Keep in the checked records what a package's own record says (so the next run reads one file, not that one). */
  noteChecked(key: string, record: PackageRecord): void {
    this.checked(key);
    const next: CheckedRecord = record.kind === "package" ? { kind: "package", facts: record.facts } : record;
    if (JSON.stringify(this.checkedUsed.get(key)) !== JSON.stringify(next)) this.checkedChanged = true;
    this.checkedUsed.set(key, next);
  }

  /** Write the checked records of this run's releases, when anything changed (write-then-rename). */
  async saveChecked(): Promise<void> {
    if (!this.checkedKnown) return;
    if (!this.checkedChanged && this.checkedUsed.size === this.checkedKnown.size) return;
    const entries = Object.fromEntries(
      [...this.checkedUsed]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, record]) => [key, record.kind === "package" ? { kind: record.kind, ...record.facts } : record]),
    );
    const body = JSON.stringify({ format: CHECKED_FORMAT, entries });
    await this.prepare();
    await writeAtomically(path.join(this.dir, CHECKED_FILE), `{"mac":"${this.macOf(body)}","body":${body}}`);
  }

  private macOf(text: string): string {
    return createHmac("sha256", this.macKey).update(text).digest("hex");
  }

  /** The checked records, when the file's MAC is this build key's; none otherwise (tampered, another key, none yet). */
  private loadChecked(): Map<string, CheckedRecord> {
    const bytes = readRegularFile(path.join(this.dir, CHECKED_FILE), { maxSize: MAX_CHECKED_BYTES });
    if (!Buffer.isBuffer(bytes)) return new Map();
    const match = /^\{"mac":"([0-9a-f]{64})","body":(.*)\}$/s.exec(bytes.toString("utf8"));
    if (!match?.[1] || match[2] === undefined) return new Map();
    if (!timingSafeEqual(Buffer.from(this.macOf(match[2]), "hex"), Buffer.from(match[1], "hex"))) return new Map();
    try {
      const body = JSON.parse(match[2]) as { format?: unknown; entries?: Record<string, Record<string, unknown>> };
      if (body.format !== CHECKED_FORMAT) return new Map();
      const records = new Map<string, CheckedRecord>();
      for (const [key, entry] of Object.entries(body.entries ?? {})) {
        if (entry.kind === "source") records.set(key, { kind: "source" });
        else if (entry.kind === "package")
          records.set(key, {
            kind: "package",
            facts: { sha256: String(entry.sha256), md5: String(entry.md5), size: Number(entry.size) },
          });
      }
      return records;
    } catch {
      return new Map();
    }
  }

  /** The record for `key` when its MAC is this build's for this key; why not otherwise; null when there is none. */
  async read(key: string): Promise<RecordLookup> {
    const bytes = readRegularFile(this.recordPath(key), { maxSize: MAX_RECORD_SIZE });
    if (bytes === null) return null;
    if (!Buffer.isBuffer(bytes)) return { discarded: `its facts file ${bytes.refused}` };
    let parsed: {
      format?: unknown;
      kind?: unknown;
      sha256?: unknown;
      md5?: unknown;
      size?: unknown;
      signatures?: unknown;
      mac?: unknown;
    };
    try {
      parsed = JSON.parse(bytes.toString("utf8")) as typeof parsed;
    } catch {
      return { discarded: "its facts are not JSON" };
    }
    const { kind, sha256, md5, size, signatures, mac } = parsed ?? {};
    if (typeof mac !== "string" || !/^[0-9a-f]{64}$/.test(mac)) return { discarded: "its facts carry no signature" };
    let record: PackageRecord;
    if (kind === "source") record = { kind };
    else if (
      kind === "package" &&
      typeof sha256 === "string" &&
      /^[0-9a-f]{64}$/.test(sha256) &&
      typeof md5 === "string" &&
      /^[0-9a-f]{32}$/.test(md5) &&
      typeof size === "number" &&
      Number.isSafeInteger(size) &&
      size >= 0 &&
      Array.isArray(signatures) &&
      signatures.every(
        (line: { key_id?: unknown; signature?: unknown }) =>
          typeof line?.key_id === "string" && typeof line.signature === "string",
      )
    )
      record = {
        kind,
        facts: { sha256, md5, size },
        signatures: (signatures as PackageSignature[]).map(({ key_id, signature }) => ({ key_id, signature })),
      };
    else return { discarded: "its facts have no sha256, size or signature" };
    const expected = Buffer.from(this.mac(key, record), "hex");
    if (!timingSafeEqual(expected, Buffer.from(mac, "hex")))
      return { discarded: "its facts are not signed by this build's key for this entry" };
    return record;
  }

  /**
   * The ZIP a "package" record describes, read once: its bytes when they are exactly the
   * recorded ones, why not when they are not, null when there is no ZIP (a record that
   * validate wrote for a release the build does not package).
   */
  async readZip(key: string, facts: PackageFacts): Promise<Buffer | { discarded: string } | null> {
    const bytes = readRegularFile(this.zipPath(key), { size: facts.size, maxSize: facts.size });
    if (bytes === null) return null;
    if (!Buffer.isBuffer(bytes)) return { discarded: `its ZIP ${bytes.refused}` };
    const actual = sha256Hex(bytes);
    if (actual !== facts.sha256)
      return {
        discarded: `its ZIP does not hash to the sha256 its facts record: ${bytes.length} bytes, sha256 ${actual}`,
      };
    return bytes;
  }

  /** Record a package (and its ZIP, when given): write-then-rename, ZIP first, so a record only ever describes a complete ZIP. */
  async writePackage(
    key: string,
    facts: PackageFacts,
    signatures: PackageSignature[],
    zip: Buffer | null,
  ): Promise<void> {
    if (!zip) {
      // Checked, not kept: a record among the checked ones.
      this.noteChecked(key, { kind: "package", facts, signatures });
      return;
    }
    await this.prepare();
    await writeAtomically(this.zipPath(key), zip);
    await this.writeRecord(key, { kind: "package", facts, signatures });
  }

  /** Record, in a record of its own, a package's `.sig` lines for a key its record did not have yet. */
  async addSignatures(key: string, facts: PackageFacts, signatures: PackageSignature[]): Promise<void> {
    await this.prepare();
    await this.writeRecord(key, { kind: "package", facts, signatures });
  }

  writeSourceChecked(key: string): void {
    this.noteChecked(key, { kind: "source" });
  }

  private async writeRecord(key: string, record: PackageRecord): Promise<void> {
    const fields =
      record.kind === "package" ? { ...record.facts, signatures: record.signatures } : ({} as Record<string, never>);
    const text = JSON.stringify({ format: RECORD_FORMAT, kind: record.kind, ...fields, mac: this.mac(key, record) });
    await writeAtomically(this.recordPath(key), text);
  }

  private prepare(): Promise<void> {
    this.ready ??= prepareCacheFolder(this.dir);
    return this.ready;
  }
}

/**
 * A regular file's bytes, through one open file: at most `maxSize` bytes, and only if the file
 * is exactly `size` bytes long when given. Null when it does not exist; a reason when it is not
 * a regular file or not that size. O_NONBLOCK: opening a FIFO does not wait. Synchronous: a
 * no-op build reads a record per release, and a thousand small reads through promises cost
 * far more than the reads.
 */
function readRegularFile(
  file: string,
  { size, maxSize }: { size?: number; maxSize: number },
): Buffer | { refused: string } | null {
  let descriptor: number;
  try {
    descriptor = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) return { refused: "is not a regular file" };
    if (size !== undefined && stats.size !== size) return { refused: `is ${stats.size} bytes, not ${size}` };
    if (stats.size > maxSize) return { refused: `is ${stats.size} bytes` };
    const bytes = Buffer.allocUnsafe(stats.size);
    let length = 0;
    while (length < bytes.length) {
      const bytesRead = readSync(descriptor, bytes, length, bytes.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return bytes.subarray(0, length);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * The cache folder, made when missing, with its own `.gitignore` (`*`) as the key folder has:
 * the cache is this machine's state, and `git add -A` in the releases repository must not
 * commit it (a rebuild rewrites some of its files in place).
 */
export async function prepareCacheFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, ".gitignore"), "# feedwright's package cache: local state, never for git\n*\n", {
    flag: "wx",
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "EEXIST") throw error;
  });
}

let temporaryCounter = 0;

/** Write-then-rename; synchronous, as the reads are: a cache file is written in well under a millisecond. */
async function writeAtomically(target: string, data: string | Buffer): Promise<void> {
  temporaryCounter += 1;
  const temporary = `${target}.${process.pid}-${temporaryCounter}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, target);
}
