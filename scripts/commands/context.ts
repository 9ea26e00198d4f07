/** What every command module shares: output, exit codes and the one usage error. */
export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface CommandContext {
  io: Io;
  /** Set the exit status without stopping (a check that found problems). */
  fail(code: number): void;
}

/** Bad usage the parser cannot see (a value of the wrong form): exit 2. */
export class UsageError extends Error {}
