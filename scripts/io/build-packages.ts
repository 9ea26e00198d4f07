/**
 * Packaging I/O: check each built release's source and package those the plan packages, on
 * every core, remembering what was made and checked in the package cache (package-records.ts)
 * so that a rebuild with nothing changed zips nothing and reads no source, and `validate`
 * checks only what changed. The cache is not trusted: see package-records.ts.
 */
import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import path from "node:path";
import type { PackageSignature } from "../contract/index.ts";
import { sha256Hex } from "../core/digest.ts";
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
  DEFAULT_EXCLUDES,
  PACKAGER_REVISION,
  stampVersionInBytes,
} from "../core/packaging.ts";
import type { PluginPlan, ReleasePlan } from "../core/plan.ts";
import { compareText, type Finding, type LocateField, START_OF_FILE } from "../core/problems.ts";
import { type SigningKey, signFile } from "../core/signing.ts";
import { type RenderedUpdater, renderUpdater, selectUpdaterVersion, type UpdaterVersion } from "../core/updater.ts";
import { checkOwnUpdateClass } from "./geeklog-update-class.ts";
import { factsOf, PackageRecords, RECORD_FORMAT } from "./package-records.ts";
import {
  type GitRepository,
  inspectPlainGitSource,
  SourceError,
  type SourceSnapshot,
  snapshotFromGit,
  snapshotFromWorkingTree,
  UnsafePathError,
} from "./source-reader.ts";
import { readUpdaterVersions } from "./updater-versions.ts";
import { ZipPool } from "./zip-pool.ts";

export { factsOf } from "./package-records.ts";

/** Entry time for packages whose source has no commit time (the working tree). */
export const UNPINNED_PACKAGE_DATE = new Date("2000-01-01T00:00:00Z");

/**
 * A package made or reused: where its bytes are (`file`: a ZIP in the package cache, whose
 * bytes were read once here, hashed, checked and signed, and which the output writer checks
 * its copy of against the same sha256; `bytes` when there is no cache), never every package in
 * memory at once; its facts (from those bytes, or a verified record of them) and one `.sig`
 * line per build key.
 */
export type BuiltPackage = {
  slug: string;
  version: string;
  fileName: string;
  facts: PackageFacts;
  signatures: PackageSignature[];
  reused: boolean;
  sourceLabel: string;
} & ({ file: string } | { bytes: Buffer });

export interface PackagingContext {
  repoRoot: string;
  /**
   * The package cache: records are trusted only when a build holding `cacheSigner` made them
   * (see package-records.ts). Either one null: no cache, every package is made in memory.
   */
  cacheDir: string | null;
  cacheSigner: SigningKey | null;
  /** The keys each package is signed with (its `.sig` lines): the build's; none for validate. */
  signingKeys?: SigningKey[];
  git: GitRepository | null;
  /**
   * Where the shipped updater versions are (site/updater/<N>/); feedwright's own by default.
   * Tests point it at a copy to "upgrade" feedwright's updater.
   */
  updaterDir?: string;
  /** Position of a field (or a nested field's path) in a release file, for messages. */
  locate: LocateField;
  /** How many releases are read and packaged at once (default: twice the cores). */
  concurrency?: number;
  /** Worker threads that zip besides the main thread (default: 1 on two cores, 2 on more; 0: none). */
  zipThreads?: number;
  onProgress?(event: { slug: string; version: string; state: "reused" | "packaged" }): void;
  /** Something the build did that a person should know about, e.g. a cache entry it discarded. */
  onWarning?(message: string): void;
}

/**
 * What is done for a built release:
 * - "package": everything, the ZIP kept in the cache (the build, for packaged releases);
 * - "check": everything the build checks, recorded sha256 included (validate and check); a
 *   release whose inputs a trusted record already vouches for is not made again;
 * - "source": only that the pinned source and its main file exist (the build, for releases
 *   beyond retention, so a no-op rebuild zips nothing); once per inputs, then recorded.
 */
type PackagingMode = "package" | "check" | "source";

