/** `feedwright check`: the pull-request gate (validate, the release rules against --base, a preview). */
import path from "node:path";
import type { Command } from "commander";
import { runCheck } from "../check.ts";
import { EXIT_INPUT, InputError, UsageError } from "../core/errors.ts";
import { formatReview } from "../core/review.ts";
import type { CommandContext } from "./context.ts";

export function addCheckCommand(program: Command, context: CommandContext): void {
  const { io } = context;
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
      if (!result.review) {
        io.stderr("ok: the releases validate (pass --base to check the release rules and preview the change)\n");
        return;
      }
      io.stdout(formatReview(result.review, options.format));
      if (result.review.violations.length > 0) {
        io.stderr(`${result.review.violations.length} release rule(s) broken against ${options.base}\n`);
        context.fail(EXIT_INPUT);
      }
    });
}
