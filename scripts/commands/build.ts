/** `feedwright build`: validate, package every built release and write the published folder. */
import { homedir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Command } from "commander";
import { type BuildReport, defaultCacheDir, MAX_EXPIRES_AFTER_DAYS, runBuild } from "../build.ts";
import { pinnedKeyWarnings } from "../core/updater.ts";
import { type ResolvedKeys, resolveSigningKeys, SIGNING_KEY_ENV } from "../io/keys.ts";
import { checkOutputTarget, type ProtectedFolder } from "../io/write-output.ts";
import { type CommandContext, environmentOf, type Io, parseWholeNumber, reportingJsonErrors } from "./context.ts";

/** feedwright's own folder (its site/ templates live there). */
const FEEDWRIGHT_ROOT = path.resolve(import.meta.dirname, "../..");

interface BuildCommandOptions {
  root: string;
  out: string;
  cache?: string;
  expiresInDays: string;
  requireKey?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function addBuildCommand(program: Command, { io }: CommandContext): void {
  program
    .command("build")
    .description("Validate releases/, package every built release and write the published folder.")
    .option("--root <dir>", "the releases repository (holds releases/ and source/)", ".")
    .option("--out <dir>", "where to write the published folder (replaced as a whole)", "dist")
    .option("--cache <dir>", "package cache (default: <root>/.feedwright/cache/packages)")
    .option("--expires-in-days <days>", "how long the signed feed stays valid after its commit (1 to 3650)", "30")
    .option(
      "--require-key",
      `publishing: fail unless $${SIGNING_KEY_ENV} is set, and refuse a feed that has already expired`,
    )
    .option("--json", "print the compiled plan and what was built as JSON on stdout")
    .option("--quiet", "no progress lines on stderr")
    .addHelpText(
      "after",
      `
Examples:
  $ feedwright build                      build ./releases into ./dist
  $ feedwright build --out /tmp/feed      write somewhere else
  $ feedwright build --json | jq .plan    inspect what would be offered to whom`,
    )
    .action((options: BuildCommandOptions) => reportingJsonErrors(options.json, io, () => build(options, io)));
}

async function build(options: BuildCommandOptions, io: Io): Promise<void> {
  const repoRoot = path.resolve(io.cwd, options.root);
  const outDir = path.resolve(io.cwd, options.out);
  const cacheDir = options.cache ? path.resolve(io.cwd, options.cache) : undefined;
  const expiresAfterDays = parseWholeNumber(
    "--expires-in-days",
    options.expiresInDays,
    { min: 1, max: MAX_EXPIRES_AFTER_DAYS },
    "days",
  );
  // Before anything is packaged or a key created: a refused --out touches nothing.
  await checkOutputTarget(outDir, protectedFolders(repoRoot, io.cwd, cacheDir));
  const signing = await resolveSigningKeys({
    env: environmentOf(io),
    repoRoot,
    createDevKey: true,
    requireEnvironmentKey: options.requireKey ?? false,
  });
  if (signing.created) io.stderr(describeCreatedKey(signing));
  const started = performance.now();
  const report = await runBuild({
    repoRoot,
    outDir,
    keys: signing.keys,
    expiresAfterDays,
    publishing: options.requireKey ?? false,
    ...(cacheDir ? { cacheDir } : {}),
    onProgress: (event) => {
      if (!options.quiet && event.state === "packaged") {
        io.stderr(`[${event.done}/${event.total}] packaged ${event.slug} ${event.version}\n`);
      }
    },
    // Even with --quiet: a discarded cache entry is news (a corrupt or tampered cache).
    onWarning: (message) => io.stderr(`warning: ${message}\n`),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  if (options.json) {
    const { plan, packaged, reused, skipped } = report;
    io.stdout(`${JSON.stringify({ plan, packaged, reused, skipped }, null, 2)}\n`);
  }
  io.stderr(`${summarizeBuild(report, path.relative(io.cwd, outDir) || ".", seconds).join("\n")}\n`);
  for (const warning of pinnedKeyWarnings(report.plan.plugins, signing.keys)) io.stderr(`${warning}\n`);
}

function describeCreatedKey(signing: ResolvedKeys): string {
  return (
    `created a development signing key in ${signing.source.replace("development key ", "")} (git-ignored); public key ${signing.keys[0]?.publicKey}\n` +
    `  packages signed with it are for local testing: publish with $${SIGNING_KEY_ENV} set (feedwright keys generate)\n`
  );
}

/** What was packaged, reused and skipped, and what each channel now offers. */
function summarizeBuild(report: BuildReport, outLabel: string, seconds: string): string[] {
  return [
    `built ${outLabel}/ in ${seconds}s: ${report.fileCount} files`,
    `  packaged ${report.packaged.length}: ${report.packaged.map((p) => `${p.slug} ${p.version} (${p.source})`).join(", ") || "none (nothing changed)"}`,
    `  reused from cache ${report.reused.length}: ${report.reused.map((p) => `${p.slug} ${p.version}`).join(", ") || "none"}`,
    ...summarizeSkipped(report.skipped),
    ...report.plan.plugins.map((p) =>
      p.active
        ? `  ${p.slug}: stable ${p.latest.stable ?? "none"}, beta ${p.latest.beta ?? "none"}`
        : `  ${p.slug}: inactive (active: false): nothing offered or downloadable`,
    ),
  ];
}

/**
 * The releases not packaged, one line per plugin and reason: a plugin with a long history
 * has hundreds beyond retention, which one line says as well as hundreds would.
 */
function summarizeSkipped(skipped: BuildReport["skipped"]): string[] {
  const groups = new Map<string, { slug: string; reason: string; versions: string[] }>();
  for (const { slug, version, reason } of skipped) {
    const key = `${slug}\n${reason}`;
    const group = groups.get(key) ?? { slug, reason, versions: [] };
    group.versions.push(version);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ slug, reason, versions }) => {
    const listed =
      versions.length <= 4
        ? versions.join(", ")
        : `${versions.length} releases (${versions[0]} … ${versions[versions.length - 1]})`;
    return `  skipped ${slug} ${listed}: ${reason}`;
  });
}

/**
 * What `--out` must never be or hold: the repository, its inputs (nor anything inside them),
 * the package cache, feedwright's own folder, the current folder and the home folder.
 */
function protectedFolders(repoRoot: string, cwd: string, cacheDir: string | undefined): ProtectedFolder[] {
  return [
    { path: repoRoot, what: "the releases repository (--root)" },
    { path: path.join(repoRoot, "releases"), what: "the releases/ input folder", inside: true },
    { path: path.join(repoRoot, "source"), what: "the source/ input folder", inside: true },
    { path: path.join(repoRoot, ".git"), what: "the repository's .git folder", inside: true },
    { path: path.join(repoRoot, ".feedwright"), what: "feedwright's state folder (.feedwright)", inside: true },
    { path: cacheDir ?? defaultCacheDir(repoRoot), what: "the package cache", inside: true },
    { path: FEEDWRIGHT_ROOT, what: "feedwright's own folder" },
    { path: path.join(FEEDWRIGHT_ROOT, "site"), what: "feedwright's page templates", inside: true },
    { path: cwd, what: "the current folder" },
    { path: homedir(), what: "the home folder" },
  ];
}