/** A field of a release file, by name or by its path into nested fields. */
type Field = string | readonly (string | number)[];
type Report = (field: Field, message: string) => void;

export interface PackagingOptions {
  /** validate and check: check only, publish nothing. */
  checkOnly?: boolean;
  /** Which built releases to look at (check --base: those the change touches); all by default. */
  only?: (plugin: PluginPlan, release: ReleasePlan) => boolean;
}

interface Job {
  plugin: PluginPlan;
  release: ReleasePlan;
  mode: PackagingMode;
}

/**
 * Check every built release and package those the plan packages; `validate` and `check` check
 * only. Releases are worked on `concurrency` at a time (their packages zipped on a worker thread
 * or on this one, see zip-pool.ts); what comes back (packages, problems) is in the plan's order
 * whatever finished first, so the output is the same bytes as one at a time.
 */
export async function buildPackages(
  plugins: PluginPlan[],
  context: PackagingContext,
  { checkOnly = false, only }: PackagingOptions = {},
): Promise<{ packages: BuiltPackage[]; problems: Finding[] }> {
  const records =
    context.cacheDir && context.cacheSigner ? new PackageRecords(context.cacheDir, context.cacheSigner) : null;
  const run: PackagingRun = {
    records,
    updaters: createUpdaterSource(context.updaterDir),
    zips: new ZipPool(context.zipThreads ?? defaultZipThreads()),
  };
  const jobs: Job[] = plugins.flatMap((plugin) =>
    plugin.releases
      .filter((release) => release.built && (!only || only(plugin, release)))
      .map(
        (release): Job => ({ plugin, release, mode: checkOnly ? "check" : release.packaged ? "package" : "source" }),
      ),
  );
  // Every pinned commit is asked about anyway (checkPinnedCommit): all at once, in one go.
  await context.git?.prefetchTypes(
    jobs.flatMap(({ release }) => (release.source.kind === "git" ? [release.source.revision] : [])),
  );
  const results = await mapConcurrently(jobs, context.concurrency ?? 2 * availableParallelism(), (job) =>
    runJob(job, context, run),
  ).finally(() => run.zips.close());
  await records?.saveChecked();
  const packages: BuiltPackage[] = [];
  const problems: Finding[] = [];
  for (const result of results) {
    for (const problem of result.problems) {
      const same = (other: Finding) =>
        other.file === problem.file &&
        other.at.line === problem.at.line &&
        other.at.col === problem.at.col &&
        other.message === problem.message;
      if (!problems.some(same)) problems.push(problem);
    }
    if (result.built) packages.push(result.built);
  }
  return { packages, problems };
}

/**
 * One worker thread beside the main thread on two cores, two on more: each thread costs some
 * 15 MiB, and a third brings little while the main thread reads sources for them.
 */
function defaultZipThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism() - 1));
}

/** `work` on every item, at most `limit` at once; the results in the items' order. */
async function mapConcurrently<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** What the releases of one buildPackages call share. */
interface PackagingRun {
  records: PackageRecords | null;
  updaters: UpdaterSource;
  zips: ZipPool;
}

/** The shipped updater versions, read once per build, and each plugin's rendering of each, made once. */
interface UpdaterSource {
  versions(): UpdaterVersion[];
  render(plugin: PluginPlan, version: UpdaterVersion): { updater: RenderedUpdater | null; digest: string };
}

function createUpdaterSource(updaterDir: string | undefined): UpdaterSource {
  let versions: UpdaterVersion[] | null = null;
  const rendered = new Map<string, { updater: RenderedUpdater | null; digest: string }>();
  return {
    versions() {
      versions ??= readUpdaterVersions(updaterDir);
      return versions;
    },
    render(plugin, version) {
      const id = `${plugin.slug}\n${version.version}`;
      let found = rendered.get(id);
      if (!found) {
        const updater = renderUpdater(plugin, version);
        const digest = sha256Hex(
          JSON.stringify((updater?.files ?? []).map((file) => [file.path, sha256Hex(file.content)])),
        );
        found = { updater, digest };
        rendered.set(id, found);
      }
      return found;
    },
  };
}

