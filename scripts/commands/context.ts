/** What every command module shares: output, the exit status, and option parsing. */
import type { Command } from "commander";
import { FeedwrightError, InputError, UsageError } from "../core/errors.ts";

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Asks the person at the terminal; absent when there is none (CI, a pipe), so commands never wait. */
  ask?: (question: string, fallback: string) => Promise<string>;
}

export interface CommandContext {
  io: Io;
  /** Set the exit status without stopping (a check that found problems). */
  fail(code: number): void;
}

/** The environment a command reads keys from: the one given to the CLI, else the process's. */
export function environmentOf(io: Io): NodeJS.ProcessEnv {
  return io.env ?? process.env;
}

/**
 * A whole number written in plain digits within [min, max]; anything else (1e3, 7.5, 0x10, a
 * number too large to count with) is a UsageError naming the option and the range.
 */
export function parseWholeNumber(
  option: string,
  text: string,
  range: { min: number; max: number },
  unit?: string,
): number {
  const value = /^[0-9]{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(value) && value >= range.min && value <= range.max) return value;
  const what = unit ? `a whole number of ${unit}` : "a whole number";
  const bounds =
    range.max === Number.MAX_SAFE_INTEGER ? `of at least ${range.min}` : `from ${range.min} to ${range.max}`;
  throw new UsageError(`${option}: expected ${what} ${bounds}, found "${text}"`);
}

/** `--root`, which every command takes: the releases repository (holds releases/ and source/). */
export function withRootOption(
  command: Command,
  what = "the releases repository (holds releases/ and source/)",
): Command {
  return command.option("--root <dir>", what, ".");
}

/** `--json` output: one JSON document on stdout. */
export function printJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * What a `--json` command prints on stdout when feedwright reports an error (the stderr lines
 * and the exit status stay as without --json): `{"ok": false, "error": {"message",
 * "exit_code", "problems"}}`, `problems` being every file:line:col problem of bad input.
 */
export function jsonOfError(error: FeedwrightError): {
  ok: false;
  error: {
    message: string;
    exit_code: number;
    problems: { file: string; line: number; col: number; message: string }[];
  };
} {
  const problems = error instanceof InputError ? error.problems : [];
  return { ok: false, error: { message: error.message, exit_code: error.exitCode, problems } };
}

/** Run a command's work; with --json, an error feedwright reports is also one JSON document on stdout. */
export async function reportingJsonErrors(json: boolean | undefined, io: Io, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (json && error instanceof FeedwrightError) printJson(io, jsonOfError(error));
    throw error;
  }
}
