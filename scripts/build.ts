/**
 * The build, end to end: read releases/ → parse → compile the plan → package → sign → render
 * → write the output folder. loadPlan does the first three (validate, check and the release
 * commands use it too); runBuild does all of it. What is written is decided in the pure core
 * (scripts/core); this file hands the core what it may not reach itself: the disk, git (the
 * serial and the issue time come from the HEAD commit) and the keys.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import type { Publication } from "./core/documents.ts";
import { ExpiredFeedError, InputError } from "./core/errors.ts";
import { type PageTemplates, type PublishedPackage, renderOutputFiles } from "./core/output-files.ts";
import { parseReleaseTree, type ReleaseFileMemo } from "./core/parse-tree.ts";
import { type BuildPlan, compilePlan, servedFrom } from "./core/plan.ts";
import { type LocateField, type Problem, problemAt, problemOf, START_OF_FILE } from "./core/problems.ts";
import type { SigningKey } from "./core/signing.ts";
import { type BuiltPackage, buildPackages, type PackagingOptions } from "./io/build-packages.ts";
import { loadReleaseTree } from "./io/load-tree.ts";
import { ReleaseFileMemoStore } from "./io/release-file-memo.ts";
import { GitRepository } from "./io/source-reader.ts";
import { writeOutputFolder } from "./io/write-output.ts";

export interface ProjectPaths {
  /** The releases repository: holds releases/, source/ and (for the pages) site/. */
  repoRoot: string;
  /** Where the page templates (*.hbs) live; defaults to feedwright's own site/pages/. */
  siteDir?: string;
  /** Where the shipped updater versions live; defaults to feedwright's own site/updater/. */
  updaterDir?: string;
  cacheDir?: string;
}

export interface BuildOptions extends ProjectPaths {
  outDir: string;
  /** The current signing key first, then a next key being announced, if any. */
  keys: SigningKey[];
  /** How long the signed feed stays valid after its commit's time. */
  expiresAfterDays?: number;
  /** The time a feed that expires by then is refused at (default: now). */
  now?: Date;
  /**
   * A publishing build (`--require-key`): a feed that has already expired is refused, not
   * written. Any other build writes it with a warning (a local build of an old clone).
   */
  publishing?: boolean;
  onProgress?(event: {
    slug: string;
    version: string;
    state: "reused" | "packaged";
    done: number;
    total: number;
  }): void;
  /** Told as they happen; also listed in the report. */
  onWarning?(message: string): void;
  /** Releases read and packaged at once, and worker threads zipping (see PackagingContext); the defaults suit the machine. */
  concurrency?: number;
  zipThreads?: number;
  /**
   * Development only (`npm run dev`): the origin the folder is served from, which every URL
   * in the JSON documents and pages then points at instead of api_base and site_url. The
   * packages are the same bytes either way.
   */
  documentOrigin?: string;
}

export interface BuildReport {
  plan: BuildPlan;
  publication: Publication;
  packaged: { slug: string; version: string; source: string }[];
  reused: { slug: string; version: string }[];
  skipped: { slug: string; version: string; reason: string }[];
  /** e.g. a cache entry that was discarded and packaged again. */
  warnings: string[];
  fileCount: number;
  outDir: string;
}

const FEEDWRIGHT_ROOT = path.resolve(import.meta.dirname, "..");

export function defaultCacheDir(repoRoot: string): string {
  return path.join(repoRoot, ".feedwright", "cache", "packages");
}

export interface SourceCheckOptions {
  /**
   * The build's signing key, when there is one: releases whose inputs the package cache holds
   * a record of (made and checked by a build or validate with this key) are not made again.
   */
  cacheSigner?: SigningKey | null;
  /** Which built releases to check (check --base: those the change touches); all by default. */
  only?: PackagingOptions["only"];
}

export interface LoadedPlan {
  plan: BuildPlan;
  locate: LocateField;
  /** Reads objects through one long-lived process: close() it when done. */
  git: GitRepository | null;
}

/**
 * Parse and validate the whole tree and compile the plan, with every problem found in the YAML.
 * With the build's signing key, release files whose exact bytes validated in an earlier run
 * are not parsed again (see release-file-memo.ts).
 */