/** One release: its problems (in the order they were found) and, in "package" mode, its package. */
async function runJob(
  { plugin, release, mode }: Job,
  context: PackagingContext,
  run: PackagingRun,
): Promise<{ problems: Finding[]; built: BuiltPackage | null }> {
  const problems: Finding[] = [];
  const report = (field: Field, message: string) =>
    problems.push({ file: release.file, at: context.locate(plugin, release, field), message });
  try {
    const built = await buildPackage(plugin, release, context, report, mode, run);
    if (!built) return { problems, built: null };
    const recorded = release.definition.sha256;
    if (recorded && recorded !== built.facts.sha256) {
      report(
        "sha256",
        `sha256: the rebuilt package is ${built.facts.sha256}, not the recorded ${recorded}: a released package must not change (same pinned source, same Node version)`,
      );
      return { problems, built: null };
    }
    if (mode !== "package") return { problems, built: null };
    context.onProgress?.({ slug: plugin.slug, version: release.version, state: built.reused ? "reused" : "packaged" });
    return { problems, built };
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    // The working tree belongs to the plugin, not to the release that pins nothing: a bad
    // name there is reported once, at the plugin's definition.
    if (error instanceof UnsafePathError && release.source.kind === "working-tree")
      problems.push({ file: plugin.file, at: START_OF_FILE, message: error.message });
    else report("source", `source: ${error.message}`);
    return { problems, built: null };
  }
}

/**
 * A pinned commit is in this clone and is a commit: asked of every pinned release, trusted
 * record or not (one line on the object reader), so a clone that lost the history says so.
 */
async function checkPinnedCommit(context: PackagingContext, revision: string): Promise<GitRepository> {
  const { git } = context;
  if (!git) {
    throw new SourceError(
      `pinned to ${revision}, but ${context.repoRoot} is not a git repository: build from a git clone of the releases repository`,
    );
  }
  const type = await git.objectType(revision);
  if (!type) {
    const shallow = await git.isShallow();
    throw new SourceError(
      shallow
        ? `commit ${revision} is not in this clone because it is shallow: run \`git fetch --unshallow\` (or clone with full history, e.g. actions/checkout with fetch-depth: 0)`
        : `commit ${revision} does not exist in this repository (was history rewritten?)`,
    );
  }
  if (type !== "commit")
    throw new SourceError(
      `${revision} is a git ${type} object, not a commit: pin the commit that holds the source (git rev-parse <name>^{commit} prints it)`,
    );
  return git;
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
  const git = await checkPinnedCommit(context, release.source.revision);
  const snapshot = await snapshotFromGit(git, release.source.revision, folder);
  if (snapshot.files.length === 0) throw new SourceError(`${snapshot.label} has no ${folder}/ folder`);
  return snapshot;
}

/**
 * One release's package: its source snapshot (minus excluded files and the updater's paths),
 * the main file stamped and checked, the rendered updater, zipped deterministically; reused
 * from the cache when a trusted record and ZIP for exactly these inputs are there. For a
 * pinned release the cache key is known before any git is read (the commit names the source),
 * so a release a trusted record vouches for costs no git and no zip. Null, with the problem
 * reported, when the release cannot be packaged, or when `mode` asks for less than a package
 * and a trusted record or the check itself says all is well.
 */
