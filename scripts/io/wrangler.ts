/**
 * How feedwright runs wrangler: with this Node (the pinned one; wrangler's own shebang would
 * take whatever `node` is on PATH), on the project's config, and with nothing sent off the
 * machine (no Cloudflare fetch, no metrics).
 */
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

export const WRANGLER_BIN = path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
export const WRANGLER_CONFIG = path.join(ROOT, "worker", "wrangler.jsonc");
export const OFFLINE_ENV = { CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" } as const;

/** The arguments and environment for `node <wrangler> ...args`. */
export function wranglerCommand(args: string[]): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  return { command: process.execPath, args: [WRANGLER_BIN, ...args], env: { ...process.env, ...OFFLINE_ENV } };
}
