/** `feedwright check`: the pull-request gate (validate, the release rules against --base, a preview). */
import path from "node:path";
import { type Command, Option } from "commander";
import { runCheck } from "../check.ts";
import { EXIT_INPUT, InputError, UsageError } from "../core/errors.ts";
import { type Finding, problemOf } from "../core/problems.ts";
import { formatReview } from "../core/review.ts";
import { findCacheSigner } from "../io/keys.ts";
import { type CommandContext, environmentOf, printJson, reportingJsonErrors, withRootOption } from "./context.ts";

interface CheckCommandOptions {
  base?: string;
  format: string;
  root: string;
  json?: boolean;
}

export function addCheckCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  withRootOption(
    program
      .command("check")
      .description("The pull-request gate: validate, then the release rules against --base, and what sites will see.")
      .option("--base <ref>", "the git revision the change is compared with (e.g. origin/main)")
      .option("--format <format>", "preview as text or markdown (for a PR comment)", "text"),
  )
    .addOption(
      new Option(
        "--json",
        'print the result as JSON on stdout ({"ok", "base", "violations", "warnings", "preview"})',
      ).conflicts("format"),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  $ feedwright check --base origin/main\n  $ feedwright check --base origin/main --format markdown > preview.md\n  $ feedwright check --base origin/main --json | jq .violations",
    )
    .action((options: CheckCommandOptions) =>
      reportingJsonErrors(options.json, io, async () => {
        if (options.format !== "text" && options.format !== "markdown") {
          throw new UsageError(`--format: expected text or markdown, found "${options.format}"`);
        }
        const repoRoot = path.resolve(io.cwd, options.root);
        const cacheSigner = await findCacheSigner(environmentOf(io), repoRoot);
        const result = await runCheck({ repoRoot }, options.base ?? null, { cacheSigner });
        if (result.problems.length > 0) throw new InputError(result.problems);
        const review = result.review;
        const violations = review?.violations ?? [];
        if (options.json) {
          const located = (findings: Finding[]) => findings.map(problemOf);
          printJson(io, {
            ok: violations.length === 0,
            base: options.base ?? null,
            violations: located(violations),
            warnings: located(review?.warnings ?? []),
            preview: review?.preview ?? [],
          });
        }
        if (!review) {
          io.stderr("ok: the releases validate (pass --base to check the release rules and preview the change)\n");
          return;
        }
        if (!options.json) io.stdout(formatReview(review, options.format));
        if (violations.length > 0) {
          io.stderr(`${violations.length} release rule(s) broken against ${options.base}\n`);
          context.fail(EXIT_INPUT);
        }
      }),
    );
}