async function buildPackage(
  plugin: PluginPlan,
  release: ReleasePlan,
  context: PackagingContext,
  report: Report,
  mode: PackagingMode,
  { records, updaters, zips }: PackagingRun,
): Promise<BuiltPackage | null> {
  const { definition } = plugin;
  if (definition.platform === "geeklog") return buildGeeklogPackage(plugin, release, context, report, mode, zips);
  const chosen = chooseUpdater(plugin, release, updaters, report);
  if (chosen === false) return null;
  const { updater, digest: updaterDigest } = chosen;
  const pinned = release.source.kind === "git" ? release.source.revision : null;
  if (pinned) await checkPinnedCommit(context, pinned);
  const keyOf = (source: CacheKeySource) =>
    packageCacheKey(plugin, release, { source, updater, updaterDigest, signer: context.cacheSigner });
  let key = pinned ? keyOf({ commit: pinned, folder: `source/${plugin.slug}` }) : null;
  const base = { slug: plugin.slug, version: release.version, fileName: release.fileName };
  const discard = (why: string) =>
    context.onWarning?.(
      `discarded the cached package of ${plugin.slug} ${release.version} (${why}) and packaged it again`,
    );
  if (key && records) {
    const trusted = await readTrusted(records, key, release, mode, context.signingKeys ?? [], discard);
    if (trusted === "checked") return null;
    if (trusted) return { ...base, ...trusted, sourceLabel: `commit ${pinned?.slice(0, 12)}` };
  }
  if (mode === "source" && pinned) {
    // A release the build does not package: its folder looked at, not listed, when it is plain.
    const git = await checkPinnedCommit(context, pinned);
    const folder = `source/${plugin.slug}`;
    const plain = await inspectPlainGitSource(git, pinned, folder, definition.main_file ?? "");
    if (plain) {
      if (!plain.hasMainFile || !packagesMainFile(plugin, { files: [{ path: definition.main_file ?? "" }] }, updater)) {
        report(
          "source",
          `source: ${plain.label} has no ${definition.main_file} in ${folder}/ (main_file in ${plugin.file})`,
        );
        return null;
      }
      if (key && records) records.writeSourceChecked(key);
      return null;
    }
  }
  const snapshot = await readSnapshot(plugin, release, context);
  if (!packagesMainFile(plugin, snapshot, updater)) {
    report(
      "source",
      `source: ${snapshot.label} has no ${definition.main_file} in source/${plugin.slug}/ (main_file in ${plugin.file})`,
    );
    return null;
  }
  if (mode === "source") {
    if (key && records) records.writeSourceChecked(key);
    return null;
  }
  const files = selectPackagedFiles(plugin, snapshot, updater);
  const date = snapshot.commitTime ?? UNPINNED_PACKAGE_DATE;
  if (!key) {
    // The working tree: no commit names it, so the key is made of its files' ids.
    key = keyOf({ files: files.map((file) => [file.path, file.id]), date: date.toISOString() });
    if (records && mode === "package") {
      const trusted = await readTrusted(records, key, release, mode, context.signingKeys ?? [], discard);
      if (trusted && trusted !== "checked") return { ...base, ...trusted, sourceLabel: snapshot.label };
    }
  }
  const contents = await snapshot.read(files);
  const packagedMain = preparePackagedMainFile(plugin, release, snapshot, contents, updater, report);
  if (!packagedMain) return null;
  const entries = files.map((file) => ({
    path: file.path,
    content: file.path === definition.main_file ? packagedMain : (contents.get(file.path) ?? Buffer.alloc(0)),
  }));
  for (const file of updater?.files ?? []) entries.push(file);
  const zip = await zips.zip(plugin.slug, entries, date);
  const facts = factsOf(zip);
  const signatures = (context.signingKeys ?? []).map((signingKey) => ({
    key_id: signingKey.id,
    signature: signFile(zip, signingKey),
  }));
  const recorded = release.definition.sha256;
  // Only what is right is remembered: a package that is not the recorded one is reported, not kept.
  const keep = records && (!recorded || recorded === facts.sha256);
  // validate and check keep the record only: a build makes the ZIPs it publishes itself.
  if (keep) await records.writePackage(key, facts, signatures, mode === "package" ? zip : null);
  return {
    ...base,
    ...(keep && mode === "package" ? { file: records.zipPath(key) } : { bytes: zip }),
    facts,
    signatures,
    reused: false,
    sourceLabel: snapshot.label,
  };
}

