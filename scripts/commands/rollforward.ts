/** `feedwright rollforward`: the next patch release from a good version's pinned source. */
import path from "node:path";
import type { Command } from "commander";
import { rollForward } from "../release.ts";
import type { CommandContext } from "./context.ts";

export function addRollforwardCommand(program: Command, { io }: CommandContext): void {
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
}
