/**
 * Packaging I/O: read each release's pinned source, write its ZIP, and remember the result
 * in a cache so a rebuild with nothing changed zips nothing. The cache is not trusted: see
 * readCacheEntry for what an entry must prove before its bytes are published.
 */
import { createHash, createPublicKey, sign, verify } from "node:crypto";
import { constants } from "node:fs";
import { mkdir, open, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { hash } from "hasha";
import { md5Hex, sha256Hex } from "../core/digest.ts";
import type { PackageFacts } from "../core/documents.ts";
import {
  type CopiedFile,
  GEEKLOG_FOLDERS,
  GEEKLOG_REQUIRED_FILE,
  GEEKLOG_UPDATE_FILE,
  type GeeklogFolder,
  geeklogSourcePathProblem,
  renderGeeklogUpdateClass,
} from "../core/geeklog.ts";
import {
  checkPackagedMainFile,
  createExcludeMatcher,
  PACKAGER_REVISION,
  stampVersionInBytes,
  writeDeterministicZip,
} from "../core/packaging.ts";
import type { PluginPlan, ReleasePlan } from "../core/plan.ts";
import { compareText, type Finding, type LocateField, START_OF_FILE } from "../core/problems.ts";
import type { SigningKey } from "../core/signing.ts";
import { type RenderedUpdater, renderUpdater, selectUpdaterVersion, type UpdaterVersion } from "../core/updater.ts";
import { checkOwnUpdateClass } from "./geeklog-update-class.ts";
import {
  type GitRepository,
  SourceError,
  type SourceSnapshot,
  snapshotFromGit,
  snapshotFromWorkingTree,
  UnsafePathError,
} from "./source-reader.ts";
import { readUpdaterVersions } from "./updater-versions.ts";

/** Entry time for packages whose source has no commit time (the working tree). */
export const UNPINNED_PACKAGE_DATE = new Date("2000-01-01T00:00:00Z");

export interface BuiltPackage {
  slug: string;
  version: string;
  fileName: string;
  /**
   * The ZIP, read once: these exact bytes are hashed, checked, signed and written out (never
   * the cache file again, which could have changed in between).
   */
  bytes: Buffer;
  /** Computed from `bytes`. */
  facts: PackageFacts;
  reused: boolean;
  sourceLabel: string;
}

export interface PackagingContext {
  repoRoot: string;
  /**
   * The package cache: entries are reused only when `cacheSigner` signed them (see
   * readCacheEntry). Either one null: no cache, every package is made in memory.
   */
  cacheDir: string | null;
  cacheSigner: SigningKey | null;
  git: GitRepository | null;
  /**
   * Where the shipped updater versions are (site/updater/<N>/); feedwright's own by default.
   * Tests point it at a copy to "upgrade" feedwright's updater.
   */
  updaterDir?: string;
  /** Position of a field (or a nested field's path) in a release file, for messages. */
  locate: LocateField;
  onProgress?(event: { slug: string; version: string; state: "reused" | "packaged" }): void;
  /** Something the build did that a person should know about, e.g. a cache entry it discarded. */
  onWarning?(message: string): void;
}

/**
 * What is done for a built release:
 * - "package": everything, the ZIP kept in the cache (the build, for packaged releases);
 * - "check": everything the build checks, recorded sha256 included, but nothing written
 *   (validate: every ZIP is made in memory, the cache is neither read nor written);
 * - "source": only that the pinned source and its main file exist (the build, for releases
 *   beyond retention, so a no-op rebuild zips nothing).
 */
type PackagingMode = "package" | "check" | "source";

/** A field of a release file, by name or by its path into nested fields. */
type Field = string | readonly (string | number)[];
type Report = (field: Field, message: string) => void;

/** Check every built release and package those the plan packages; `validate` checks only. */
export async function buildPackages(
  plugins: PluginPlan[],
  context: PackagingContext,
  { checkOnly = false }: { checkOnly?: boolean } = {},
): Promise<{ packages: BuiltPackage[]; problems: Finding[] }> {
  const packages: BuiltPackage[] = [];
  const problems: Finding[] = [];
  const cache = checkOnly || !context.cacheDir || !context.cacheSigner ? null : context.cacheDir;
  // Read once, so every package of one build sees the same updater versions.
  let updaters: UpdaterVersion[] | null = null;
  const readUpdaters = () => {
    updaters ??= readUpdaterVersions(context.updaterDir);
    return updaters;
  };
  if (cache) await mkdir(cache, { recursive: true });
  const add = (problem: Finding) => {
    const same = (other: Finding) =>
      other.file === problem.file &&
      other.at.line === problem.at.line &&
      other.at.col === problem.at.col &&
      other.message === problem.message;
    if (!problems.some(same)) problems.push(problem);
  };
  for (const plugin of plugins) {
    for (const release of plugin.releases.filter((candidate) => candidate.built)) {
      const report = (field: Field, message: string) =>
        add({ file: release.file, at: context.locate(plugin, release, field), message });
      try {
        const mode: PackagingMode = checkOnly ? "check" : release.packaged ? "package" : "source";
        const built = await buildPackage(plugin, release, { ...context, cacheDir: cache }, report, mode, readUpdaters);
        if (!built) continue;
        const recorded = release.definition.sha256;
        if (recorded && recorded !== built.facts.sha256) {
          report(
            "sha256",
            `sha256: the rebuilt package is ${built.facts.sha256}, not the recorded ${recorded}: a released package must not change (same pinned source, same Node version)`,
          );
          continue;
        }
        if (mode !== "package") continue;
        packages.push(built);
        context.onProgress?.({
          slug: plugin.slug,
          version: release.version,
          state: built.reused ? "reused" : "packaged",
        });
      } catch (error) {
        if (!(error instanceof SourceError)) throw error;
        // The working tree belongs to the plugin, not to the release that pins nothing: a bad
        // name there is reported once, at the plugin's definition.
        if (error instanceof UnsafePathError && release.source.kind === "working-tree")
          add({ file: plugin.file, at: START_OF_FILE, message: error.message });
        else report("source", `source: ${error.message}`);
      }
    }
  }
  return { packages, problems };
}

async function readSnapshot(
  plugin: PluginPlan,
  release: ReleasePlan,
  context: PackagingContext,
): Promise<SourceSnapshot> {
  const folder = `source/${plugin.slug}`;
  if (release.source.kind === "working-tree") {
    return snapshotFromWorkingTree(path.join(context.repoRoot, folder), folder).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") throw new SourceError(`${folder}/ does not exist and the release pins no source`);
        throw error;
      },
    );
  }
  const { git } = context;
  if (!git) {
    throw new SourceError(
      `pinned to ${release.source.revision}, but ${context.repoRoot} is not a git repository: build from a git clone of the releases repository`,
    );
  }
  const type = await git.objectType(release.source.revision);
  if (!type) {
    const shallow = await git.isShallow();
    throw new SourceError(
      shallow
        ? `commit ${release.source.revision} is not in this clone because it is shallow: run \`git fetch --unshallow\` (or clone with full history, e.g. actions/checkout with fetch-depth: 0)`
        : `commit ${release.source.revision} does not exist in this repository (was history rewritten?)`,
    );
  }
  const snapshot = await snapshotFromGit(git, release.source.revision, folder);
  if (snapshot.files.length === 0) throw new SourceError(`${snapshot.label} has no ${folder}/ folder`);
  return snapshot;
}

