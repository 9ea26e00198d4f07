/** `feedwright release`: start a release (the version in the source, a draft release YAML). */
import path from "node:path";
import type { Command } from "commander";
import { startRelease } from "../release.ts";
import type { CommandContext } from "./context.ts";

export function addReleaseCommand(program: Command, { io }: CommandContext): void {
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
}
