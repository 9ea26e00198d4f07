/** `feedwright validate`: every YAML file under releases/ and every pinned source, writing nothing. */
import path from "node:path";
import type { Command } from "commander";
import { loadPlan } from "../build.ts";
import { findCacheSigner } from "../io/keys.ts";
import { type CommandContext, environmentOf, printJson, reportingJsonErrors, withRootOption } from "./context.ts";

export function addValidateCommand(program: Command, { io }: CommandContext): void {
  withRootOption(
    program
      .command("validate")
      .description("Check every YAML file under releases/ and every pinned source; write nothing."),
  )
    .option("--json", 'print the result as JSON on stdout ({"ok", "plugins"}, or {"ok": false, "error"})')
    .addHelpText(
      "after",
      "\nExamples:\n  $ feedwright validate && git push\n  $ feedwright validate --json | jq .error.problems",
    )
    .action((options: { root: string; json?: boolean }) =>
      reportingJsonErrors(options.json, io, async () => {
        const repoRoot = path.resolve(io.cwd, options.root);
        const cacheSigner = await findCacheSigner(environmentOf(io), repoRoot);
        const { plan, git } = await loadPlan({ repoRoot }, { checkSources: true, cacheSigner });
        git?.close();
        const releases = plan.plugins.reduce((sum, plugin) => sum + plugin.releases.length, 0);
        if (options.json) {
          printJson(io, {
            ok: true,
            plugins: plan.plugins.map((plugin) => ({
              slug: plugin.slug,
              releases: plugin.releases.map((release) => ({
                version: release.version,
                status: release.status,
                channel: release.channel,
                packaged: release.packaged,
                skip_reason: release.skipReason,
              })),
            })),
          });
        }
        io.stderr(`ok: ${plan.plugins.length} plugin(s), ${releases} release(s), no problems\n`);
        for (const plugin of plan.plugins.filter((candidate) => !candidate.active)) {
          io.stderr(`note: ${plugin.slug} is inactive (active: false): nothing of it is offered or downloadable\n`);
        }
      }),
    );
}