/**
 * One release's package: its source snapshot (minus excluded files and the updater's paths),
 * the main file stamped and checked, the rendered updater, zipped deterministically; reused
 * from the signed cache when an entry for exactly these inputs exists. Null, with the problem
 * reported, when the release cannot be packaged (or `mode` asks only to check the source).
 */
async function buildPackage(
  plugin: PluginPlan,
  release: ReleasePlan,
  context: PackagingContext,
  report: Report,
  mode: PackagingMode,
  readUpdaters: () => UpdaterVersion[],
): Promise<BuiltPackage | null> {
  const { definition } = plugin;
  if (definition.platform === "geeklog") return buildGeeklogPackage(plugin, release, context, report, mode);
  const updater = chooseUpdater(plugin, release, readUpdaters, report);
  if (updater === false) return null;
  const snapshot = await readSnapshot(plugin, release, context);
  const files = selectPackagedFiles(plugin, snapshot, updater);
  if (!definition.main_file || !files.some((file) => file.path === definition.main_file)) {
    report(
      "source",
      `source: ${snapshot.label} has no ${definition.main_file} in source/${plugin.slug}/ (main_file in ${plugin.file})`,
    );
    return null;
  }
  if (mode === "source") return null;
  const date = snapshot.commitTime ?? UNPINNED_PACKAGE_DATE;
  const key = await packageCacheKey(plugin, release, context, { files, updater, date });
  const base = { slug: plugin.slug, version: release.version, fileName: release.fileName, sourceLabel: snapshot.label };
  const cached = await reuseCached(plugin, release, context, mode, key, base);
  if (cached) return cached;
  const contents = await snapshot.read(files);
  const packagedMain = preparePackagedMainFile(plugin, release, snapshot, contents, updater, report);
  if (!packagedMain) return null;
  const entries = files.map((file) => ({
    path: file.path,
    content: file.path === definition.main_file ? packagedMain : (contents.get(file.path) ?? Buffer.alloc(0)),
  }));
  for (const file of updater?.files ?? []) entries.push(file);
  const zip = await writeDeterministicZip(plugin.slug, entries, date);
  return { ...base, bytes: zip, facts: await cacheZip(context, mode, key, zip), reused: false };
}

