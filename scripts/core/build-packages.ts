/**
 * Packaging I/O: read each release's pinned source, write its ZIP, and remember the result
 * in a content-addressed cache so a rebuild with nothing changed zips nothing.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { hash } from "hasha";
import type { PackageFacts } from "./documents.ts";
import {
  checkPackagedMainFile,
  createExcludeMatcher,
  PACKAGER_REVISION,
  stampVersionInBytes,
  writeDeterministicZip,
} from "./packaging.ts";
import type { PluginPlan, ReleasePlan } from "./plan.ts";
import { type Position, START_OF_FILE } from "./problems.ts";
import {
  type GitRepository,
  SourceError,
  type SourceSnapshot,
  snapshotFromGit,
  snapshotFromWorkingTree,
  UnsafePathError,
} from "./source-reader.ts";
import { renderUpdater } from "./updater.ts";

/** Entry time for packages whose source has no commit time (the working tree). */
export const UNPINNED_PACKAGE_DATE = new Date("2000-01-01T00:00:00Z");

export interface BuiltPackage {
  slug: string;
  version: string;
  fileName: string;
  /** The ZIP's bytes live here (in the cache); the writer copies them into the output. */
  cachedPath: string;
  facts: PackageFacts;
  reused: boolean;
  sourceLabel: string;
}

export interface PackagingProblem {
  file: string;
  at: Position;
  message: string;
}

export interface PackagingContext {
  repoRoot: string;
  cacheDir: string;
  git: GitRepository | null;
  /** Position of a field in a release file, for messages. */
  locate(plugin: PluginPlan, release: ReleasePlan, field: string): Position;
  onProgress?(event: { slug: string; version: string; state: "reused" | "packaged" }): void;
}

/**
 * What is done for a built release:
 * - "package": everything, the ZIP kept in the cache (the build, for packaged releases);
 * - "check": everything the build checks, recorded sha256 included, but nothing written
 *   (validate; a ZIP not in the cache is made in memory);
 * - "source": only that the pinned source and its main file exist (the build, for releases
 *   beyond retention, so a no-op rebuild zips nothing).
 */
type PackagingMode = "package" | "check" | "source";

/** Check every built release and package those the plan packages; `validate` checks only. */
export async function buildPackages(
  plugins: PluginPlan[],
  context: PackagingContext,
  { checkOnly = false }: { checkOnly?: boolean } = {},
): Promise<{ packages: BuiltPackage[]; problems: PackagingProblem[] }> {
  const packages: BuiltPackage[] = [];
  const problems: PackagingProblem[] = [];
  if (!checkOnly) await mkdir(context.cacheDir, { recursive: true });
  const add = (problem: PackagingProblem) => {
    const same = (other: PackagingProblem) =>
      other.file === problem.file &&
      other.at.line === problem.at.line &&
      other.at.col === problem.at.col &&
      other.message === problem.message;
    if (!problems.some(same)) problems.push(problem);
  };
  for (const plugin of plugins) {
    for (const release of plugin.releases.filter((candidate) => candidate.built)) {
      const report = (field: string, message: string) =>
        add({ file: release.file, at: context.locate(plugin, release, field), message });
      try {
        const mode: PackagingMode = checkOnly ? "check" : release.packaged ? "package" : "source";
        const built = await buildPackage(plugin, release, context, report, mode);
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

async function buildPackage(
  plugin: PluginPlan,
  release: ReleasePlan,
  context: PackagingContext,
  report: (field: string, message: string) => void,
  mode: PackagingMode,
): Promise<BuiltPackage | null> {
  const { definition } = plugin;
  const snapshot = await readSnapshot(plugin, release, context);
  const isExcluded = createExcludeMatcher(definition.exclude);
  // The rendered updater takes the place of any source file at its path.
  const updater = renderUpdater(plugin);
  const files = snapshot.files
    .filter((file) => !isExcluded(file.path) && file.path !== updater?.path)
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const stampsVersion = definition.platform === "wordpress";
  if (!files.some((file) => file.path === definition.main_file)) {
    report(
      "source",
      `source: ${snapshot.label} has no ${definition.main_file} in source/${plugin.slug}/ (main_file in ${plugin.file})`,
    );
    return null;
  }
  if (mode === "source") return null;
  const date = snapshot.commitTime ?? UNPINNED_PACKAGE_DATE;
  const key = await hash(
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
      date: date.toISOString(),
      files: [
        ...files.map((file) => [file.path, file.id]),
        ...(updater ? [[updater.path, `rendered ${createHash("sha256").update(updater.content).digest("hex")}`]] : []),
      ],
    }),
    { algorithm: "sha256" },
  );
  const cachedPath = path.join(context.cacheDir, `${key}.zip`);
  const factsPath = path.join(context.cacheDir, `${key}.json`);
  const cachedFacts = await readFile(factsPath, "utf8")
    .then((text) => JSON.parse(text) as PackageFacts)
    .catch(() => null);
  const base = {
    slug: plugin.slug,
    version: release.version,
    fileName: release.fileName,
    cachedPath,
    sourceLabel: snapshot.label,
  };
  if (cachedFacts) {
    return { ...base, facts: cachedFacts, reused: true };
  }

  const contents = await snapshot.read(files);
  const mainBytes = contents.get(definition.main_file) ?? Buffer.alloc(0);
  let packagedMain = mainBytes;
  if (stampsVersion) {
    const stamped = stampVersionInBytes(mainBytes, release.version, definition.version_constant);
    for (const problem of stamped.problems)
      report("source", `source: ${definition.main_file} in ${snapshot.label} ${problem}`);
    if (stamped.problems.length > 0) return null;
    packagedMain = stamped.bytes;
    const checks = checkPackagedMainFile(packagedMain, {
      version: release.version,
      versionConstant: definition.version_constant,
      apiBase: definition.api_base,
      updaterPath: updater?.path ?? null,
    });
    for (const problem of checks) report("source", `source: packaged ${definition.main_file} ${problem}`);
    if (checks.length > 0) return null;
  }
  const entries = files.map((file) => ({
    path: file.path,
    content: file.path === definition.main_file ? packagedMain : (contents.get(file.path) ?? Buffer.alloc(0)),
  }));
  if (updater) entries.push({ path: updater.path, content: updater.content });
  const zip = await writeDeterministicZip(plugin.slug, entries, date);
  const facts: PackageFacts = {
    sha256: await hash(zip, { algorithm: "sha256" }),
    md5: await hash(zip, { algorithm: "md5" }),
    size: zip.length,
  };
  if (mode === "package") {
    // Write-then-rename, ZIP before facts: a facts file only ever describes a complete ZIP.
    await writeAtomically(cachedPath, zip);
    await writeAtomically(factsPath, JSON.stringify(facts));
  }
  return { ...base, facts, reused: false };
}

async function writeAtomically(target: string, data: string | Buffer): Promise<void> {
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, target);
}
