/** sites and sign-url: what installed sites and private downloads need. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { MissingKeyError } from "../io/keys.ts";
import { signDownloadUrl } from "../signed-url.ts";
import { addSite, importSites, listSites, revokeSite, type SiteToImport, siteEntryProblems } from "../sites.ts";
import { type CommandContext, EXIT_INPUT, parseWholeNumber, UsageError } from "./context.ts";

const MAX_SIGNED_URL_TTL = 365 * 86_400;

export function addSiteCommands(program: Command, context: CommandContext): void {
  const { io } = context;
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
        const problems = siteEntryProblems({ siteId, slug: options.slug, apiKey: options.key });
        if (problems.length > 0) throw new UsageError(problems.join("; "));
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
      if (revoked.length === 0) context.fail(EXIT_INPUT);
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
    .option("--ttl <seconds>", "how long the URL works (1 to 31536000, a year)", "3600")
    .addHelpText(
      "after",
      "\nExample:\n  $ feedwright sign-url my-plugin --version 1.2.0 --base https://updates.example.com --ttl 600\n  (with DOWNLOAD_URL_KEY set to the Worker's secret)",
    )
    .action((slug: string, options: { version: string; base: string; ttl: string }) => {
      const key = (io.env ?? process.env).DOWNLOAD_URL_KEY;
      if (!key) throw new MissingKeyError("DOWNLOAD_URL_KEY is not set: use the same value as the Worker's secret");
      // At most a year: the Worker reads `expires` as at most 12 digits, and a longer link is no longer "expiring".
      const ttl = parseWholeNumber("--ttl", options.ttl, { min: 1, max: MAX_SIGNED_URL_TTL }, "seconds");
      if (!/^https?:\/\//.test(options.base))
        throw new UsageError(`--base: expected an http(s) URL, found "${options.base}"`);
      const expires = Math.floor(Date.now() / 1000) + ttl;
      io.stdout(`${signDownloadUrl({ base: options.base, slug, version: options.version, expires, key })}\n`);
    });
}

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
    const problems = siteEntryProblems({ siteId, slug, apiKey: api_key ?? null });
    if (problems.length > 0) throw new UsageError(`${file}: entry ${index}: ${problems.join("; ")}`);
    return { site_id: siteId as string, api_key: api_key as string, slug: slug as string };
  });
}