/** Where a package's cache entry is, when this run uses the cache. */
function cacheEntryOf(context: PackagingContext, mode: PackagingMode, key: string) {
  return context.cacheDir && context.cacheSigner && mode === "package"
    ? { zip: path.join(context.cacheDir, `${key}.zip`), facts: path.join(context.cacheDir, `${key}.json`) }
    : null;
}

/** The cached package for `key` when its entry passes every check (see readCacheEntry); null otherwise. */
async function reuseCached(
  plugin: PluginPlan,
  release: ReleasePlan,
  context: PackagingContext,
  mode: PackagingMode,
  key: string,
  base: Omit<BuiltPackage, "bytes" | "facts" | "reused">,
): Promise<BuiltPackage | null> {
  const entry = cacheEntryOf(context, mode, key);
  if (!entry || !context.cacheSigner) return null;
  const cached = await readCacheEntry(entry, key, context.cacheSigner, release);
  if (cached && "bytes" in cached) return { ...base, bytes: cached.bytes, facts: factsOf(cached.bytes), reused: true };
  if (cached)
    context.onWarning?.(
      `discarded the cached package of ${plugin.slug} ${release.version} (${cached.discarded}) and packaged it again`,
    );
  return null;
}

/** The ZIP's facts, and the ZIP kept in the cache when this run uses it. */
async function cacheZip(
  context: PackagingContext,
  mode: PackagingMode,
  key: string,
  zip: Buffer,
): Promise<PackageFacts> {
  const facts = factsOf(zip);
  const entry = cacheEntryOf(context, mode, key);
  if (entry && context.cacheSigner) {
    // Write-then-rename, ZIP before facts: a facts file only ever describes a complete ZIP.
    await writeAtomically(entry.zip, zip);
    await writeAtomically(
      entry.facts,
      JSON.stringify({ ...facts, signature: signCacheEntry(key, facts, context.cacheSigner) }),
    );
  }
  return facts;
}

/**
 * Bump when the Geeklog package's layout changes: it is part of their cache key (a change to
 * the rendered update.php changes the key by itself, see renderedShape).
 */
const GEEKLOG_PACKAGER_REVISION = "1";

/**
 * A Geeklog release's package, in the layout Geeklog's repository client unpacks: one top
 * folder named after the plugin (geeklog.name) holding admin/, public_html/, plugins/ and
 * update.php, the class the client loads; rendered from the release's YAML unless the release
 * says update_class: own (then the source's, checked with PHP). Deterministic, cached and
 * signed like every package.
 */
