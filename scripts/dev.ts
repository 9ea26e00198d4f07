/**
 * `npm run dev`: build the feed, then serve it the way Cloudflare will — static files plus
 * the Worker for /api/* and packages — on 127.0.0.1 with wrangler's local runtime, local KV
 * and Durable Object state, and nothing sent off the machine.
 *
 *   npm run dev [-- --port 8787] [--out dist] [--persist-to .wrangler/state]
 *                  [--admin-token T] [--download-url-key K] [--no-build]
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { OFFLINE_ENV, WRANGLER_BIN, WRANGLER_CONFIG } from "./wrangler.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8787" },
    out: { type: "string", default: "dist" },
    "persist-to": { type: "string", default: ".wrangler/state" },
    "admin-token": { type: "string" },
    "download-url-key": { type: "string" },
    "no-build": { type: "boolean", default: false },
  },
});
const offline = { ...process.env, ...OFFLINE_ENV };

function runToEnd(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    spawn(process.execPath, args, { cwd: ROOT, env: offline, stdio: "inherit" }).on("close", (code) =>
      resolve(code ?? 1),
    );
  });
}

const outDir = path.resolve(ROOT, values.out);
if (!values["no-build"]) {
  const code = await runToEnd([path.join(ROOT, "scripts/bin/feedwright.js"), "build", "--out", outDir]);
  if (code !== 0) process.exit(code);
}
const vars = [
  ...(values["admin-token"] ? ["--var", `ADMIN_TOKEN:${values["admin-token"]}`] : []),
  ...(values["download-url-key"] ? ["--var", `DOWNLOAD_URL_KEY:${values["download-url-key"]}`] : []),
];
const wrangler = spawn(
  process.execPath,
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
    path.resolve(ROOT, values["persist-to"]),
    "--show-interactive-dev-session=false",
    ...vars,
  ],
  { cwd: ROOT, env: offline, stdio: "inherit" },
);
// Stop wrangler (and its workerd) with us.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => wrangler.kill(signal));
wrangler.on("close", (code) => process.exit(code ?? 0));
