/** `feedwright validate`: every YAML file under releases/ and every pinned source, writing nothing. */
import path from "node:path";
import type { Command } from "commander";
import { loadPlan } from "../build.ts";
import type { CommandContext } from "./context.ts";

export function addValidateCommand(program: Command, { io }: CommandContext): void {
  program
    .command("validate")
    .description("Check every YAML file under releases/ and every pinned source; write nothing.")
    .option("--root <dir>", "the releases repository", ".")
    .addHelpText("after", "\nExample:\n  $ feedwright validate && git push")
    .action(async (options: { root: string }) => {
      const { plan } = await loadPlan({ repoRoot: path.resolve(io.cwd, options.root) }, { checkSources: true });
      const releases = plan.plugins.reduce((sum, plugin) => sum + plugin.releases.length, 0);
      io.stderr(`ok: ${plan.plugins.length} plugin(s), ${releases} release(s), no problems\n`);
      for (const plugin of plan.plugins.filter((candidate) => !candidate.active)) {
        io.stderr(`note: ${plugin.slug} is inactive (active: false): nothing of it is offered or downloadable\n`);
      }
    });
}