async function buildGeeklogPackage(
  plugin: PluginPlan,
  release: ReleasePlan,
  context: PackagingContext,
  report: Report,
  mode: PackagingMode,
): Promise<BuiltPackage | null> {
  const { definition } = plugin;
  const geeklog = release.geeklog;
  const name = definition.geeklog?.name;
  // Without them the YAML has problems of its own, already reported.
  if (!geeklog || !name) return null;
  const snapshot = await readSnapshot(plugin, release, context);
  const isExcluded = createExcludeMatcher(definition.exclude);
  const files = snapshot.files.filter((file) => !isExcluded(file.path)).sort((a, b) => compareText(a.path, b.path));
  let usable = true;
  for (const file of files) {
    const problem = geeklogSourcePathProblem(file.path);
    if (!problem) continue;
    report("source", `source: ${snapshot.label}: ${problem}`);
    usable = false;
  }
  if (!files.some((file) => file.path === GEEKLOG_REQUIRED_FILE)) {
    report(
      "source",
      `source: ${snapshot.label} has no plugins/ folder with functions.inc in source/${plugin.slug}/: a Geeklog plugin's source holds admin/, public_html/ and plugins/ (copied to ${Object.values(GEEKLOG_FOLDERS).join(", ")}), and plugins/functions.inc is the file every Geeklog plugin has`,
    );
    usable = false;
  }
  const own = files.find((file) => file.path === GEEKLOG_UPDATE_FILE);
  if (geeklog.updateClass === "own" && !own) {
    report(
      ["geeklog", "update_class"],
      `geeklog.update_class: own, but ${snapshot.label} has no source/${plugin.slug}/${GEEKLOG_UPDATE_FILE}`,
    );
    usable = false;
  }
  if (geeklog.updateClass === "rendered" && own) {
    report(
      ["geeklog", "update_class"],
      `geeklog.update_class: ${snapshot.label} has its own source/${plugin.slug}/${GEEKLOG_UPDATE_FILE}: write update_class: own to ship it, or remove it to have the build write it from this release`,
    );
    usable = false;
  }
  if (!usable || mode === "source") return null;
  const date = snapshot.commitTime ?? UNPINNED_PACKAGE_DATE;
  const title = `${definition.name} ${release.version}`;
  const copiedFiles = (sha1Of: (file: { path: string }) => string): CopiedFile[] =>
    files
      .filter((file) => file !== own)
      .map((file) => {
        const [folder = "", ...rest] = file.path.split("/");
        return { folder: folder as GeeklogFolder, path: rest.join("/"), sha1: sha1Of(file) };
      });
  // The update class as rendered with the files' ids in place of their SHA-1s: any change to
  // what it renders (this feedwright's template included) changes the key.
  const renderedShape = own
    ? null
    : sha256Hex(
        renderGeeklogUpdateClass({
          pluginName: name,
          title,
          release: geeklog,
          files: copiedFiles((file) => files.find((candidate) => candidate.path === file.path)?.id ?? ""),
        }),
      );
  const key = await packageCacheKey(plugin, release, context, {
    files,
    updater: null,
    date,
    geeklog: { revision: GEEKLOG_PACKAGER_REVISION, name, release: geeklog, renderedShape },
  });
  const base = { slug: plugin.slug, version: release.version, fileName: release.fileName, sourceLabel: snapshot.label };
  const cached = await reuseCached(plugin, release, context, mode, key, base);
  if (cached) return cached;
  const contents = await snapshot.read(files);
  const entries = files.map((file) => ({ path: file.path, content: contents.get(file.path) ?? Buffer.alloc(0) }));
  if (own) {
    const problems = await checkOwnUpdateClass(contents.get(own.path) ?? Buffer.alloc(0), name);
    for (const problem of problems)
      report(["geeklog", "update_class"], `geeklog.update_class: own: ${snapshot.label}: ${problem}`);
    if (problems.length > 0) return null;
  } else {
    const sha1 = (file: { path: string }) =>
      createHash("sha1")
        .update(contents.get(file.path) ?? Buffer.alloc(0))
        .digest("hex");
    const text = renderGeeklogUpdateClass({ pluginName: name, title, release: geeklog, files: copiedFiles(sha1) });
    entries.push({ path: GEEKLOG_UPDATE_FILE, content: Buffer.from(text, "utf8") });
  }
  const zip = await writeDeterministicZip(name, entries, date);
  return { ...base, bytes: zip, facts: await cacheZip(context, mode, key, zip), reused: false };
}

/** The snapshot's files that go into the package, by path: not excluded, and not where the rendered updater goes. */
function selectPackagedFiles(
  plugin: PluginPlan,
  snapshot: SourceSnapshot,
  updater: RenderedUpdater | null,
): SourceSnapshot["files"] {
  const isExcluded = createExcludeMatcher(plugin.definition.exclude);
  // The rendered updater takes the place of any source file at one of its paths.
  const updaterPaths = new Set(updater?.files.map((file) => file.path));
  return snapshot.files
    .filter((file) => !isExcluded(file.path) && !updaterPaths.has(file.path))
    .sort((a, b) => compareText(a.path, b.path));
}

/**
 * The cache key: every input the package's bytes depend on (and api_base, which is checked in
 * them), so an entry is reused only for exactly the same package.
 */
