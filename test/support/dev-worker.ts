/**
 * `npm run dev` for a test: its own port, output and state folders, the admin token from the
 * environment, started in a process group of its own and stopped by that group's id.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { freePort } from "./processes.ts";
import { TEST_ENV } from "./scratch-repo.ts";

export interface DevWorker {
  base: string;
  port: number;
  stop(): Promise<void>;
}

export async function startDevWorker(options: {
  root: string;
  out: string;
  persistTo: string;
  adminToken: string;
  args?: string[];
}): Promise<DevWorker> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(
    "npm",
    [
      "run",
      "dev",
      "--",
      "--port",
      String(port),
      "--out",
      options.out,
      "--persist-to",
      options.persistTo,
      ...(options.args ?? []),
    ],
    {
      cwd: options.root,
      env: { ...TEST_ENV, ADMIN_TOKEN: options.adminToken },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  let log = "";
  server.stdout?.on("data", (chunk) => {
    log += chunk;
  });
  server.stderr?.on("data", (chunk) => {
    log += chunk;
  });
  const stop = async () => {
    if (!server.pid || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.on("exit", resolve));
    process.kill(-server.pid, "SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (Date.now() > deadline || server.exitCode !== null) {
      await stop();
      throw new Error(`npm run dev did not answer:\n${log}`);
    }
    const ready = await fetch(`${base}/feed.json`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { base, port, stop };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
