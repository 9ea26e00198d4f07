/**
 * `npm run dev`: build the feed, then serve it the way Cloudflare will — static files plus
 * the Worker for /api/* and packages — on 127.0.0.1 with wrangler's local runtime, local KV
 * and Durable Object state, and nothing sent off the machine.
 *
 *   npm run dev [-- --port 8787] [--root .] [--out dist] [--persist-to .wrangler/state] [--no-build] [--origin url] [--dev-clock]
 *
 * --root names the releases repository to build and serve (default: this one); --out and
 * --persist-to are below it. --dev-clock lets a request set the Worker's time with the
 * X-Feedwright-Now header (simulated days for the history; worker/src/clock.ts): it sets the
 * FEEDWRIGHT_DEV_CLOCK variable of this local server only. `feedwright dev` runs this for a vendor's own repository.
 *
 * Secrets never go on a command line (npm echoes it, `ps` shows it to every user): ADMIN_TOKEN
 * and DOWNLOAD_URL_KEY come from the environment or from worker/.dev.vars (git-ignored), the
 * file wrangler itself reads next to the config.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs, parseEnv } from "node:util";
import { OFFLINE_ENV, WRANGLER_BIN, WRANGLER_CONFIG } from "../io/wrangler.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
/** The Worker's secrets (see worker/wrangler.jsonc), by binding name. */
const DEV_SECRETS = ["ADMIN_TOKEN", "DOWNLOAD_URL_KEY"] as const;
const DEV_VARS = path.join(path.dirname(WRANGLER_CONFIG), ".dev.vars");

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    // The releases repository (a vendor's own, through `feedwright dev`); default this one.
    root: { type: "string" },
    out: { type: "string", default: "dist" },
    "persist-to": { type: "string", default: ".wrangler/state" },
    "no-build": { type: "boolean", default: false },
    // Where the built documents' URLs point (default: this server, http://127.0.0.1:<port>).
    origin: { type: "string" },
    "dev-clock": { type: "boolean", default: false },
    // Refused below, with the way to pass them instead.
    "admin-token": { type: "string" },
    "download-url-key": { type: "string" },
  },
});
for (const [option, name] of [
  ["admin-token", "ADMIN_TOKEN"],
  ["download-url-key", "DOWNLOAD_URL_KEY"],
] as const) {
  if (values[option] !== undefined) {
    console.error(
      `npm run dev: --${option} would put a secret on the command line, where npm echoes it and ps shows it.\n` +
        `Set ${name} in the environment (${name}=... npm run dev) or in ${path.relative(ROOT, DEV_VARS)} (git-ignored).`,
    );
    process.exit(2);
  }
}

// Wrangler's child gets neither the secrets in its environment nor the rest of ours as bindings.
const offline: NodeJS.ProcessEnv = { ...process.env, ...OFFLINE_ENV, CLOUDFLARE_INCLUDE_PROCESS_ENV: "false" };
for (const name of DEV_SECRETS) delete offline[name];

/**
 * Every child runs in a process group of its own (wrangler starts workerd and esbuild in it),
 * so stopping ends the whole group, whatever wrangler does with the signal.
 */
const children = new Set<ChildProcess>();
function spawnGroup(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  // Not the terminal's stdin: a process group other than the foreground one must not read it.
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

function runToEnd(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    spawnGroup(args, offline).on("close", (code) => resolve(code ?? 1));
  });
}

/** Whether any process of the group `pgid` is still there. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stop every child's process group: the signal, then SIGKILL for what is left after 5 s, then
 * exit. Ctrl-C, `kill <pid>` (SIGTERM), a closed terminal, or the parent gone (npm ends its
 * `sh -c` on SIGTERM, which would leave this process running with wrangler under it).
 */