function packageCacheKey(
  plugin: PluginPlan,
  release: ReleasePlan,
  context: PackagingContext,
  inputs: { files: SourceSnapshot["files"]; updater: RenderedUpdater | null; date: Date; geeklog?: object },
): Promise<string> {
  const { definition } = plugin;
  return hash(
    JSON.stringify({
      packager: PACKAGER_REVISION,
      // Deflate output depends on zlib: a different zlib must not reuse another's bytes.
      zlib: process.versions.zlib,
      slug: plugin.slug,
      version: release.version,
      platform: definition.platform,
      mainFile: definition.main_file,
      versionConstant: definition.version_constant,
      // Not in the bytes, but checked in them: a new api_base must be checked again.
      apiBase: definition.api_base,
      date: inputs.date.toISOString(),
      // Entries are signed by the build's key (see readCacheEntry): each key has its own.
      signer: context.cacheSigner?.id ?? null,
      // The updater version, and the content of every file rendered from it.
      updaterVersion: inputs.updater?.version ?? null,
      files: [
        ...inputs.files.map((file) => [file.path, file.id]),
        ...(inputs.updater?.files ?? []).map((file) => [file.path, `rendered ${sha256Hex(file.content)}`]),
      ],
      // A Geeklog package's update.php is rendered from these (and the files' bytes above).
      ...(inputs.geeklog ? { geeklog: inputs.geeklog } : {}),
    }),
    { algorithm: "sha256" },
  );
}

/**
 * The main file as packaged: for WordPress, the release's version stamped into its header (and
 * constant) and then checked (version, api_base, the updater required); other platforms as
 * they are. Null, with the problems reported at the release's source, when it cannot be.
 */
function preparePackagedMainFile(
  plugin: PluginPlan,
  release: ReleasePlan,
  snapshot: SourceSnapshot,
  contents: Map<string, Buffer>,
  updater: RenderedUpdater | null,
  report: Report,
): Buffer | null {
  const { definition } = plugin;
  const mainBytes = contents.get(definition.main_file ?? "") ?? Buffer.alloc(0);
  if (definition.platform !== "wordpress" || !definition.main_file || !definition.version_constant) return mainBytes;
  const stamped = stampVersionInBytes(mainBytes, release.version, definition.version_constant);
  for (const problem of stamped.problems)
    report("source", `source: ${definition.main_file} in ${snapshot.label} ${problem}`);
  if (stamped.problems.length > 0) return null;
  const checks = checkPackagedMainFile(stamped.bytes, {
    version: release.version,
    versionConstant: definition.version_constant,
    apiBase: definition.api_base,
    updaterPath: updater?.path ?? null,
  });
  for (const problem of checks) report("source", `source: packaged ${definition.main_file} ${problem}`);
  return checks.length > 0 ? null : stamped.bytes;
}

/**
 * The updater this release's package carries, rendered from the updater version it records
 * (else the newest); null when the plugin has none; false, reported at the release's
 * updater_version, when that version cannot be used.
 */
function chooseUpdater(
  plugin: PluginPlan,
  release: ReleasePlan,
  readUpdaters: () => UpdaterVersion[],
  report: Report,
): RenderedUpdater | null | false {
  if (!plugin.definition.updater_path && release.definition.updater_version === undefined) return null;
  const versions = readUpdaters();
  const chosen = selectUpdaterVersion(
    plugin,
    release,
    versions.map((candidate) => candidate.version),
  );
  if ("problem" in chosen) {
    report("updater_version", chosen.problem);
    return false;
  }
  const version = versions.find((candidate) => candidate.version === chosen.version);
  return version ? renderUpdater(plugin, version) : null;
}

/** sha256, md5 and size of exactly these bytes. */
export function factsOf(bytes: Buffer): PackageFacts {
  return {
    sha256: sha256Hex(bytes),
    md5: md5Hex(bytes),
    size: bytes.length,
  };
}

/*
 * Why a cache entry can be trusted, and when it is not.
 *
 * The cache key is derived from the inputs (file ids, version, main file, zlib, ...), but the
 * entry under it is just two files anyone with write access to the cache folder can replace
 * (a CI cache restored from a shared store, a careless copy). A sha256 in the facts only
 * catches accidents (a flipped byte, a truncated ZIP): whoever substitutes a ZIP can write
 * facts to match. What binds the key to the bytes is that this build made them from those
 * inputs, so that is what an entry has to show:
 *
 * 1. Its facts carry an Ed25519 signature, by the build's current signing key, over the
 *    cache key and the ZIP's sha256 and size. Only a build holding that key wrote it, for that key; an
 *    attacker who can write the cache but not sign cannot forge one, and cannot move a good
 *    entry to another key. Whoever holds the signing key can sign packages directly, so this
 *    adds no power. The key's id is part of the cache key, so entries of another key (a
 *    rotation, a development key) are simply not found rather than discarded.
 *    The message is text longer than 48 bytes and every package and feed signature is over a
 *    48-byte SHA-384 digest, so an entry's signature can never pass as a signature of a file.
 * 2. The ZIP is a regular file of that size, and its bytes, read once, hash to that sha256.
 *    (Checked through one open file, at most `size` bytes read: a FIFO, a device or a huge
 *    file put in its place can neither hang the build nor exhaust its memory.)
 * 3. A release with a recorded sha256 (the reviewed YAML) must have exactly those bytes.
 *
 * An entry failing any of these is discarded and the package made again from its source, and
 * the build says so. Independently of the cache, runBuild hashes the bytes it signs and
 * publishes, at signing time, and checks them against the recorded sha256 again.
 */
