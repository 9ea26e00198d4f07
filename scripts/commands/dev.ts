/**
 * `feedwright dev`: `npm run dev` for any releases repository, a vendor's own included: builds
 * it with every document pointing at this machine and serves the feed and the Worker on
 * 127.0.0.1 (scripts/dev/dev-server.ts does the work; this command starts it and waits).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import type { Command } from "commander";
import { type CommandContext, environmentOf, parseWholeNumber, withRootOption } from "./context.ts";

const DEV_SERVER = path.resolve(import.meta.dirname, "..", "dev", "dev-server.ts");

export function addDevCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  withRootOption(
    program
      .command("dev")
      .description("Build and serve the feed and the Worker on http://127.0.0.1:<port>, for trying updates locally."),
  )
    .option("--port <port>", "where to listen", "8787")
    .option("--no-build", "serve the folder as it is")
    .addHelpText(
      "after",
      "\nExample:\n  $ feedwright dev --port 8787   then point a WordPress at it (README: Setting up a site)",
    )
    .action(async (options: { root: string; port: string; build: boolean }) => {
      const port = parseWholeNumber("--port", options.port, { min: 1, max: 65_535 });
      const args = [DEV_SERVER, "--root", path.resolve(io.cwd, options.root), "--port", String(port)];
      if (!options.build) args.push("--no-build");
      const child = spawn(process.execPath, args, { stdio: "inherit", env: environmentOf(io) });
      // The server ends its own children on these signals; pass them on, then wait for it.
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on("SIGINT", forward);
      process.on("SIGTERM", forward);
      const code = await new Promise<number>((resolve) => child.on("close", (exit) => resolve(exit ?? 1)));
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      if (code !== 0) context.fail(code);
    });
}
