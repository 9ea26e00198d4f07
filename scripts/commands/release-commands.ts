/** release, promote, rollforward and check: the release workflow. */

import path from "node:path";
import type { Command } from "commander";
import { runCheck } from "../check.ts";
import { InputError } from "../core/problems.ts";
import { formatReview } from "../core/review.ts";
import { resolveSigningKeys } from "../io/keys.ts";
import { promoteRelease, rollForward, startRelease } from "../release.ts";
import { type CommandContext, EXIT_INPUT, UsageError } from "./context.ts";

export function addReleaseCommands(program: Command, context: CommandContext): void {
  const { io } = context;
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
          context.fail(EXIT_INPUT);
        }
      } else {
        io.stderr("ok: the releases validate (pass --base to check the release rules and preview the change)\n");
      }
    });
}
