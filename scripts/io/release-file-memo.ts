/**
 * What earlier runs found each release file to define, kept beside the package cache
 * (`release-files.json` in it), so that a thousand unchanged release files are not parsed and
 * validated again on every run (see ReleaseFileMemo in scripts/core/parse-tree.ts).
 *
 * Like the package cache it is not trusted: the file carries an HMAC-SHA-256, under a key
 * derived from the build's signing key, over its entries and the revision of the code that
 * made them, and is ignored whole when that does not check out (a build without the key, a
 * tampered or truncated file) or when the revision differs (any change to feedwright's core or
 * contract code, or to the zod or yaml versions, which decide what a file's bytes define).
 * Entries are keyed by the SHA-256 of a file's exact bytes, so an edited file is simply not
 * found. Only the entries of the files of the last run are kept: it never grows with history.
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { ReleaseFileMemo } from "../core/parse-tree.ts";
import type { ReleaseDefinition } from "../core/schema.ts";
import type { SigningKey } from "../core/signing.ts";
import { prepareCacheFolder } from "./package-records.ts";

const MEMO_FORMAT = "feedwright release files/1";
const MEMO_FILE = "release-files.json";
/** The memo is read whole: far larger than any real one (a thousand releases make ~0.5 MiB) is not one. */
const MAX_MEMO_BYTES = 64 * 1024 * 1024;

export class ReleaseFileMemoStore implements ReleaseFileMemo {
  private readonly file: string;
  private readonly macKey: Buffer;
  private readonly revision: string;
  private readonly known: Map<string, ReleaseDefinition>;
  private readonly used = new Map<string, ReleaseDefinition>();
  private learned = 0;

  constructor(cacheDir: string, signer: SigningKey) {
    this.file = path.join(cacheDir, MEMO_FILE);
    const seed = signer.privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32);
    this.macKey = Buffer.from(hkdfSync("sha256", seed, Buffer.alloc(0), `${MEMO_FORMAT} MAC key`, 32));
    this.revision = codeRevision();
    this.known = this.load();
  }

  recall(text: string | Uint8Array): ReleaseDefinition | undefined {
    const key = keyOf(text);
    // Remembered earlier in this run too: check reads the base's files after the head's.
    const found = this.used.get(key) ?? this.known.get(key);
    if (found) this.used.set(key, found);
    // A copy: what the build does with a definition never reaches the memo.
    return found ? (structuredClone(found) as ReleaseDefinition) : undefined;
  }

  remember(text: string | Uint8Array, definition: ReleaseDefinition): void {
    this.used.set(keyOf(text), structuredClone(definition) as ReleaseDefinition);
    this.learned += 1;
  }

  /** Keep the entries of this run's files, when anything changed (write-then-rename). */
  async save(): Promise<void> {
    if (this.learned === 0 && this.used.size === this.known.size) return;
    const entries = Object.fromEntries([...this.used].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const body = JSON.stringify({ format: MEMO_FORMAT, revision: this.revision, entries });
    const text = `{"mac":"${this.mac(body)}","body":${body}}`;
    await prepareCacheFolder(path.dirname(this.file));
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, text);
    await rename(temporary, this.file);
  }

  private mac(body: string): string {
    return createHmac("sha256", this.macKey).update(body).digest("hex");
  }

  private load(): Map<string, ReleaseDefinition> {
    let text: string;
    try {
      const bytes = readFileSync(this.file);
      if (bytes.length > MAX_MEMO_BYTES) return new Map();
      text = bytes.toString("utf8");
    } catch {
      return new Map();
    }
    // {"mac":"<64 hex>","body":<body>}: the MAC is over the body's exact text.
    const match = /^\{"mac":"([0-9a-f]{64})","body":(.*)\}$/s.exec(text);
    if (!match?.[1] || match[2] === undefined) return new Map();
    const expected = Buffer.from(this.mac(match[2]), "hex");
    if (!timingSafeEqual(expected, Buffer.from(match[1], "hex"))) return new Map();
    try {
      const body = JSON.parse(match[2]) as { format?: unknown; revision?: unknown; entries?: unknown };
      if (body.format !== MEMO_FORMAT || body.revision !== this.revision) return new Map();
      return new Map(Object.entries((body.entries ?? {}) as Record<string, ReleaseDefinition>));
    } catch {
      return new Map();
    }
  }
}

/**
 * The same for one run only, kept nowhere (no key to authenticate it with): `check --base`
 * reads the base's release files after the head's, and most are the same bytes.
 */
export class RunReleaseFileMemo implements ReleaseFileMemo {
  private readonly entries = new Map<string, ReleaseDefinition>();

  recall(text: string | Uint8Array): ReleaseDefinition | undefined {
    const found = this.entries.get(keyOf(text));
    return found ? (structuredClone(found) as ReleaseDefinition) : undefined;
  }

  remember(text: string | Uint8Array, definition: ReleaseDefinition): void {
    this.entries.set(keyOf(text), structuredClone(definition) as ReleaseDefinition);
  }
}

function keyOf(text: string | Uint8Array): string {
  // Text and bytes are read differently (a byte-order mark, UTF-8 checks): never one for the other.
  return createHash("sha256")
    .update(typeof text === "string" ? "text\n" : "bytes\n")
    .update(text)
    .digest("hex");
}

let revision: string | null = null;

/**
 * The code that decides what a release file's bytes define: every file of feedwright's core and
 * contract (the schema, the YAML reader, the checks), and the zod and yaml versions. Read once.
 */
function codeRevision(): string {
  if (revision) return revision;
  const hash = createHash("sha256");
  const scripts = path.resolve(import.meta.dirname, "..");
  for (const folder of ["core", "contract"]) {
    for (const name of readdirSync(path.join(scripts, folder)).sort()) {
      if (!name.endsWith(".ts")) continue;
      hash.update(`${folder}/${name}\n`).update(readFileSync(path.join(scripts, folder, name)));
    }
  }
  for (const name of ["zod", "yaml"]) hash.update(`${name} ${packageVersion(name)}\n`);
  revision = hash.digest("hex");
  return revision;
}

/** The version of the package `name` resolves to from here. */
function packageVersion(name: string): string {
  let folder = path.dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    try {
      const found = JSON.parse(readFileSync(path.join(folder, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (found.name === name) return found.version ?? "unknown";
    } catch {
      // no package.json here: look further up
    }
    const parent = path.dirname(folder);
    if (parent === folder) return "unknown";
    folder = parent;
  }
}
