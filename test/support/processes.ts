/** Processes and ports on this machine, read from /proc and by connecting: for tests that stop servers. */
import { readdirSync, readFileSync } from "node:fs";
import { connect, createServer } from "node:net";

/** The processes under `pid` (itself included), from /proc. */
export function processTree(pid: number): { pid: number; cmdline: string }[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // it ended while being listed
    }
  }
  const found: { pid: number; cmdline: string }[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    try {
      const cmdline = readFileSync(`/proc/${next}/cmdline`, "utf8").replaceAll("\0", " ");
      found.push({ pid: next, cmdline });
    } catch {
      continue;
    }
    queue.push(...(parents.get(next) ?? []));
  }
  return found;
}

/** The process group of `pid`, or null when it has ended. */
export function processGroup(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  } catch {
    return null;
  }
}

/** Whether `pid` still runs (a zombie waiting to be reaped has ended). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
