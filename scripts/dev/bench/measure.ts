/**
 * Timing a command as a user runs it: a child process, wall time from spawn to exit (process
 * start included), and its peak resident memory from GNU time (/usr/bin/time) when installed.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

const GNU_TIME = "/usr/bin/time";

export interface Timed {
  ms: number;
  /** Peak resident set size of the command in MiB; null without GNU time. */
  rssMiB: number | null;
  code: number;
  stdout: string;
  stderr: string;
}

export async function timeCommand(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<Timed> {
  const scratch = mkdtempSync(path.join(tmpdir(), "feedwright-bench-time-"));
  const rssFile = path.join(scratch, "rss");
  const withTime = existsSync(GNU_TIME);
  const [file, argv] = withTime ? [GNU_TIME, ["-f", "%M", "-o", rssFile, command, ...args]] : [command, args];
  try {
    const started = performance.now();
    const child = spawn(file, argv, { cwd: options.cwd, env: options.env ?? process.env, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.stdin.end(options.input ?? "");
    const code = await new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (exit) => resolve(exit ?? 1));
    });
    const ms = performance.now() - started;
    const rssKiB = withTime ? Number(readFileSync(rssFile, "utf8").trim().split("\n").at(-1)) : Number.NaN;
    return { ms, rssMiB: Number.isFinite(rssKiB) ? rssKiB / 1024 : null, code, stdout, stderr };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** "812 ms" or "12.4 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  return ms < 10_000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