let stopping = false;
async function stop(signal: NodeJS.Signals): Promise<never> {
  if (!stopping) {
    stopping = true;
    const groups = [...children].flatMap((child) => (child.pid ? [child.pid] : []));
    for (const pgid of groups) {
      try {
        process.kill(process.platform === "win32" ? pgid : -pgid, signal);
      } catch {
        // already gone
      }
    }
    const deadline = Date.now() + 5_000;
    while (groups.some(groupAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const pgid of groups.filter(groupAlive)) process.kill(-pgid, "SIGKILL");
    process.exit(0);
  }
  return new Promise(() => {});
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stop(signal));
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stop("SIGTERM");
}, 500).unref();

/**
 * Secrets from the environment reach wrangler in a private file (mode 0600 in a 0700 folder,
 * removed when this process ends): wrangler's `--env-file` names the file, never the values.
 * That file replaces worker/.dev.vars for wrangler, so its values are carried over first and
 * the environment's win. With no secret in the environment, wrangler reads .dev.vars itself.
 */
function writeSecretsFile(): { args: string[]; remove(): void } {
  const fromEnv = DEV_SECRETS.filter((name) => process.env[name]);
  if (fromEnv.length === 0) return { args: [], remove: () => {} };
  const vars: Record<string, string> = Object.create(null);
  if (existsSync(DEV_VARS)) Object.assign(vars, parseEnv(readFileSync(DEV_VARS, "utf8")));
  for (const name of fromEnv) vars[name] = process.env[name] ?? "";
  const lines: string[] = [];
  for (const [name, value] of Object.entries(vars)) {
    // wrangler expands $NAME in --env-file values whatever the quotes, and turns \$ into $.
    const escaped = value.replaceAll("$", "\\$");
    const quote = ["'", "`"].find((candidate) => !value.includes(candidate));
    if (/[\r\n]/.test(value) || !quote) {
      console.error(`npm run dev: ${name} must be one line without both ' and \` in it.`);
      process.exit(2);
    }
    lines.push(`${name}=${quote}${escaped}${quote}\n`);
  }
  const folder = mkdtempSync(path.join(tmpdir(), "feedwright-dev-secrets-"));
  const file = path.join(folder, ".dev.vars");
  writeFileSync(file, lines.join(""), { mode: 0o600 });
  return { args: ["--env-file", file], remove: () => rmSync(folder, { recursive: true, force: true }) };
}

const repoRoot = path.resolve(values.root ?? ROOT);
const outDir = path.resolve(repoRoot, values.out);
if (!values["no-build"]) {
  // `feedwright build`, then the documents pointed at this server (scripts/dev/dev-build.ts).
  const origin = values.origin ?? `http://127.0.0.1:${values.port}`;
  const code = await runToEnd([
    path.join(ROOT, "scripts/dev/dev-build.ts"),
    "--root",
    repoRoot,
    "--out",
    outDir,
    "--origin",
    origin,
  ]);
  if (code !== 0) process.exit(code);
}
const secrets = writeSecretsFile();
process.on("exit", () => secrets.remove());
const wrangler = spawnGroup(
  [
    WRANGLER_BIN,
    "dev",
    "--config",
    WRANGLER_CONFIG,
    "--assets",
    outDir,
    "--ip",
    "127.0.0.1",
    "--port",
    values.port,
    "--persist-to",
    path.resolve(repoRoot, values["persist-to"]),
    "--show-interactive-dev-session=false",
    ...(values["dev-clock"] ? ["--var", "FEEDWRIGHT_DEV_CLOCK:1"] : []),
    ...secrets.args,
  ],
  // Loading --env-file is on by default; said here so a user's setting cannot drop the secrets.
  { ...offline, CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true" },
);
// wrangler ending on its own: end what it left in its group too, with its exit code.
wrangler.on("close", (code) => {
  if (stopping) return;
  if (wrangler.pid && groupAlive(wrangler.pid)) process.kill(-wrangler.pid, "SIGKILL");
  process.exit(code ?? 0);
});
