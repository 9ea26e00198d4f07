/**
 * The build, end to end: read → parse → compile the plan → package → render → write.
 * Everything that decides the output is in the pure core (scripts/core); this file wires it
 * to the disk and to git.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { type BuiltPackage, buildPackages } from "./core/build-packages.ts";
import {
  type PackageFacts,
  pluginFolder,
  renderChecksumFile,
  renderCheckUpdate,
  renderFeed,
  renderHeaders,
  renderInfo,
  renderReleases,
  toJsonText,
} from "./core/documents.ts";
import { loadReleaseTree } from "./core/load-tree.ts";
import { renderPages } from "./core/pages.ts";
import { parseReleaseTree } from "./core/parse-tree.ts";
import { type BuildPlan, compilePlan, type PluginPlan, type ReleasePlan } from "./core/plan.ts";
import { InputError, type Problem, problemAt, START_OF_FILE } from "./core/problems.ts";
import { GitRepository } from "./core/source-reader.ts";
import { type OutputFile, writeOutputFolder } from "./core/write-output.ts";

export interface ProjectPaths {
  /** The releases repository: holds releases/, source/ and (for the pages) site/. */
  repoRoot: string;
  /** Where site/*.hbs live; defaults to feedwright's own site/ folder. */
  siteDir?: string;
  cacheDir?: string;
}

export interface BuildOptions extends ProjectPaths {
  outDir: string;
  onProgress?(event: {
    slug: string;
    version: string;
    state: "reused" | "packaged";
    done: number;
    total: number;
  }): void;
}

export interface BuildReport {
  plan: BuildPlan;
  packaged: { slug: string; version: string; source: string }[];
  reused: { slug: string; version: string }[];
  skipped: { slug: string; version: string; reason: string }[];
  fileCount: number;
  outDir: string;
}

const FEEDWRIGHT_ROOT = path.resolve(import.meta.dirname, "..");

export function defaultCacheDir(repoRoot: string): string {
  return path.join(repoRoot, ".feedwright", "cache", "packages");
}

/** Parse and validate the whole tree and compile the plan; throws InputError with every problem. */
export async function loadPlan(
  paths: ProjectPaths,
  { checkSources }: { checkSources: boolean },
): Promise<{ plan: BuildPlan; locate: LocateField; git: GitRepository | null }> {
  const tree = await loadReleaseTree(paths.repoRoot).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") {
      throw new InputError([problemAt("releases", START_OF_FILE, `no releases/ folder in ${paths.repoRoot}`)]);
    }
    throw error;
  });
  const parsed = parseReleaseTree(tree);
  const plan = compilePlan(parsed.plugins);
  const git = new GitRepository(paths.repoRoot);
  const gitOrNull = (await git.isRepository()) ? git : null;
  const locate: LocateField = (plugin, release, field) => {
    const source = parsed.plugins.find((candidate) => candidate.slug === plugin.slug);
    const found = source?.releases.find((candidate) => candidate.version === release.version);
    return found ? found.locate([field]) : START_OF_FILE;
  };
  const problems: Problem[] = [...parsed.problems];
  if (checkSources) {
    const checked = await buildPackages(
      plan.plugins,
      { repoRoot: paths.repoRoot, cacheDir: "", git: gitOrNull, locate },
      { checkOnly: true },
    );
    problems.push(...checked.problems.map((problem) => problemAt(problem.file, problem.at, problem.message)));
  }
  if (problems.length > 0) throw new InputError(problems);
  return { plan, locate, git: gitOrNull };
}

type LocateField = (plugin: PluginPlan, release: ReleasePlan, field: string) => { line: number; col: number };

export async function runBuild(options: BuildOptions): Promise<BuildReport> {
  const { plan, locate, git } = await loadPlan(options, { checkSources: false });
  const total = plan.plugins.reduce((sum, plugin) => sum + plugin.releases.filter((r) => r.packaged).length, 0);
  let done = 0;
  const { packages, problems } = await buildPackages(plan.plugins, {
    repoRoot: options.repoRoot,
    cacheDir: options.cacheDir ?? defaultCacheDir(options.repoRoot),
    git,
    locate,
    onProgress: (event) => {
      done += 1;
      options.onProgress?.({ ...event, done, total });
    },
  });
  if (problems.length > 0) {
    throw new InputError(problems.map((problem) => problemAt(problem.file, problem.at, problem.message)));
  }
  const templates = await loadSiteTemplates(options.siteDir ?? path.join(FEEDWRIGHT_ROOT, "site"));
  const files = renderOutputFiles(plan, packages, templates);
  await writeOutputFolder(options.outDir, files);
  return {
    plan,
    packaged: packages
      .filter((p) => !p.reused)
      .map((p) => ({ slug: p.slug, version: p.version, source: p.sourceLabel })),
    reused: packages.filter((p) => p.reused).map((p) => ({ slug: p.slug, version: p.version })),
    skipped: plan.plugins.flatMap((plugin) =>
      plugin.releases
        .filter((release) => !release.packaged)
        .map((release) => ({ slug: plugin.slug, version: release.version, reason: release.skipReason ?? "" })),
    ),
    fileCount: files.length,
    outDir: options.outDir,
  };
}

async function loadSiteTemplates(siteDir: string) {
  const read = (name: string) => readFile(path.join(siteDir, name), "utf8");
  return { index: await read("index.hbs"), plugin: await read("plugin.hbs"), style: await read("style.hbs") };
}

/** Every file of the published folder, as plain data (contents, or a cached ZIP to copy). */
export function renderOutputFiles(
  plan: BuildPlan,
  packages: BuiltPackage[],
  templates: { index: string; plugin: string; style: string },
): OutputFile[] {
  const facts = new Map<string, Map<string, PackageFacts>>();
  for (const built of packages) {
    const perPlugin = facts.get(built.slug) ?? new Map<string, PackageFacts>();
    perPlugin.set(built.version, built.facts);
    facts.set(built.slug, perPlugin);
  }
  const files: OutputFile[] = [];
  for (const plugin of plan.plugins) {
    const folder = pluginFolder(plugin.slug);
    const pluginFacts = facts.get(plugin.slug) ?? new Map<string, PackageFacts>();
    for (const built of packages.filter((candidate) => candidate.slug === plugin.slug)) {
      files.push({ path: `${folder}/${built.fileName}`, copyFrom: built.cachedPath });
      files.push({
        path: `${folder}/${built.fileName}.sha256`,
        content: renderChecksumFile(built.facts.sha256, built.fileName),
      });
      if (built.version === plugin.latest.stable) {
        files.push({ path: `${folder}/${plugin.slug}-latest.zip`, copyFrom: built.cachedPath });
      }
    }
    const documents: [string, object | null][] = [
      ["info.json", renderInfo(plugin, "stable", pluginFacts)],
      ["info-beta.json", renderInfo(plugin, "beta", pluginFacts)],
      ["check-update.json", renderCheckUpdate(plugin, "stable", pluginFacts)],
      ["check-update-beta.json", renderCheckUpdate(plugin, "beta", pluginFacts)],
      ["releases.json", renderReleases(plugin, pluginFacts)],
    ];
    for (const [name, document] of documents) {
      if (document) files.push({ path: `${folder}/${name}`, content: toJsonText(document) });
    }
  }
  files.push({ path: "feed.json", content: toJsonText(renderFeed(plan.plugins, facts)) });
  files.push({ path: "_headers", content: renderHeaders(plan.plugins) });
  files.push(...renderPages(plan.plugins, facts, templates));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