/**
 * What the cache already vouches for, for one release: for "package", the cached ZIP (read
 * once, hashed, checked against the recorded sha256; its signatures from the record, or made
 * now from those bytes for a key the record lacks); for "check", that a record says packaging
 * these inputs gives the recorded sha256 ("checked"); for "source", that any record does.
 * Null when the release has to be read (and packaged) again; a record or ZIP that fails its
 * checks is reported through `discard` first.
 */
async function readTrusted(
  records: PackageRecords,
  key: string,
  release: ReleasePlan,
  mode: PackagingMode,
  signingKeys: SigningKey[],
  discard: (why: string) => void,
): Promise<{ file: string; facts: PackageFacts; signatures: PackageSignature[]; reused: true } | "checked" | null> {
  const recorded = release.definition.sha256;
  const vouches = (found: { kind: string; facts?: PackageFacts }) =>
    mode === "source" || (found.kind === "package" && (!recorded || recorded === found.facts?.sha256));
  if (mode !== "package") {
    const checked = records.checked(key);
    if (checked && vouches(checked)) return "checked";
  }
  const record = await records.read(key);
  if (record === null) return null;
  if ("discarded" in record) {
    if (mode === "package") discard(record.discarded);
    return null;
  }
  if (mode !== "package") {
    if (!vouches(record)) return null;
    records.noteChecked(key, record);
    return "checked";
  }
  if (record.kind !== "package") return null;
  const bytes = await records.readZip(key, record.facts);
  if (bytes === null) return null;
  if (!Buffer.isBuffer(bytes)) {
    discard(bytes.discarded);
    return null;
  }
  if (recorded && recorded !== record.facts.sha256) {
    discard(`its ZIP is not the package whose sha256 ${release.file} records`);
    return null;
  }
  const known = new Map(record.signatures.map((line) => [line.key_id, line.signature]));
  const missing = signingKeys.filter((signingKey) => !known.has(signingKey.id));
  for (const signingKey of missing) known.set(signingKey.id, signFile(bytes, signingKey));
  const signatures = signingKeys.map((signingKey) => ({
    key_id: signingKey.id,
    signature: known.get(signingKey.id) ?? "",
  }));
  // A key the record did not sign for yet (a next key announced): remembered for the next build.
  if (missing.length > 0)
    await records.addSignatures(key, record.facts, [
      ...record.signatures,
      ...signatures.filter((line) => missing.some((signingKey) => signingKey.id === line.key_id)),
    ]);
  return { file: records.zipPath(key), facts: record.facts, signatures, reused: true };
}

type CacheKeySource = { commit: string; folder: string } | { files: [string, string][]; date: string };

/**
 * The cache key: every input the package's bytes depend on (and api_base, which is checked in
 * them), so a record is used only for exactly the same package. A pinned release's source is
 * named by its commit (which fixes the folder's files and the commit time the entries carry);
 * the working tree's by its files' ids and the date. The signing key's id is in it too: each
 * key has its own records. What is the same for every release of a plugin is written once.
 */
function packageCacheKey(
  plugin: PluginPlan,
  release: ReleasePlan,
  inputs: { source: CacheKeySource; updater: RenderedUpdater | null; updaterDigest: string; signer: SigningKey | null },
): string {
  const shared = sharedKeyInputs(plugin, inputs.updater, inputs.updaterDigest, inputs.signer);
  return sha256Hex(`${shared}\n${JSON.stringify({ version: release.version, source: inputs.source })}`);
}

const sharedKeyText = new WeakMap<PluginPlan, Map<string, string>>();

