/**
 * feedwright's command line: one file per command in scripts/commands/, each adding itself to
 * the program. Errors are caught once, here. Exit status: 0 done, 1 bad input (every problem
 * printed as file:line:col), 2 bad usage, 70 an internal error (a bug in feedwright: the
 * message and the stack are printed so it can be reported). The codes and the error classes
 * live in scripts/core/errors.ts.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import type { CommandContext, Io } from "./commands/context.ts";

import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, FeedwrightError } from "./core/errors.ts";

export type { Io } from "./commands/context.ts";
export { EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE } from "./core/errors.ts";

type AddCommand = (program: Command, context: CommandContext) => void;

/**
 * In the order `feedwright --help` lists them, each with its module, loaded when needed: a
 * command loads only its own (a build does not load verify's unzipper or the sites client),
 * help and an unknown command load them all.
 */
const COMMANDS: [name: string, load: () => Promise<AddCommand>][] = [
  ["init", async () => (await import("./commands/init.ts")).addInitCommand],
  ["build", async () => (await import("./commands/build.ts")).addBuildCommand],
  ["validate", async () => (await import("./commands/validate.ts")).addValidateCommand],
  ["verify", async () => (await import("./commands/verify.ts")).addVerifyCommand],
  ["schema", async () => (await import("./commands/schema.ts")).addSchemaCommand],
  ["release", async () => (await import("./commands/release.ts")).addReleaseCommand],
  ["promote", async () => (await import("./commands/promote.ts")).addPromoteCommand],
  ["rollforward", async () => (await import("./commands/rollforward.ts")).addRollforwardCommand],
  ["check", async () => (await import("./commands/check.ts")).addCheckCommand],
  ["dev", async () => (await import("./commands/dev.ts")).addDevCommand],
  ["sites", async () => (await import("./commands/sites.ts")).addSitesCommand],
  ["stats", async () => (await import("./commands/stats.ts")).addStatsCommand],
  ["rollout", async () => (await import("./commands/rollout.ts")).addRolloutCommand],
  ["sign-url", async () => (await import("./commands/sign-url.ts")).addSignUrlCommand],
  ["keys", async () => (await import("./commands/keys.ts")).addKeysCommand],
];

/** The commands `argv` needs: the one it names first, or all of them (help, --version, a typo). */
function commandsFor(argv: string[]): (typeof COMMANDS)[number][] {
  const first = argv.find((arg) => !arg.startsWith("-"));
  const named = COMMANDS.filter(([name]) => name === first);
  return named.length > 0 && !argv.slice(0, argv.indexOf(first ?? "")).some(isHelpOption) ? named : COMMANDS;
}

function isHelpOption(arg: string): boolean {
  return arg === "-h" || arg === "--help";
}

/** feedwright's version, as its package.json says: what `feedwright --version` prints. */
export const FEEDWRIGHT_VERSION: string = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
).version;

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  ...(process.stdin.isTTY && process.stderr.isTTY ? { ask: askAtTerminal } : {}),
};

/** One question on stderr (stdout stays for output), the answer from stdin; Enter takes the fallback. */
async function askAtTerminal(question: string, fallback: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await prompt.question(fallback ? `${question} [${fallback}]: ` : `${question}: `)).trim();
    return answer === "" ? fallback : answer;
  } finally {
    prompt.close();
  }
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command("feedwright")
    .description("Compile release YAML and plugin source into a static WordPress plugin update feed.")
    .version(FEEDWRIGHT_VERSION, "-V, --version", "print feedwright's version")
    // Only before the command: `sign-url <slug> --version 1.2.0` is sign-url's own option.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run with --help for usage)");
  const context: CommandContext = {
    io,
    fail: (code) => {
      exitCode = code;
    },
  };
  try {
    const adders = await Promise.all(commandsFor(argv).map(([, load]) => load()));
    for (const addCommand of adders) addCommand(program, context);
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

/** The one place an error becomes output and an exit status. */
function reportError(error: unknown, io: Io): number {
  // commander has printed its own message already (or the help, or the version).
  if (error instanceof CommanderError) return commanderIsDone(error) ? EXIT_OK : EXIT_USAGE;
  if (error instanceof FeedwrightError) {
    for (const line of error.report()) io.stderr(`${line}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error && error.stack ? error.stack : "(no stack)";
  io.stderr(`internal error, please report: ${message}\n${stack}\n`);
  return EXIT_INTERNAL;
}

function commanderIsDone(error: CommanderError): boolean {
  return ["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code);
}
