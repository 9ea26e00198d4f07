/**
 * The feedwright CLI in this process with its output captured: the one way tests run a
 * command and read what it printed (test/support/scratch-repo.ts runs it in a scratch
 * repository through this too).
 */
import { main } from "../../scripts/cli.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliPlace {
  cwd: string;
  /** Defaults to process.env, as for the real command. */
  env?: NodeJS.ProcessEnv;
}

/** Runs `feedwright <args>` in `place.cwd`; returns the exit code and everything it printed. */
export async function runFeedwright(args: string[], place: CliPlace): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    cwd: place.cwd,
    ...(place.env ? { env: place.env } : {}),
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr };
}