const CACHE_ENTRY_FORMAT = "feedwright package cache entry/1";

/** Facts files are a few hundred bytes; anything much larger is not one. */
const MAX_FACTS_SIZE = 64 * 1024;

function cacheEntryMessage(key: string, sha256: string, size: number): Buffer {
  return Buffer.from(`${CACHE_ENTRY_FORMAT}\n${key}\n${sha256}\n${size}\n`, "utf8");
}

function signCacheEntry(key: string, facts: PackageFacts, signer: SigningKey): string {
  return sign(null, cacheEntryMessage(key, facts.sha256, facts.size), signer.privateKey).toString("base64");
}

/**
 * A regular file's first bytes, through one open file: at most `maxSize` bytes, and only if
 * the file is exactly `size` bytes long when given. Null when it does not exist; a reason
 * when it is not a regular file or not that size. O_NONBLOCK: opening a FIFO does not wait.
 */
async function readRegularFile(
  file: string,
  { size, maxSize }: { size?: number; maxSize: number },
): Promise<Buffer | { refused: string } | null> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  if (!handle) return null;
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { refused: "is not a regular file" };
    if (size !== undefined && stats.size !== size) return { refused: `is ${stats.size} bytes, not ${size}` };
    if (stats.size > maxSize) return { refused: `is ${stats.size} bytes` };
    const bytes = Buffer.alloc(stats.size);
    const { bytesRead } = await handle.read(bytes, 0, stats.size, 0);
    return bytes.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The cached ZIP for `key` when it passes every check above; `{ discarded }` with the reason
 * when an entry is there but does not; null when there is none.
 */
async function readCacheEntry(
  entry: { zip: string; facts: string },
  key: string,
  signer: SigningKey,
  release: ReleasePlan,
): Promise<{ bytes: Buffer } | { discarded: string } | null> {
  const factsBytes = await readRegularFile(entry.facts, { maxSize: MAX_FACTS_SIZE });
  // No facts: no entry (a ZIP without facts is what a build interrupted between the two writes leaves).
  if (factsBytes === null) return null;
  if (!Buffer.isBuffer(factsBytes)) return { discarded: `its facts file ${factsBytes.refused}` };
  let facts: { sha256?: unknown; size?: unknown; signature?: unknown };
  try {
    facts = JSON.parse(factsBytes.toString("utf8")) as typeof facts;
  } catch {
    return { discarded: "its facts are not JSON" };
  }
  const { sha256, size, signature } = facts ?? {};
  if (
    typeof sha256 !== "string" ||
    !/^[0-9a-f]{64}$/.test(sha256) ||
    typeof size !== "number" ||
    !Number.isSafeInteger(size) ||
    size < 0 ||
    typeof signature !== "string"
  )
    return { discarded: "its facts have no sha256, size or signature" };
  const signed = verify(
    null,
    cacheEntryMessage(key, sha256, size),
    createPublicKey(signer.privateKey),
    Buffer.from(signature, "base64"),
  );
  if (!signed) return { discarded: "its facts are not signed by this build's key for this entry" };
  const bytes = await readRegularFile(entry.zip, { size, maxSize: size });
  if (bytes === null) return { discarded: "its ZIP is missing" };
  if (!Buffer.isBuffer(bytes)) return { discarded: `its ZIP ${bytes.refused}` };
  const actual = factsOf(bytes).sha256;
  if (actual !== sha256)
    return {
      discarded: `its ZIP does not hash to the sha256 its facts record: ${bytes.length} bytes, sha256 ${actual}`,
    };
  const recorded = release.definition.sha256;
  if (recorded && recorded !== actual)
    return { discarded: `its ZIP is not the package whose sha256 ${release.file} records` };
  return { bytes };
}

async function writeAtomically(target: string, data: string | Buffer): Promise<void> {
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, target);
}
