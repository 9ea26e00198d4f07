/**
 * feedwright's command line. Exit status: 0 done, 1 bad input (every problem printed as
 * file:line:col), 2 bad usage. The commands live in scripts/commands/.
 */
import { Command, CommanderError } from "commander";
import { EXIT_INPUT, EXIT_OK, EXIT_USAGE, type Io, UsageError } from "./commands/context.ts";
import { addFeedCommands } from "./commands/feed-commands.ts";
import { addKeyCommands } from "./commands/key-commands.ts";
import { addReleaseCommands } from "./commands/release-commands.ts";
import { addSiteCommands } from "./commands/site-commands.ts";
import { formatProblem, InputError } from "./core/problems.ts";
import { MissingKeyError } from "./io/keys.ts";
import { ReleaseError } from "./release.ts";
import { WranglerError } from "./sites.ts";

export { EXIT_INPUT, EXIT_OK, EXIT_USAGE, type Io } from "./commands/context.ts";

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
};

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command("feedwright")
    .description("Compile release YAML and plugin source into a static WordPress plugin update feed.")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run with --help for usage)");
  const context = {
    io,
    fail: (code: number) => {
      exitCode = code;
    },
  };
  addFeedCommands(program, context);
  addReleaseCommands(program, context);
  addSiteCommands(program, context);
  addKeyCommands(program, context);

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      ) {
        return EXIT_OK;
      }
      return EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof MissingKeyError || error instanceof WranglerError || error instanceof ReleaseError) {
      io.stderr(`error: ${error.message}\n`);
      return EXIT_INPUT;
    }
    if (error instanceof InputError) {
      for (const problem of error.problems) io.stderr(`${formatProblem(problem)}\n`);
      io.stderr(`${error.message}; nothing was written\n`);
      return EXIT_INPUT;
    }
    throw error;
  }
}
