/**
 * Stopping `npm run dev` the way a supervisor or a user does: a signal to npm's own process.
 * npm passes SIGTERM to its `sh -c`, which ends without passing it on, so the dev server must
 * notice and end wrangler, workerd and esbuild with it. Servers listen on 127.0.0.1 only.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, isListening, isRunning, processGroup, processTree } from "./support/processes.ts";
import { TEST_ENV } from "./support/scratch-repo.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const work = mkdtempSync(path.join(tmpdir(), "feedwright-dev-stop-"));
/** The process groups of the servers started here (never this process's own): ended if a test leaves any behind. */
const groups = new Set<number>();
afterAll(() => {
  for (const group of groups) {
    try {
      process.kill(-group, "SIGKILL");
    } catch {
      // none left
    }
  }
  rmSync(work, { recursive: true, force: true });
});

async function startDev(name: string): Promise<{ npm: ChildProcess; port: number; log: () => string }> {
  const port = await freePort();
  const npm = spawn(
    "npm",
    ["run", "dev", "--", "--port", String(port), "--out", path.join(work, name, "dist")].concat([
      "--persist-to",
      path.join(work, name, "state"),
    ]),
    // A process group of its own, as a terminal gives a job: Ctrl-C signals that whole group.
    { cwd: ROOT, env: TEST_ENV, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let log = "";
  npm.stdout?.on("data", (chunk) => {
    log += chunk;
  });
  npm.stderr?.on("data", (chunk) => {
    log += chunk;
  });
  const deadline = Date.now() + 90_000;
  while (!(await isListening(port))) {
    if (Date.now() > deadline || npm.exitCode !== null) throw new Error(`npm run dev did not start:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { npm, port, log: () => log };
}

async function waitUntil(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("issue 11 item 10: a signal to npm run dev ends its whole process tree", () => {
  it.each([
    { how: "kill <npm's pid> (SIGTERM)", signal: "SIGTERM", toGroup: false },
    { how: "Ctrl-C (SIGINT to npm's process group)", signal: "SIGINT", toGroup: true },
  ] as const)(
    "$how closes the port and leaves no wrangler or workerd running",
    async ({ signal, toGroup }) => {
      const { npm, port, log } = await startDev(signal);
      const pid = npm.pid as number;
      const own = processGroup(process.pid);
      const tree = processTree(pid);
      const ours = new Set<number>();
      for (const entry of tree) {
        const group = processGroup(entry.pid);
        if (group !== null && group !== own) ours.add(group);
      }
      for (const group of ours) groups.add(group);
      // wrangler may start a process after this look: anything left in these groups counts too.
      const groupsAlive = () =>
        [...ours].filter((group) => {
          try {
            process.kill(-group, 0);
            return true;
          } catch {
            return false;
          }
        });
      const commands = tree.map((entry) => entry.cmdline).join("\n");
      expect(commands).toMatch(/workerd/);
      expect(commands).toMatch(/wrangler/);

      const signalled = Date.now();
      process.kill(toGroup ? -pid : pid, signal);
      const closed = await waitUntil(async () => !(await isListening(port)), 10_000);
      const ended = await waitUntil(
        () => tree.every((entry) => !isRunning(entry.pid)) && groupsAlive().length === 0,
        10_000,
      );
      const seconds = (Date.now() - signalled) / 1000;
      const left = tree.filter((entry) => isRunning(entry.pid)).map((entry) => `${entry.pid} ${entry.cmdline}`);
      expect(closed, `port ${port} still open; ${log()}`).toBe(true);
      expect(left, log()).toEqual([]);
      expect(groupsAlive(), "process groups with a process left").toEqual([]);
      expect(ended).toBe(true);
      expect(seconds).toBeLessThan(10);
    },
    150_000,
  );
});
