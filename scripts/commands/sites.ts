/** `feedwright sites add|revoke|import|list`: the API keys installed sites use for register and health-check. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { EXIT_INPUT, SitesImportError, UsageError } from "../core/errors.ts";
import { addSites, importSites, listSites, revokeSite, type SiteToImport, siteEntryProblems } from "../sites.ts";
import { type CommandContext, type Io, printJson, reportingJsonErrors, withRootOption } from "./context.ts";

/** Which KV namespace a sites command works on. */
interface KvOptions {
  root: string;
  remote?: boolean;
  env?: string;
  persistTo?: string;
}

export function addSitesCommand(program: Command, context: CommandContext): void {
  const sites = program
    .command("sites")
    .description("Issue, revoke and list the API keys installed sites use for register and health-check.");
  addSitesAdd(sites, context);
  addSitesRevoke(sites, context);
  addSitesImport(sites, context);
  addSitesList(sites, context);
}

function withKvOptions(command: Command): Command {
  return withRootOption(
    command
      .option("--remote", "the deployed KV namespace (default: local, what npm run dev uses)")
      .option("--env <name>", "wrangler environment for --remote (staging, production)")
      .option("--persist-to <dir>", "local KV state folder (default <root>/.wrangler/state, as npm run dev)"),
    "the releases repository (its .wrangler/state holds the local KV)",
  );
}

/** Local KV lives where `npm run dev` keeps it: .wrangler/state in the repository (--root). */
function kvTargetOf(options: KvOptions, io: Io) {
  return {
    remote: options.remote ?? false,
    ...(options.env ? { env: options.env } : {}),
    persistTo: options.persistTo
      ? path.resolve(io.cwd, options.persistTo)
      : path.join(path.resolve(io.cwd, options.root), ".wrangler", "state"),
  };
}

function addSitesAdd(sites: Command, { io }: CommandContext): void {
  withKvOptions(
    sites
      .command("add")
      .description(
        "Issue an API key for each site (printed once; only its hash is stored): one key alone, several as <site-id> TAB <key> lines.",
      )
      .argument("<site-id...>", "the sites' ids, as their plugin sends them")
      .requiredOption("--slug <slug>", 'the plugin the keys are for ("*" for all)')
      .option("--key <key>", "store an existing key for one site (sites of the original service keep theirs)"),
  )
    .addHelpText(
      "after",
      '\nExamples:\n  $ feedwright sites add 123 --slug igny8-wp-bridge\n  $ feedwright sites add 123 124 125 --slug igny8-wp-bridge > keys.tsv\n  $ feedwright sites add 123 --slug igny8-wp-bridge --key "$OLD_KEY" --remote --env production',
    )
    .action(async (siteIds: string[], options: KvOptions & { slug: string; key?: string }) => {
      const problems = siteIds.flatMap((siteId) =>
        siteEntryProblems({ siteId, slug: options.slug, apiKey: options.key }),
      );
      if (new Set(siteIds).size !== siteIds.length) problems.push("a site id is given twice");
      if (options.key !== undefined && siteIds.length > 1)
        problems.push("--key stores one existing key: give one site id");
      if (problems.length > 0) throw new UsageError([...new Set(problems)].join("; "));
      const added = await addSites(
        kvTargetOf(options, io),
        siteIds.map((siteId) => ({ siteId, slug: options.slug, ...(options.key ? { apiKey: options.key } : {}) })),
        new Date(),
      );
      for (const site of added)
        io.stdout(siteIds.length === 1 ? `${site.apiKey}\n` : `${site.siteId}\t${site.apiKey}\n`);
      for (const site of added) {
        io.stderr(
          `issued an API key for site ${site.siteId} (${options.slug}), stored as ${site.storageKey}; it is not shown again\n`,
        );
      }
    });
}

function addSitesRevoke(sites: Command, context: CommandContext): void {
  const { io } = context;
  withKvOptions(
    sites
      .command("revoke")
      .description("Revoke every API key of a site.")
      .argument("<site-id>")
      .option("--slug <slug>", "only the keys for this plugin"),
  )
    .addHelpText("after", "\nExample:\n  $ feedwright sites revoke 123 --remote --env production")
    .action(async (siteId: string, options: KvOptions & { slug?: string }) => {
      const revoked = await revokeSite(kvTargetOf(options, io), {
        siteId,
        ...(options.slug ? { slug: options.slug } : {}),
      });
      io.stderr(`revoked ${revoked.length} key(s) of site ${siteId}\n`);
      if (revoked.length === 0) context.fail(EXIT_INPUT);
    });
}

function addSitesImport(sites: Command, { io }: CommandContext): void {
  withKvOptions(
    sites
      .command("import")
      .description("Store the existing API keys of many sites at once (from the original service).")
      .argument("<file>", 'JSON list of {"site_id", "api_key", "slug"}'),
  )
    .addHelpText("after", "\nExample:\n  $ feedwright sites import old-sites.json --remote --env production")
    .action(async (file: string, options: KvOptions) => {
      // The file is input: what is wrong with it is exit 1, as for any bad input.
      const text = await readFile(path.resolve(io.cwd, file), "utf8").catch((error: NodeJS.ErrnoException) => {
        throw new SitesImportError(file, [`cannot be read (${error.code ?? error.message})`]);
      });
      const count = await importSites(kvTargetOf(options, io), parseSitesToImport(text, file), new Date());
      io.stderr(`imported ${count} site key(s); only their hashes are stored\n`);
    });
}

function addSitesList(sites: Command, { io }: CommandContext): void {
  withKvOptions(sites.command("list").description("List the sites that have API keys (never the keys)."))
    .option(
      "--json",
      'print the list as JSON on stdout ({"ok", "sites": [{"site_id", "slug", "created_at", "storage_key"}]})',
    )
    .addHelpText(
      "after",
      "\nExamples:\n  $ feedwright sites list --remote --env production\n  $ feedwright sites list --json | jq -r '.sites[].site_id'",
    )
    .action((options: KvOptions & { json?: boolean }) =>
      reportingJsonErrors(options.json, io, async () => {
        const sites = await listSites(kvTargetOf(options, io));
        if (options.json) {
          printJson(io, {
            ok: true,
            sites: sites.map((key) => ({
              site_id: key.metadata.site_id,
              slug: key.metadata.slug,
              created_at: key.metadata.created_at,
              storage_key: key.name,
            })),
          });
          return;
        }
        for (const key of sites) {
          io.stdout(`${key.metadata.site_id}\t${key.metadata.slug}\t${key.metadata.created_at}\t${key.name}\n`);
        }
      }),
    );
}

/** Every entry checked before anything is stored; every bad one named. */
function parseSitesToImport(text: string, file: string): SiteToImport[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SitesImportError(file, [`not JSON (${(error as Error).message})`]);
  }
  if (!Array.isArray(value))
    throw new SitesImportError(file, ['expected a JSON list of {"site_id", "api_key", "slug"}']);
  const bad: string[] = [];
  const sites = value.map((entry, index) => {
    const { site_id, api_key, slug } = (entry ?? {}) as Record<string, unknown>;
    const siteId = typeof site_id === "number" ? String(site_id) : site_id;
    const problems = siteEntryProblems({ siteId, slug, apiKey: api_key ?? null });
    if (problems.length > 0) bad.push(`entry ${index}: ${problems.join("; ")}`);
    return { site_id: siteId as string, api_key: api_key as string, slug: slug as string };
  });
  if (bad.length > 0) throw new SitesImportError(file, bad);
  return sites;
}
