/** build, validate, verify and schema: the commands about the feed itself. */

import { readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Command } from "commander";
import { defaultCacheDir, loadPlan, MAX_EXPIRES_AFTER_DAYS, runBuild } from "../build.ts";
import { generateJsonSchemas } from "../core/schema.ts";
import { KeyFormatError, type PublicKey, parsePublicKey } from "../core/signing.ts";
import { pinnedKeyWarnings } from "../core/updater.ts";
import { resolveSigningKeys, SIGNING_KEY_ENV } from "../io/keys.ts";
import { checkOutputTarget, OutputBusyError, OutputTargetError, type ProtectedFolder } from "../io/write-output.ts";
import { type CheckRow, folderSource, formatRows, urlSource, VerifyError, verifyFeed } from "../verify.ts";
import { type CommandContext, EXIT_INPUT, type Io, parseWholeNumber, UsageError } from "./context.ts";

/** feedwright's own folder (its site/ templates live there). */
const FEEDWRIGHT_ROOT = path.resolve(import.meta.dirname, "../..");

export function addFeedCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command("build")
    .description("Validate releases/, package every built release and write the published folder.")
    .option("--root <dir>", "the releases repository (holds releases/ and source/)", ".")
    .option("--out <dir>", "where to write the published folder (replaced as a whole)", "dist")
    .option("--cache <dir>", "package cache (default: <root>/.feedwright/cache/packages)")
    .option("--expires-in-days <days>", "how long the signed feed stays valid after its commit (1 to 3650)", "30")
    .option("--require-key", `fail unless $${SIGNING_KEY_ENV} is set (for publishing)`)
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
    .action(async (options: BuildCommandOptions) => {
      const repoRoot = path.resolve(io.cwd, options.root);
      const outDir = path.resolve(io.cwd, options.out);
      const refuseTarget = handleOutputError(io);
      const cacheDir = options.cache ? path.resolve(io.cwd, options.cache) : undefined;
      const expiresAfterDays = parseWholeNumber(
        "--expires-in-days",
        options.expiresInDays,
        { min: 1, max: MAX_EXPIRES_AFTER_DAYS },
        "days",
      );
      // Before anything is packaged or a key created: a refused --out touches nothing.
      await checkOutputTarget(outDir, protectedFolders(repoRoot, io.cwd, cacheDir)).catch(refuseTarget);
      const signing = await resolveSigningKeys({
        env: io.env ?? process.env,
        repoRoot,
        createDevKey: true,
        requireEnvironmentKey: options.requireKey ?? false,
      });
      if (signing.created) {
        io.stderr(
          `created a development signing key in ${signing.source.replace("development key ", "")} (git-ignored); public key ${signing.keys[0]?.publicKey}\n` +
            `  packages signed with it are for local testing: publish with $${SIGNING_KEY_ENV} set (feedwright keys generate)\n`,
        );
      }
      const started = performance.now();
      const report = await runBuild({
        repoRoot,
        outDir,
        keys: signing.keys,
        expiresAfterDays,
        ...(cacheDir ? { cacheDir } : {}),
        onProgress: (event) => {
          if (!options.quiet && event.state === "packaged") {
            io.stderr(`[${event.done}/${event.total}] packaged ${event.slug} ${event.version}\n`);
          }
        },
        // Even with --quiet: a discarded cache entry is news (a corrupt or tampered cache).
        onWarning: (message) => io.stderr(`warning: ${message}\n`),
      }).catch(refuseTarget);
      if (!report) {
        context.fail(EXIT_INPUT);
        return;
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (options.json) {
        io.stdout(
          `${JSON.stringify({ plan: report.plan, packaged: report.packaged, reused: report.reused, skipped: report.skipped }, null, 2)}\n`,
        );
      }
      const lines = [
        `built ${path.relative(io.cwd, outDir) || "."}/ in ${seconds}s: ${report.fileCount} files`,
        `  packaged ${report.packaged.length}: ${report.packaged.map((p) => `${p.slug} ${p.version} (${p.source})`).join(", ") || "none (nothing changed)"}`,
        `  reused from cache ${report.reused.length}: ${report.reused.map((p) => `${p.slug} ${p.version}`).join(", ") || "none"}`,
        ...report.skipped.map((s) => `  skipped ${s.slug} ${s.version}: ${s.reason}`),
        ...report.plan.plugins.map(
          (p) => `  ${p.slug}: stable ${p.latest.stable ?? "none"}, beta ${p.latest.beta ?? "none"}`,
        ),
      ];
      io.stderr(`${lines.join("\n")}\n`);
      for (const warning of pinnedKeyWarnings(report.plan.plugins, signing.keys)) io.stderr(`${warning}\n`);
    });

  program
    .command("validate")
    .description("Check every YAML file under releases/ and every pinned source; write nothing.")
    .option("--root <dir>", "the releases repository", ".")
    .addHelpText("after", "\nExample:\n  $ feedwright validate && git push")
    .action(async (options: { root: string }) => {
      const { plan } = await loadPlan({ repoRoot: path.resolve(io.cwd, options.root) }, { checkSources: true });
      const releases = plan.plugins.reduce((sum, plugin) => sum + plugin.releases.length, 0);
      io.stderr(`ok: ${plan.plugins.length} plugin(s), ${releases} release(s), no problems\n`);
    });

  program
    .command("verify")
    .description("Check a built folder or a deployed feed: checksums, signatures, serial, expiry, agreement.")
    .argument("<folder-or-url>", "a built folder (dist) or the URL it is published at")
    .option("--public-key <base64...>", "trust these public keys (default: the key builds sign with)")
    .option("--min-serial <n>", "refuse a feed whose serial is lower (a replayed older feed)")
    .option("--now <time>", "judge expiry and issue time at this ISO 8601 time instead of now")
    .option("--root <dir>", "the releases repository (to find the signing key)", ".")
    .addHelpText(
      "after",
      `
Examples:
  $ feedwright verify dist
  $ feedwright verify https://updates.example.com --public-key "$(feedwright keys public)"`,
    )
    .action(
      async (target: string, options: { publicKey?: string[]; minSerial?: string; now?: string; root: string }) => {
        const trusted = await trustedKeys(options.publicKey, path.resolve(io.cwd, options.root), io);
        const now = options.now ? new Date(options.now) : new Date();
        if (Number.isNaN(now.getTime()))
          throw new UsageError(`--now: expected an ISO 8601 time, found "${options.now}"`);
        const minSerial =
          options.minSerial === undefined
            ? undefined
            : parseWholeNumber("--min-serial", options.minSerial, { min: 0, max: Number.MAX_SAFE_INTEGER });
        const source = /^https?:\/\//.test(target) ? urlSource(target) : folderSource(path.resolve(io.cwd, target));
        let rows: CheckRow[];
        try {
          rows = await verifyFeed(source, { trusted, now, ...(minSerial !== undefined ? { minSerial } : {}) });
        } catch (error) {
          // Nothing could be checked (no feed.json, an address that does not answer): say so in one line.
          if (!(error instanceof VerifyError)) throw error;
          io.stderr(`error: ${error.message}\n`);
          context.fail(EXIT_INPUT);
          return;
        }
        io.stdout(`${formatRows(rows)}\n`);
        const failed = rows.filter((row) => !row.ok).length;
        io.stderr(`${source.label}: ${rows.length - failed} checks passed, ${failed} failed\n`);
        if (failed > 0) context.fail(EXIT_INPUT);
      },
    );

  program
    .command("schema")
    .description("Write (or check) the JSON Schema files editors use for releases/*.yaml.")
    .option("--root <dir>", "the releases repository", ".")
    .option("--check", "exit 1 if the files on disk differ from the schema")
    .addHelpText(
      "after",
      "\nExamples:\n  $ feedwright schema           write releases/*.schema.json\n  $ feedwright schema --check   fail if they are stale",
    )
    .action(async (options: { root: string; check?: boolean }) => {
      const schemas = generateJsonSchemas();
      for (const [name, schema] of Object.entries(schemas)) {
        const file = path.join(path.resolve(io.cwd, options.root), "releases", `${name}.schema.json`);
        const text = `${JSON.stringify(schema, null, 2)}\n`;
        if (options.check) {
          const current = await readFile(file, "utf8").catch(() => "");
          if (current !== text) {
            io.stderr(`${path.relative(io.cwd, file)} is out of date: run feedwright schema\n`);
            context.fail(EXIT_INPUT);
          }
        } else {
          await writeFile(file, text);
          io.stderr(`wrote ${path.relative(io.cwd, file)}\n`);
        }
      }
    });
}

interface BuildCommandOptions {
  root: string;
  out: string;
  cache?: string;
  expiresInDays: string;
  requireKey?: boolean;
  json?: boolean;
  quiet?: boolean;
}

async function trustedKeys(given: string[] | undefined, repoRoot: string, io: Io): Promise<PublicKey[]> {
  if (given && given.length > 0) {
    return given.map((text) => {
      try {
        return parsePublicKey(text);
      } catch (error) {
        if (error instanceof KeyFormatError) throw new UsageError(`--public-key: ${error.message}`);
        throw error;
      }
    });
  }
  const signing = await resolveSigningKeys({ env: io.env ?? process.env, repoRoot });
  return signing.keys.map((key) => ({ id: key.id, publicKey: key.publicKey }));
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

/**
 * A refused --out is bad usage (exit 2); meeting another build that holds the output is said,
 * with its pid, and exits 1 (the handler returns nothing so the caller can set the status).
 */
function handleOutputError(io: Io): (error: unknown) => undefined {
  return (error) => {
    if (error instanceof OutputTargetError) throw new UsageError(error.message);
    if (error instanceof OutputBusyError) {
      io.stderr(`error: ${error.message}\n`);
      return undefined;
    }
    throw error;
  };
}
