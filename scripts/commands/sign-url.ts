/** `feedwright sign-url`: an expiring download URL for a private plugin. */
import path from "node:path";
import type { Command } from "commander";
import { loadPlan } from "../build.ts";
import { apiBaseFor, signedDownloadUrl } from "../contract/index.ts";
import { MissingKeyError, ReleaseError, UsageError } from "../core/errors.ts";
import type { PluginPlan } from "../core/plan.ts";
import { type CommandContext, environmentOf, parseWholeNumber, withRootOption } from "./context.ts";

/** At most a year: the Worker reads `expires` as at most 12 digits, and a longer link is no longer "expiring". */
const MAX_SIGNED_URL_TTL = 365 * 86_400;

interface SignUrlOptions {
  version: string;
  base?: string;
  ttl: string;
  root: string;
}

export function addSignUrlCommand(program: Command, { io }: CommandContext): void {
  withRootOption(
    program
      .command("sign-url")
      .description("Print an expiring download URL for a private plugin, signed with $DOWNLOAD_URL_KEY.")
      .argument("<slug>")
      .requiredOption("--version <version>", "the release to download (one the build packages)")
      .option(
        "--base <url>",
        "where the Worker answers, e.g. https://updates.example.com (default: the origin of api_base)",
      )
      .option("--ttl <seconds>", "how long the URL works (1 to 31536000, a year)", "3600"),
    "the releases repository (the plugin and the release must be in its releases/)",
  )
    .addHelpText(
      "after",
      "\nExamples:\n  $ feedwright sign-url my-plugin --version 1.2.0 --ttl 600\n  $ feedwright sign-url my-plugin --version 1.2.0 --base https://staging.example.com\n  (with DOWNLOAD_URL_KEY set to the Worker's secret)",
    )
    .action(async (slug: string, options: SignUrlOptions) => {
      const key = environmentOf(io).DOWNLOAD_URL_KEY;
      if (!key) throw new MissingKeyError("DOWNLOAD_URL_KEY is not set: use the same value as the Worker's secret");
      const ttl = parseWholeNumber("--ttl", options.ttl, { min: 1, max: MAX_SIGNED_URL_TTL }, "seconds");
      if (options.base !== undefined && !/^https?:\/\//.test(options.base))
        throw new UsageError(`--base: expected an http(s) URL, found "${options.base}"`);
      // Only a URL the Worker would serve: the plugin and a packaged release of it, in this tree.
      const plugin = await findPackagedRelease(path.resolve(io.cwd, options.root), slug, options.version, io.cwd);
      const expires = Math.floor(Date.now() / 1000) + ttl;
      // Signed as the Worker signs and checks it: the contract's HMAC (WebCrypto), not a copy.
      const apiBase = options.base ? apiBaseFor(options.base.replace(/\/+$/, "")) : plugin.apiBase;
      io.stdout(`${await signedDownloadUrl({ apiBase, slug, version: options.version, expires, key })}\n`);
      if (!plugin.definition.private) {
        io.stderr(`note: ${slug} is not private: its downloads need no signed URL\n`);
      }
    });
}

/** The plugin, when `version` is a release of it that the build packages; else a ReleaseError saying what there is. */
async function findPackagedRelease(repoRoot: string, slug: string, version: string, cwd: string): Promise<PluginPlan> {
  const { plan } = await loadPlan({ repoRoot }, { checkSources: false });
  const plugin = plan.plugins.find((candidate) => candidate.slug === slug);
  if (!plugin) {
    const known = plan.plugins.map((candidate) => candidate.slug).join(", ") || "none";
    const releases = path.relative(cwd, path.join(repoRoot, "releases")) || ".";
    throw new ReleaseError(`no plugin "${slug}" in ${releases}/ (plugins: ${known})`);
  }
  const packaged = plugin.releases.filter((release) => release.packaged).map((release) => release.version);
  const release = plugin.releases.find((candidate) => candidate.version === version);
  const offered = `packaged: ${packaged.join(", ") || "none"}`;
  if (!release) throw new ReleaseError(`${slug} has no release ${version} (${offered})`);
  if (!release.packaged) {
    throw new ReleaseError(
      `${slug} ${version} is not packaged, so no URL can download it: ${release.skipReason ?? "not built"} (${offered})`,
    );
  }
  return plugin;
}
