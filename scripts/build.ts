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
import { parseReleaseTree } from "./core/parse-tree.ts";
import { type BuildPlan, compilePlan, servedFrom } from "./core/plan.ts";
import { type LocateField, type Problem, problemAt, problemOf, START_OF_FILE } from "./core/problems.ts";
import { type SigningKey, signFile } from "./core/signing.ts";
import { type BuiltPackage, buildPackages, factsOf } from "./io/build-packages.ts";
import { loadReleaseTree } from "./io/load-tree.ts";
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
    return found ? found.locate(typeof field === "string" ? [field] : field) : START_OF_FILE;
  };
  const problems: Problem[] = [...parsed.problems];
  if (checkSources) {
    const checked = await buildPackages(
      plan.plugins,
      {
        repoRoot: paths.repoRoot,
        cacheDir: null,
        cacheSigner: null,
        git: gitOrNull,
        updaterDir: paths.updaterDir,
        locate,
      },
      { checkOnly: true },
    );
    problems.push(...checked.problems.map(problemOf));
  }
  if (problems.length > 0) throw new InputError(problems);
  return { plan, locate, git: gitOrNull };
}

export async function runBuild(options: BuildOptions): Promise<BuildReport> {
  const { plan, locate, git } = await loadPlan(options, { checkSources: false });
  const expiresAfterDays = options.expiresAfterDays ?? 30;
  // Before anything is packaged: a feed every site would refuse is never published, and a
  // publish job re-run on an old commit learns it at once.
  const early = git && (await git.headCommit()) ? await readPublication(git, options.keys, expiresAfterDays) : null;
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
    updaterDir: options.updaterDir,
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
  const publication = early ?? (await readPublication(git, options.keys, expiresAfterDays));
  const signed = signPackages(plan, packages, options.keys, locate);
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
async function readPublication(git: GitRepository, keys: SigningKey[], expiresAfterDays: number): Promise<Publication> {
  if (!Number.isInteger(expiresAfterDays) || expiresAfterDays < 1 || expiresAfterDays > MAX_EXPIRES_AFTER_DAYS)
    throw new RangeError(
      `expiresAfterDays: expected a whole number from 1 to ${MAX_EXPIRES_AFTER_DAYS}, found ${expiresAfterDays}`,
    );
  const head = await git.headCommit();
  if (!head)
    throw new InputError([
      problemAt("releases", START_OF_FILE, "the feed's serial comes from git: commit something first"),
    ]);
  const issuedAt = await git.commitTime(head);
  return {
    serial: await git.commitCount(head),
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
 * Sign each package's bytes, and take its facts from those same bytes, here: what is signed,
 * described and published is one Buffer, read once, never the cache file again. A release
 * with a recorded sha256 is checked against these bytes, whatever the packaging step decided.
 */
function signPackages(
  plan: BuildPlan,
  packages: BuiltPackage[],
  keys: SigningKey[],
  locate: LocateField,
): PublishedPackage[] {
  const problems: Problem[] = [];
  const signed = packages.map((built) => {
    const facts = factsOf(built.bytes);
    const plugin = plan.plugins.find((candidate) => candidate.slug === built.slug);
    const release = plugin?.releases.find((candidate) => candidate.version === built.version);
    const recorded = release?.definition.sha256;
    if (plugin && release && recorded && recorded !== facts.sha256) {
      problems.push(
        problemAt(
          release.file,
          locate(plugin, release, "sha256"),
          `sha256: the package about to be published is ${facts.sha256}, not the recorded ${recorded}`,
        ),
      );
    }
    const signatures = keys.map((key) => ({ key_id: key.id, signature: signFile(built.bytes, key) }));
    return { ...built, facts, signatures };
  });
  if (problems.length > 0) throw new InputError(problems);
  return signed;
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
