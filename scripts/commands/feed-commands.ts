/** build, validate, verify and schema: the commands about the feed itself. */

import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Command } from "commander";
import { loadPlan, runBuild } from "../build.ts";
import { generateJsonSchemas } from "../core/schema.ts";
import { KeyFormatError, type PublicKey, parsePublicKey } from "../core/signing.ts";
import { pinnedKeyWarnings } from "../core/updater.ts";
import { resolveSigningKeys, SIGNING_KEY_ENV } from "../keys.ts";
import { folderSource, formatRows, urlSource, verifyFeed } from "../verify.ts";
import { type CommandContext, EXIT_INPUT, type Io, UsageError } from "./context.ts";

export function addFeedCommands(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command("build")
    .description("Validate releases/, package every built release and write the published folder.")
    .option("--root <dir>", "the releases repository (holds releases/ and source/)", ".")
    .option("--out <dir>", "where to write the published folder (replaced as a whole)", "dist")
    .option("--cache <dir>", "package cache (default: <root>/.feedwright/cache/packages)")
    .option("--expires-in-days <days>", "how long the signed feed stays valid after its commit", "30")
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
      const expiresAfterDays = Number(options.expiresInDays);
      if (!Number.isInteger(expiresAfterDays) || expiresAfterDays < 1) {
        throw new UsageError(`--expires-in-days: expected a whole number of days, found "${options.expiresInDays}"`);
      }
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
        ...(options.cache ? { cacheDir: path.resolve(io.cwd, options.cache) } : {}),
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
    .option("--now <time>", "judge expiry at this ISO 8601 time instead of now")
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
        const minSerial = options.minSerial === undefined ? undefined : Number(options.minSerial);
        if (minSerial !== undefined && !Number.isSafeInteger(minSerial)) {
          throw new UsageError(`--min-serial: expected a whole number, found "${options.minSerial}"`);
        }
        const source = /^https?:\/\//.test(target) ? urlSource(target) : folderSource(path.resolve(io.cwd, target));
        const rows = await verifyFeed(source, { trusted, now, ...(minSerial !== undefined ? { minSerial } : {}) });
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
