/** `feedwright promote`: move a release along its lifecycle, pinning its source on the way. */
import path from "node:path";
import type { Command } from "commander";
import { resolveSigningKeys } from "../io/keys.ts";
import { promoteRelease } from "../release.ts";
import { type CommandContext, environmentOf } from "./context.ts";

export function addPromoteCommand(program: Command, { io }: CommandContext): void {
  program
    .command("promote")
    .description("Move a release along its lifecycle; pins the committed source and records the package's sha256.")
    .argument("<slug>")
    .argument("<version>")
    .argument("<status>", "testing, staged, released, update_ready or deprecated")
    .option(
      "--reason <text>",
      "with deprecated (and required for it): why the release is withdrawn, told to the sites still on it",
    )
    .option("--root <dir>", "the releases repository", ".")
    .addHelpText(
      "after",
      '\nExamples:\n  $ feedwright promote igny8-wp-bridge 1.3.0 released\n  $ feedwright promote igny8-wp-bridge 1.2.0 deprecated --reason "Breaks checkout on PHP 8.3; 1.2.1 fixes it."',
    )
    .action(async (slug: string, version: string, status: string, options: { root: string; reason?: string }) => {
      const repoRoot = path.resolve(io.cwd, options.root);
      const reason = options.reason ?? null;
      const signing = await resolveSigningKeys({ env: environmentOf(io), repoRoot, createDevKey: true });
      const lines = await promoteRelease({
        repoRoot,
        slug,
        version,
        status,
        reason,
        now: new Date(),
        keys: signing.keys,
      });
      for (const line of lines) io.stderr(`${line}\n`);
    });
}
