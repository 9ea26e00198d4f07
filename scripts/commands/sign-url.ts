/** `feedwright sign-url`: an expiring download URL for a private plugin. */
import type { Command } from "commander";
import { API_PATH, signedDownloadUrl } from "../contract/index.ts";
import { MissingKeyError, UsageError } from "../core/errors.ts";
import { type CommandContext, environmentOf, parseWholeNumber } from "./context.ts";

/** At most a year: the Worker reads `expires` as at most 12 digits, and a longer link is no longer "expiring". */
const MAX_SIGNED_URL_TTL = 365 * 86_400;

export function addSignUrlCommand(program: Command, { io }: CommandContext): void {
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
    .action(async (slug: string, options: { version: string; base: string; ttl: string }) => {
      const key = environmentOf(io).DOWNLOAD_URL_KEY;
      if (!key) throw new MissingKeyError("DOWNLOAD_URL_KEY is not set: use the same value as the Worker's secret");
      const ttl = parseWholeNumber("--ttl", options.ttl, { min: 1, max: MAX_SIGNED_URL_TTL }, "seconds");
      if (!/^https?:\/\//.test(options.base))
        throw new UsageError(`--base: expected an http(s) URL, found "${options.base}"`);
      const expires = Math.floor(Date.now() / 1000) + ttl;
      // Signed as the Worker signs and checks it: the contract's HMAC (WebCrypto), not a copy.
      const apiBase = `${options.base.replace(/\/+$/, "")}${API_PATH}`;
      io.stdout(`${await signedDownloadUrl({ apiBase, slug, version: options.version, expires, key })}\n`);
    });
}