export async function readPlan(
  paths: ProjectPaths,
  { cacheSigner = null, memo: given = null }: { cacheSigner?: SigningKey | null; memo?: ReleaseFileMemo | null } = {},
): Promise<LoadedPlan & { problems: Problem[]; memo: ReleaseFileMemo | null }> {
  const git = new GitRepository(paths.repoRoot);
  // Asked now, answered while the tree is read and parsed.
  const isRepository = git.isRepository();
  const tree = await loadReleaseTree(paths.repoRoot).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") {
      throw new InputError([problemAt("releases", START_OF_FILE, `no releases/ folder in ${paths.repoRoot}`)]);
    }
    throw error;
  });
  const store = cacheSigner
    ? new ReleaseFileMemoStore(paths.cacheDir ?? defaultCacheDir(paths.repoRoot), cacheSigner)
    : null;
  const memo = store ?? given;
  const parsed = parseReleaseTree(tree, memo);
  await store?.save();
  const plan = compilePlan(parsed.plugins);
  const gitOrNull = (await isRepository) ? git : null;
  const locate: LocateField = (plugin, release, field) => {
    const source = parsed.plugins.find((candidate) => candidate.slug === plugin.slug);
    const found = source?.releases.find((candidate) => candidate.version === release.version);
    return found ? found.locate(typeof field === "string" ? [field] : field) : START_OF_FILE;
  };
  return { plan, locate, git: gitOrNull, problems: [...parsed.problems], memo };
}

/** The problems of the built releases' sources and recorded packages (validate, check): packaged in memory, or vouched for by a record. */
export async function checkPlanSources(
  paths: ProjectPaths,
  { plan, locate, git }: LoadedPlan,
  { cacheSigner = null, only }: SourceCheckOptions = {},
): Promise<Problem[]> {
  const checked = await buildPackages(
    plan.plugins,
    {
      repoRoot: paths.repoRoot,
      cacheDir: cacheSigner ? (paths.cacheDir ?? defaultCacheDir(paths.repoRoot)) : null,
      cacheSigner,
      git,
      updaterDir: paths.updaterDir,
      locate,
    },
    { checkOnly: true, ...(only ? { only } : {}) },
  );
  return checked.problems.map(problemOf);
}

/**
 * readPlan, and with `checkSources` checkPlanSources; throws InputError with every problem.
 * The git repository it returns reads objects through one long-lived process: close() it.
 */
export async function loadPlan(
  paths: ProjectPaths,
  { checkSources, ...options }: SourceCheckOptions & { checkSources: boolean },
): Promise<LoadedPlan> {
  const { problems, memo: _memo, ...loaded } = await readPlan(paths, options);
  try {
    if (checkSources) problems.push(...(await checkPlanSources(paths, loaded, options)));
  } catch (error) {
    loaded.git?.close();
    throw error;
  }
  if (problems.length > 0) {
    loaded.git?.close();
    throw new InputError(problems);
  }
  return loaded;
}

export async function runBuild(options: BuildOptions): Promise<BuildReport> {
  const { plan, locate, git } = await loadPlan(options, { checkSources: false, cacheSigner: options.keys[0] ?? null });
  try {
    return await buildFromPlan(options, plan, locate, git);
  } finally {
    git?.close();
  }
}

async function buildFromPlan(
  options: BuildOptions,
  plan: BuildPlan,
  locate: LocateField,
  git: GitRepository | null,
): Promise<BuildReport> {
  const expiresAfterDays = options.expiresAfterDays ?? 30;
  // Before anything is packaged: a feed every site would refuse is never published, and a
  // publish job re-run on an old commit learns it at once.
  const head = git ? await git.headCommit() : null;
  const early = git && head ? await readPublication(git, head, options.keys, expiresAfterDays) : null;
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  const expired = early ? describeExpiredFeed(early, expiresAfterDays, options.now ?? new Date()) : null;
  if (expired && options.publishing) {
    throw new ExpiredFeedError(
      `refusing to publish a feed that has already expired: ${expired}. Build a newer commit (git commit --allow-empty moves the time forward) or give a longer --expires-in-days; nothing was written`,
    );
  }
  if (expired) warn(`this feed has already expired: ${expired}; a publishing build (--require-key) refuses it`);
  const total = plan.plugins.reduce((sum, plugin) => sum + plugin.releases.filter((r) => r.packaged).length, 0);
  let done = 0;
  const { packages, problems } = await buildPackages(plan.plugins, {
    repoRoot: options.repoRoot,
    cacheDir: options.cacheDir ?? defaultCacheDir(options.repoRoot),
    cacheSigner: options.keys[0] ?? null,
    signingKeys: options.keys,
    updaterDir: options.updaterDir,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.zipThreads === undefined ? {} : { zipThreads: options.zipThreads }),
    git,
    locate,
    onProgress: (event) => {
      done += 1;
      options.onProgress?.({ ...event, done, total });
    },
    onWarning: warn,
  });
  if (problems.length > 0) {
    throw new InputError(problems.map(problemOf));
  }
  if (!git)
    throw new InputError([
      problemAt("releases", START_OF_FILE, "the feed's serial comes from git: build inside a git repository"),
    ]);
  const publication = early ?? (await readPublication(git, head, options.keys, expiresAfterDays));
  const signed = checkRecordedPackages(plan, packages, locate);
  const templates = await loadSiteTemplates(options.siteDir ?? path.join(FEEDWRIGHT_ROOT, "site", "pages"));
  const documented = options.documentOrigin ? servedFrom(plan, options.documentOrigin) : plan;
  const files = renderOutputFiles(documented, signed, templates, publication, options.keys);
  await writeOutputFolder(options.outDir, files);
  return {
    plan,
    publication,
    packaged: packages
      .filter((p) => !p.reused)
      .map((p) => ({ slug: p.slug, version: p.version, source: p.sourceLabel })),
    reused: packages.filter((p) => p.reused).map((p) => ({ slug: p.slug, version: p.version })),
    skipped: plan.plugins.flatMap((plugin) =>
      plugin.releases
        .filter((release) => !release.packaged)
        .map((release) => ({ slug: plugin.slug, version: release.version, reason: release.skipReason ?? "" })),
    ),
    warnings,
    fileCount: files.length,
    outDir: options.outDir,
  };
}

