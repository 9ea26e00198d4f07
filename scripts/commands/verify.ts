/** `feedwright verify`: check a built folder or a deployed feed, one row per check. */
import path from "node:path";
import type { Command } from "commander";
import { EXIT_INPUT, KeyFormatError, UsageError } from "../core/errors.ts";
import { type PublicKey, parsePublicKey } from "../core/signing.ts";
import { resolveSigningKeys } from "../io/keys.ts";
import { folderSource, formatRows, urlSource, verifyFeed } from "../verify.ts";
import {
  type CommandContext,
  environmentOf,
  type Io,
  parseWholeNumber,
  printJson,
  reportingJsonErrors,
} from "./context.ts";

interface VerifyCommandOptions {
  publicKey?: string[];
  minSerial?: string;
  now?: string;
  root: string;
  json?: boolean;
}

export function addVerifyCommand(program: Command, context: CommandContext): void {
  program
    .command("verify")
    .description("Check a built folder or a deployed feed: checksums, signatures, serial, expiry, agreement.")
    .argument("<folder-or-url>", "a built folder (dist) or the URL it is published at")
    .option("--public-key <base64...>", "trust these public keys (default: the key builds sign with)")
    .option("--min-serial <n>", "refuse a feed whose serial is lower (a replayed older feed)")
    .option("--now <time>", "judge expiry and issue time at this ISO 8601 time instead of now")
    .option("--root <dir>", "the releases repository (to find the signing key)", ".")
    .option("--json", 'print the checks as JSON on stdout ({"ok", "target", "passed", "failed", "checks"})')
    .addHelpText(
      "after",
      `
Examples:
  $ feedwright verify dist
  $ feedwright verify https://updates.example.com --public-key "$(feedwright keys public)"
  $ feedwright verify dist --json | jq '.checks[] | select(.ok | not)'`,
    )
    .action((target: string, options: VerifyCommandOptions) =>
      reportingJsonErrors(options.json, context.io, () => verify(target, options, context)),
    );
}

/** Nothing checkable at all (no feed.json, an address that does not answer) is a VerifyError: one line, exit 1. */
async function verify(target: string, options: VerifyCommandOptions, { io, fail }: CommandContext): Promise<void> {
  const trusted = await trustedKeys(options.publicKey, path.resolve(io.cwd, options.root), io);
  const now = options.now ? new Date(options.now) : new Date();
  if (Number.isNaN(now.getTime())) throw new UsageError(`--now: expected an ISO 8601 time, found "${options.now}"`);
  const minSerial =
    options.minSerial === undefined
      ? undefined
      : parseWholeNumber("--min-serial", options.minSerial, { min: 0, max: Number.MAX_SAFE_INTEGER });
  const source = /^https?:\/\//.test(target) ? urlSource(target) : folderSource(path.resolve(io.cwd, target));
  const rows = await verifyFeed(source, { trusted, now, ...(minSerial !== undefined ? { minSerial } : {}) });
  const failed = rows.filter((row) => !row.ok).length;
  if (options.json) {
    printJson(io, { ok: failed === 0, target: source.label, passed: rows.length - failed, failed, checks: rows });
  } else {
    io.stdout(`${formatRows(rows)}\n`);
  }
  io.stderr(`${source.label}: ${rows.length - failed} checks passed, ${failed} failed\n`);
  if (failed > 0) fail(EXIT_INPUT);
}

/** The keys given with --public-key, else the public half of the key builds sign with. */
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
  const signing = await resolveSigningKeys({ env: environmentOf(io), repoRoot });
  return signing.keys.map((key) => ({ id: key.id, publicKey: key.publicKey }));
}
