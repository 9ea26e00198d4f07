/**
 * `feedwright sites add|revoke|list`: API keys for installed sites. A key is shown once and
 * stored only as its SHA-256, as scripts/contract/api-keys.ts says (the record in the value,
 * the site and plugin in the metadata so a list needs no reads). Local (wrangler's local KV in
 * .wrangler/state, what `npm run dev` uses) or remote (the deployed namespace), both through
 * wrangler's own CLI so there is one code path.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import {
  ANY_SLUG,
  API_KEY_PATTERN,
  API_KEY_STORAGE_PREFIX,
  type ApiKeyMetadata,
  apiKeyEntry,
  isSlug,
  SITE_ID_PATTERN,
} from "./contract/index.ts";
import { WranglerError } from "./core/errors.ts";
import { WRANGLER_CONFIG, wranglerCommand } from "./io/wrangler.ts";

const run = promisify(execFile);
const FEEDWRIGHT_ROOT = path.resolve(import.meta.dirname, "..");
export const LOCAL_STATE = path.join(FEEDWRIGHT_ROOT, ".wrangler", "state");

/**
 * The problems with one site entry, as messages naming the field; empty when it is fine.
 * What the Worker would not accept is refused here, before anything is stored.
 */
export function siteEntryProblems(entry: { siteId: unknown; slug: unknown; apiKey?: unknown }): string[] {
  const problems: string[] = [];
  if (typeof entry.siteId !== "string" || !SITE_ID_PATTERN.test(entry.siteId)) {
    problems.push(`site id ${JSON.stringify(entry.siteId)}: expected letters, digits, . _ : - (at most 128)`);
  }
  if (typeof entry.slug !== "string" || !(entry.slug === ANY_SLUG || isSlug(entry.slug))) {
    problems.push(`slug ${JSON.stringify(entry.slug)}: expected a plugin slug or "*"`);
  }
  if (entry.apiKey !== undefined && (typeof entry.apiKey !== "string" || !API_KEY_PATTERN.test(entry.apiKey))) {
    problems.push("API key: expected 8 to 256 characters without spaces");
  }
  return problems;
}

export interface KvTarget {
  remote: boolean;
  /** wrangler environment (staging, production) for remote use. */
  env?: string;
  /** Where local KV lives (default: the one `npm run dev` uses). */
  persistTo?: string;
}

export type SiteKeyMetadata = ApiKeyMetadata;

export function generateApiKey(): string {
  return `fw_${randomBytes(24).toString("base64url")}`;
}

async function wrangler(target: KvTarget, args: string[]): Promise<string> {
  const location = target.remote
    ? ["--remote", ...(target.env ? ["--env", target.env] : [])]
    : ["--local", "--persist-to", target.persistTo ?? LOCAL_STATE];
  try {
    const wrangler = wranglerCommand([...args, "--binding", "INSTALLATIONS", "--config", WRANGLER_CONFIG, ...location]);
    const { stdout } = await run(wrangler.command, wrangler.args, {
      env: wrangler.env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? "").trim();
    throw new WranglerError(
      `wrangler ${args.slice(0, 3).join(" ")} failed: ${stderr.split("\n").slice(-3).join(" ") || String(error)}`,
    );
  }
}

export async function addSite(
  target: KvTarget,
  input: { siteId: string; slug: string; apiKey?: string; now: Date },
): Promise<{ apiKey: string; storageKey: string }> {
  const apiKey = input.apiKey ?? generateApiKey();
  const entry = await apiKeyEntry(apiKey, {
    site_id: input.siteId,
    slug: input.slug,
    created_at: input.now.toISOString(),
  });
  await wrangler(target, [
    "kv",
    "key",
    "put",
    entry.key,
    JSON.stringify(entry.record),
    "--metadata",
    JSON.stringify(entry.metadata),
  ]);
  return { apiKey, storageKey: entry.key };
}

export interface SiteToImport {
  site_id: string;
  api_key: string;
  slug: string;
}

/**
 * Store many existing keys in one wrangler call (`kv bulk put`): how the original service's
 * sites keep the keys they already have.
 */
export async function importSites(target: KvTarget, sites: SiteToImport[], now: Date): Promise<number> {
  const entries = await Promise.all(
    sites.map(async (site) => {
      const entry = await apiKeyEntry(site.api_key, {
        site_id: site.site_id,
        slug: site.slug,
        created_at: now.toISOString(),
      });
      return { key: entry.key, value: JSON.stringify(entry.record), metadata: entry.metadata };
    }),
  );
  const directory = await mkdtemp(path.join(tmpdir(), "feedwright-sites-"));
  try {
    const file = path.join(directory, "entries.json");
    await writeFile(file, JSON.stringify(entries), { mode: 0o600 });
    await wrangler(target, ["kv", "bulk", "put", file]);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
  return entries.length;
}

/** The keys under a prefix of the INSTALLATIONS namespace, with their metadata. */
export async function listKvKeys(
  target: KvTarget,
  prefix: string,
): Promise<{ name: string; metadata?: Record<string, unknown> }[]> {
  const out = await wrangler(target, ["kv", "key", "list", "--prefix", prefix]);
  return JSON.parse(out.slice(out.indexOf("["))) as { name: string; metadata?: Record<string, unknown> }[];
}

export async function listSites(target: KvTarget): Promise<{ name: string; metadata: SiteKeyMetadata }[]> {
  const keys = await listKvKeys(target, API_KEY_STORAGE_PREFIX);
  return keys.flatMap((key) =>
    key.metadata ? [{ name: key.name, metadata: key.metadata as unknown as SiteKeyMetadata }] : [],
  );
}

export async function revokeSite(target: KvTarget, input: { siteId: string; slug?: string }): Promise<string[]> {
  const matching = (await listSites(target)).filter(
    (key) => key.metadata.site_id === input.siteId && (!input.slug || key.metadata.slug === input.slug),
  );
  for (const key of matching) await wrangler(target, ["kv", "key", "delete", key.name]);
  return matching.map((key) => key.name);
}