/** The longest a signed feed may stay valid (ten years): any longer and a replayed feed never runs out. */
export const MAX_EXPIRES_AFTER_DAYS = 3650;

/** The serial is the number of commits behind HEAD: it only grows as main moves on, a revert included. */
async function readPublication(
  git: GitRepository,
  head: string | null,
  keys: SigningKey[],
  expiresAfterDays: number,
): Promise<Publication> {
  if (!Number.isInteger(expiresAfterDays) || expiresAfterDays < 1 || expiresAfterDays > MAX_EXPIRES_AFTER_DAYS)
    throw new RangeError(
      `expiresAfterDays: expected a whole number from 1 to ${MAX_EXPIRES_AFTER_DAYS}, found ${expiresAfterDays}`,
    );
  if (!head)
    throw new InputError([
      problemAt("releases", START_OF_FILE, "the feed's serial comes from git: commit something first"),
    ]);
  const [issuedAt, serial] = await Promise.all([git.commitTime(head), git.commitCount(head)]);
  return {
    serial,
    commit: head,
    issuedAt: issuedAt.toISOString(),
    expires: new Date(issuedAt.getTime() + expiresAfterDays * 86_400_000).toISOString(),
    keys: keys.map((key, index) => ({ id: key.id, public_key: key.publicKey, role: index === 0 ? "current" : "next" })),
  };
}

/**
 * A feed past its `expires` is refused by every site (the updater, `feedwright verify`), so
 * publishing one replaces a working feed with one nobody accepts. Its expiry follows from the
 * commit's time, so the fix is a newer commit or a longer expiry. Null while it is valid.
 */
function describeExpiredFeed(publication: Publication, expiresAfterDays: number, now: Date): string | null {
  if (Date.parse(publication.expires) > now.getTime()) return null;
  return (
    `it expires ${expiresAfterDays} day(s) after the time of commit ${publication.commit.slice(0, 12)} ` +
    `(${publication.issuedAt}), at ${publication.expires}, and it is now ${now.toISOString()}; every site would refuse it`
  );
}

/**
 * Every package about to be published against the sha256 its release records, whatever the
 * packaging step decided: its facts and `.sig` lines were made from the same bytes (read once
 * in packaging), and the output writer holds the copy it publishes to that sha256 too.
 */
function checkRecordedPackages(plan: BuildPlan, packages: BuiltPackage[], locate: LocateField): PublishedPackage[] {
  const problems: Problem[] = [];
  for (const built of packages) {
    const plugin = plan.plugins.find((candidate) => candidate.slug === built.slug);
    const release = plugin?.releases.find((candidate) => candidate.version === built.version);
    const recorded = release?.definition.sha256;
    if (plugin && release && recorded && recorded !== built.facts.sha256) {
      problems.push(
        problemAt(
          release.file,
          locate(plugin, release, "sha256"),
          `sha256: the package about to be published is ${built.facts.sha256}, not the recorded ${recorded}`,
        ),
      );
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return packages;
}

async function loadSiteTemplates(siteDir: string): Promise<PageTemplates> {
  const read = (name: string) => readFile(path.join(siteDir, name), "utf8");
  // Chart.js as installed (package-lock.json pins it): its browser build and its licence.
  const chartDist = path.dirname(createRequire(import.meta.url).resolve("chart.js"));
  return {
    index: await read("index.hbs"),
    plugin: await read("plugin.hbs"),
    style: await read("style.hbs"),
    geeklog: await read("geeklog.hbs"),
    dashboard: {
      page: await read("dashboard.hbs"),
      script: await read("dashboard.js"),
      chartLibrary: await readFile(path.join(chartDist, "chart.umd.min.js"), "utf8"),
      chartLicense: await readFile(path.join(chartDist, "..", "LICENSE.md"), "utf8"),
    },
  };
}