/** A plugin's part of its releases' cache keys, with one updater and one signer: made once per build. */
function sharedKeyInputs(
  plugin: PluginPlan,
  updater: RenderedUpdater | null,
  updaterDigest: string,
  signer: SigningKey | null,
): string {
  const byVariant = sharedKeyText.get(plugin) ?? new Map<string, string>();
  sharedKeyText.set(plugin, byVariant);
  const variant = `${updater?.version ?? ""} ${updaterDigest} ${signer?.id ?? ""}`;
  let text = byVariant.get(variant);
  if (text === undefined) {
    const { definition } = plugin;
    text = JSON.stringify({
      format: RECORD_FORMAT,
      packager: PACKAGER_REVISION,
      // Deflate output depends on zlib: a different zlib must not reuse another's bytes.
      zlib: process.versions.zlib,
      slug: plugin.slug,
      platform: definition.platform,
      mainFile: definition.main_file,
      versionConstant: definition.version_constant,
      exclude: [...DEFAULT_EXCLUDES, ...definition.exclude],
      // Not in the bytes, but checked in them: a new api_base must be checked again.
      apiBase: definition.api_base,
      signer: signer?.id ?? null,
      // The updater version, and the content of every file rendered from it.
      updaterVersion: updater?.version ?? null,
      updaterPath: updater?.path ?? null,
      updater: updaterDigest,
    });
    byVariant.set(variant, text);
  }
  return text;
}

/**
 * A Geeklog release's package, in the layout Geeklog's repository client unpacks: one top
 * folder named after the plugin (geeklog.name) holding admin/, public_html/, plugins/ and
 * update.php, the class the client loads; rendered from the release's YAML unless the release
 * says update_class: own (then the source's, checked with PHP). Deterministic and signed like
 * every package; made in memory each build (a Geeklog plugin has few releases), not cached.
 */
async function buildGeeklogPackage(
  plugin: PluginPlan,
  release: ReleasePlan,
  context: PackagingContext,
  report: Report,
  mode: PackagingMode,
  zips: ZipPool,
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
  const contents = await snapshot.read(files);
  const entries = files.map((file) => ({ path: file.path, content: contents.get(file.path) ?? Buffer.alloc(0) }));
  if (own) {
    const problems = await checkOwnUpdateClass(contents.get(own.path) ?? Buffer.alloc(0), name);
    for (const problem of problems)
      report(["geeklog", "update_class"], `geeklog.update_class: own: ${snapshot.label}: ${problem}`);
    if (problems.length > 0) return null;
  } else {
    const copied: CopiedFile[] = files.map((file) => {
      const [folder = "", ...rest] = file.path.split("/");
      const sha1 = createHash("sha1")
        .update(contents.get(file.path) ?? Buffer.alloc(0))
        .digest("hex");
      return { folder: folder as GeeklogFolder, path: rest.join("/"), sha1 };
    });
    const text = renderGeeklogUpdateClass({ pluginName: name, title, release: geeklog, files: copied });
    entries.push({ path: GEEKLOG_UPDATE_FILE, content: Buffer.from(text, "utf8") });
  }
  const zip = await zips.zip(name, entries, date);
  return {
    slug: plugin.slug,
    version: release.version,
    fileName: release.fileName,
    bytes: zip,
    facts: factsOf(zip),
    signatures: (context.signingKeys ?? []).map((signingKey) => ({
      key_id: signingKey.id,
      signature: signFile(zip, signingKey),
    })),
    reused: false,
    sourceLabel: snapshot.label,
  };
}

/** Whether the package would hold the main file: it is in the snapshot, not excluded, and not where the updater goes. */
function packagesMainFile(
  plugin: PluginPlan,
  snapshot: { files: { path: string }[] },
  updater: RenderedUpdater | null,
): boolean {
  const main = plugin.definition.main_file;
  if (!main) return false;
  if (createExcludeMatcher(plugin.definition.exclude)(main)) return false;
  if (updater?.files.some((file) => file.path === main)) return false;
  return snapshot.files.some((file) => file.path === main);
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
 * (else the newest), with the digest of its rendered files; updater null when the plugin has
 * none; false, reported at the release's updater_version, when that version cannot be used.
 */
function chooseUpdater(
  plugin: PluginPlan,
  release: ReleasePlan,
  updaters: UpdaterSource,
  report: Report,
): { updater: RenderedUpdater | null; digest: string } | false {
  const none = { updater: null, digest: "" };
  if (!plugin.definition.updater_path && release.definition.updater_version === undefined) return none;
  const versions = updaters.versions();
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
  return version ? updaters.render(plugin, version) : none;
}
