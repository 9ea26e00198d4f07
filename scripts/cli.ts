/**
 * feedwright's command line. Exit status: 0 done, 1 bad input (every problem printed as
 * file:line:col), 2 bad usage.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Command, CommanderError } from "commander";
import { loadPlan, runBuild } from "./build.ts";
import { runCheck } from "./check.ts";
import { formatProblem, InputError } from "./core/problems.ts";
import { formatReview } from "./core/review.ts";
import { generateJsonSchemas } from "./core/schema.ts";
import { KeyFormatError, type PublicKey, parsePublicKey, parseSigningKey } from "./core/signing.ts";
import { pinnedKeyWarnings } from "./core/updater.ts";
import { generateSeed, MissingKeyError, resolveSigningKeys, SIGNING_KEY_ENV } from "./keys.ts";
import { promoteRelease, ReleaseError, rollForward, startRelease } from "./release.ts";
import { signDownloadUrl } from "./signed-url.ts";
import { addSite, importSites, listSites, revokeSite, type SiteToImport, WranglerError } from "./sites.ts";
import { folderSource, formatRows, urlSource, verifyFeed } from "./verify.ts";

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
};

interface BuildCommandOptions {
  root: string;
  out: string;
  cache?: string;
  expiresInDays: string;
  requireKey?: boolean;
  json?: boolean;
  quiet?: boolean;
}

class UsageError extends Error {}

function parseSitesToImport(text: string, file: string): SiteToImport[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value)) throw new UsageError(`${file}: expected a JSON list of {"site_id", "api_key", "slug"}`);
  return value.map((entry, index) => {
    const { site_id, api_key, slug } = (entry ?? {}) as Record<string, unknown>;
    const siteId = typeof site_id === "number" ? String(site_id) : site_id;
    if (typeof siteId !== "string" || !/^[A-Za-z0-9._:-]{1,128}$/.test(siteId)) {
      throw new UsageError(
        `${file}: entry ${index}: site_id must be letters, digits, . _ : - (found ${JSON.stringify(site_id)})`,
      );
    }
    if (typeof api_key !== "string" || !/^\S{8,256}$/.test(api_key)) {
      throw new UsageError(`${file}: entry ${index}: api_key must be 8 to 256 characters without spaces`);
    }
    if (typeof slug !== "string" || !(slug === "*" || /^[a-z0-9][a-z0-9-]{0,63}$/.test(slug))) {
      throw new UsageError(
        `${file}: entry ${index}: slug must be a plugin slug or "*" (found ${JSON.stringify(slug)})`,
      );
    }
    return { site_id: siteId, api_key, slug };
  });
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

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command("feedwright")
    .description("Compile release YAML and plugin source into a static WordPress plugin update feed.")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run with --help for usage)");

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
    .command("release")
    .description("Start a release: write the version into the source and a draft release YAML.")
    .argument("<slug>")
    .argument("<version>")
    .option("--root <dir>", "the releases repository", ".")
    .addHelpText("after", "\nExample:\n  $ feedwright release igny8-wp-bridge 1.3.0")
    .action(async (slug: string, version: string, options: { root: string }) => {
      for (const line of await startRelease(path.resolve(io.cwd, options.root), slug, version)) io.stderr(`${line}\n`);
    });

  program
    .command("promote")
    .description("Move a release along its lifecycle; pins the committed source and records the package's sha256.")
    .argument("<slug>")
    .argument("<version>")
    .argument("<status>", "testing, staged, released, update_ready or deprecated")
    .option("--root <dir>", "the releases repository", ".")
    .addHelpText(
      "after",
      "\nExamples:\n  $ feedwright promote igny8-wp-bridge 1.3.0 released\n  $ feedwright promote igny8-wp-bridge 1.2.0 deprecated",
    )
    .action(async (slug: string, version: string, status: string, options: { root: string }) => {
      const repoRoot = path.resolve(io.cwd, options.root);
      const signing = await resolveSigningKeys({ env: io.env ?? process.env, repoRoot, createDevKey: true });
      const lines = await promoteRelease({ repoRoot, slug, version, status, now: new Date(), keys: signing.keys });
      for (const line of lines) io.stderr(`${line}\n`);
    });

  program
    .command("rollforward")
    .description("Start the next patch release from a good version's pinned source (WordPress never downgrades).")
    .argument("<slug>")
    .requiredOption("--from <version>", "the good version whose code comes back")
    .option("--root <dir>", "the releases repository", ".")
    .addHelpText("after", "\nExample:\n  $ feedwright rollforward igny8-wp-bridge --from 1.1.1")
    .action(async (slug: string, options: { from: string; root: string }) => {
      for (const line of await rollForward(path.resolve(io.cwd, options.root), slug, options.from))
        io.stderr(`${line}\n`);
    });

  program
    .command("check")
    .description("The pull-request gate: validate, then the release rules against --base, and what sites will see.")
    .option("--base <ref>", "the git revision the change is compared with (e.g. origin/main)")
    .option("--format <format>", "preview as text or markdown (for a PR comment)", "text")
    .option("--root <dir>", "the releases repository", ".")
    .addHelpText(
      "after",
      "\nExamples:\n  $ feedwright check --base origin/main\n  $ feedwright check --base origin/main --format markdown > preview.md",
    )
    .action(async (options: { base?: string; format: string; root: string }) => {
      if (options.format !== "text" && options.format !== "markdown") {
        throw new UsageError(`--format: expected text or markdown, found "${options.format}"`);
      }
      const result = await runCheck({ repoRoot: path.resolve(io.cwd, options.root) }, options.base ?? null);
      if (result.problems.length > 0) throw new InputError(result.problems);
      if (result.review) {
        io.stdout(formatReview(result.review, options.format));
        if (result.review.violations.length > 0) {
          io.stderr(`${result.review.violations.length} release rule(s) broken against ${options.base}\n`);
          exitCode = EXIT_INPUT;
        }
      } else {
        io.stderr("ok: the releases validate (pass --base to check the release rules and preview the change)\n");
      }
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
        if (failed > 0) exitCode = EXIT_INPUT;
      },
    );

  const sites = program
    .command("sites")
    .description("Issue, revoke and list the API keys installed sites use for register and health-check.");
  const kvOptions = (command: Command) =>
    command
      .option("--remote", "the deployed KV namespace (default: local, what npm run dev uses)")
      .option("--env <name>", "wrangler environment for --remote (staging, production)")
      .option("--persist-to <dir>", "local KV state folder (default .wrangler/state)");
  const targetOf = (options: { remote?: boolean; env?: string; persistTo?: string }) => ({
    remote: options.remote ?? false,
    ...(options.env ? { env: options.env } : {}),
    ...(options.persistTo ? { persistTo: path.resolve(io.cwd, options.persistTo) } : {}),
  });
  kvOptions(
    sites
      .command("add")
      .description("Issue an API key for a site (printed once; only its hash is stored).")
      .argument("<site-id>", "the site's id, as its plugin sends it")
      .requiredOption("--slug <slug>", 'the plugin the key is for ("*" for all)')
      .option("--key <key>", "store an existing key (sites of the original service keep theirs)"),
  )
    .addHelpText(
      "after",
      '\nExamples:\n  $ feedwright sites add 123 --slug igny8-wp-bridge\n  $ feedwright sites add 123 --slug igny8-wp-bridge --key "$OLD_KEY" --remote --env production',
    )
    .action(
      async (
        siteId: string,
        options: { slug: string; key?: string; remote?: boolean; env?: string; persistTo?: string },
      ) => {
        if (!/^[A-Za-z0-9._:-]{1,128}$/.test(siteId))
          throw new UsageError(`site id "${siteId}": expected letters, digits, . _ : - (at most 128)`);
        if (options.slug !== "*" && !/^[a-z0-9][a-z0-9-]{0,63}$/.test(options.slug))
          throw new UsageError(`--slug: "${options.slug}" is not a plugin slug`);
        if (options.key !== undefined && !/^\S{8,256}$/.test(options.key))
          throw new UsageError("--key: expected 8 to 256 characters without spaces");
        const added = await addSite(targetOf(options), {
          siteId,
          slug: options.slug,
          ...(options.key ? { apiKey: options.key } : {}),
          now: new Date(),
        });
        io.stdout(`${added.apiKey}\n`);
        io.stderr(
          `issued an API key for site ${siteId} (${options.slug}), stored as ${added.storageKey}; it is not shown again\n`,
        );
      },
    );
  kvOptions(
    sites
      .command("revoke")
      .description("Revoke every API key of a site.")
      .argument("<site-id>")
      .option("--slug <slug>", "only the keys for this plugin"),
  )
    .addHelpText("after", "\nExample:\n  $ feedwright sites revoke 123 --remote --env production")
    .action(async (siteId: string, options: { slug?: string; remote?: boolean; env?: string; persistTo?: string }) => {
      const revoked = await revokeSite(targetOf(options), { siteId, ...(options.slug ? { slug: options.slug } : {}) });
      io.stderr(`revoked ${revoked.length} key(s) of site ${siteId}\n`);
      if (revoked.length === 0) exitCode = EXIT_INPUT;
    });
  kvOptions(
    sites
      .command("import")
      .description("Store the existing API keys of many sites at once (from the original service).")
      .argument("<file>", 'JSON list of {"site_id", "api_key", "slug"}'),
  )
    .addHelpText("after", "\nExample:\n  $ feedwright sites import old-sites.json --remote --env production")
    .action(async (file: string, options: { remote?: boolean; env?: string; persistTo?: string }) => {
      const text = await readFile(path.resolve(io.cwd, file), "utf8").catch(() => {
        throw new UsageError(`cannot read ${file}`);
      });
      const sitesToImport = parseSitesToImport(text, file);
      const count = await importSites(targetOf(options), sitesToImport, new Date());
      io.stderr(`imported ${count} site key(s); only their hashes are stored\n`);
    });
  kvOptions(sites.command("list").description("List the sites that have API keys (never the keys)."))
    .addHelpText("after", "\nExample:\n  $ feedwright sites list --remote --env production")
    .action(async (options: { remote?: boolean; env?: string; persistTo?: string }) => {
      for (const key of await listSites(targetOf(options))) {
        io.stdout(`${key.metadata.site_id}\t${key.metadata.slug}\t${key.metadata.created_at}\t${key.name}\n`);
      }
    });

  program
    .command("sign-url")
    .description("Print an expiring download URL for a private plugin, signed with $DOWNLOAD_URL_KEY.")
    .argument("<slug>")
    .requiredOption("--version <version>", "the release to download")
    .requiredOption("--base <url>", "where the Worker answers, e.g. https://updates.example.com")
    .option("--ttl <seconds>", "how long the URL works", "3600")
    .addHelpText(
      "after",
      "\nExample:\n  $ feedwright sign-url my-plugin --version 1.2.0 --base https://updates.example.com --ttl 600\n  (with DOWNLOAD_URL_KEY set to the Worker's secret)",
    )
    .action((slug: string, options: { version: string; base: string; ttl: string }) => {
      const key = (io.env ?? process.env).DOWNLOAD_URL_KEY;
      if (!key) throw new MissingKeyError("DOWNLOAD_URL_KEY is not set: use the same value as the Worker's secret");
      const ttl = Number(options.ttl);
      if (!Number.isInteger(ttl) || ttl < 1)
        throw new UsageError(`--ttl: expected a whole number of seconds, found "${options.ttl}"`);
      if (!/^https?:\/\//.test(options.base))
        throw new UsageError(`--base: expected an http(s) URL, found "${options.base}"`);
      const expires = Math.floor(Date.now() / 1000) + ttl;
      io.stdout(`${signDownloadUrl({ base: options.base, slug, version: options.version, expires, key })}\n`);
    });

  const keys = program.command("keys").description("Create signing keys and show the public key a plugin pins.");
  keys
    .command("generate")
    .description(`Print a new private signing key for $${SIGNING_KEY_ENV} (stdout) and its public key (stderr).`)
    .addHelpText(
      "after",
      "\nExample:\n  $ feedwright keys generate > signing-key.txt   then store it as a CI secret and delete the file",
    )
    .action(() => {
      const seed = generateSeed();
      const key = parseSigningKey(seed);
      io.stdout(`${seed}\n`);
      io.stderr(`public key ${key.publicKey} (key id ${key.id}): keep the private key secret; never commit it\n`);
    });
  keys
    .command("public")
    .description("Print the public key (base64 of the raw 32 bytes) of the key builds sign with.")
    .option("--root <dir>", "the releases repository", ".")
    .addHelpText("after", "\nExample:\n  $ feedwright keys public        what the updater in the plugin pins")
    .action(async (options: { root: string }) => {
      const signing = await resolveSigningKeys({
        env: io.env ?? process.env,
        repoRoot: path.resolve(io.cwd, options.root),
      });
      for (const [index, key] of signing.keys.entries()) {
        io.stdout(`${key.publicKey}\n`);
        io.stderr(`${index === 0 ? "current" : "next"} key ${key.id} from ${signing.source}\n`);
      }
    });

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
            exitCode = EXIT_INPUT;
          }
        } else {
          await writeFile(file, text);
          io.stderr(`wrote ${path.relative(io.cwd, file)}\n`);
        }
      }
    });

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      ) {
        return EXIT_OK;
      }
      return EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof MissingKeyError || error instanceof WranglerError || error instanceof ReleaseError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT_INPUT;
    }
    if (error instanceof InputError) {
      for (const problem of error.problems) io.stderr(`${formatProblem(problem)}\n`);
      io.stderr(`${error.message}; nothing was written\n`);
      return EXIT_INPUT;
    }
    throw error;
  }
}
