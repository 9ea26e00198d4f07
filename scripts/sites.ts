/**
 * `feedwright sites add|revoke|list`: API keys for installed sites. A key is shown once and
 * stored only as its SHA-256, as scripts/contract/api-keys.ts says (the record in the value,
 * the site and plugin in the metadata so a list needs no reads). Local: wrangler's platform
 * proxy (getPlatformProxy) opens the KV namespace in the same state folder `npm run dev` uses,
 * once per command however many keys, and may do so while the dev server runs. Remote (the
 * deployed namespace): wrangler's CLI.
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
import { OFFLINE_ENV, WRANGLER_CONFIG, wranglerCommand } from "./io/wrangler.ts";

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

/** The Worker's KV binding for installations and API keys (worker/wrangler.jsonc). */
const BINDING = "INSTALLATIONS";

interface KvEntry {
  key: string;
  value: string;
  metadata: object;
}

/** What this file uses of a Workers KV namespace binding (the scripts are not typed with workers-types). */
interface LocalKvNamespace {
  put(key: string, value: string, options: { metadata: object }): Promise<void>;
  delete(key: string): Promise<void>;
  list(options: { prefix: string; cursor?: string }): Promise<{
    keys: { name: string; metadata?: Record<string, unknown> }[];
    list_complete: boolean;
    cursor?: string;
  }>;
}

/** The INSTALLATIONS namespace, opened once for a command. */
interface InstallationsKv {
  put(entries: KvEntry[]): Promise<void>;
  list(prefix: string): Promise<{ name: string; metadata?: Record<string, unknown> }[]>;
  delete(keys: string[]): Promise<void>;
  close(): Promise<void>;
}

async function withKv<T>(target: KvTarget, use: (kv: InstallationsKv) => Promise<T>): Promise<T> {
  const kv = target.remote ? remoteKv(target) : await localKv(target.persistTo ?? LOCAL_STATE);
  try {
    return await use(kv);
  } finally {
    await kv.close();
  }
}

/**
 * A local KV write, again after a pause when it fails with a 5xx: several local runtimes on one
 * state folder (the dev server, other `feedwright sites` commands) take turns at its SQLite
 * files, and a write that meets another's lock fails with 500 (seen here with three `sites add`
 * at once beside `npm run dev`).
 */
async function retried(write: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= 8 || !/\b5\d\d\b/.test((error as Error).message)) {
        throw new WranglerError(`wrangler's local KV refused a write: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}

/**
 * Local KV through wrangler's platform proxy: one workerd for the whole command, on the state
 * folder the dev server uses (wrangler keeps its data in <persist-to>/v3). Its config holds only
 * the KV binding, read from worker/wrangler.jsonc, so nothing else (the Durable Object, assets)
 * is started or complains.
 */
async function localKv(persistTo: string): Promise<InstallationsKv> {
  Object.assign(process.env, OFFLINE_ENV);
  const { getPlatformProxy, unstable_readConfig } = await import("wrangler");
  const config = unstable_readConfig({ config: WRANGLER_CONFIG });
  const namespaces: { binding: string; id?: string }[] = config.kv_namespaces;
  const namespace = namespaces.find((entry) => entry.binding === BINDING);
  if (!namespace?.id) throw new WranglerError(`${WRANGLER_CONFIG} has no KV namespace bound as ${BINDING}`);
  const folder = await mkdtemp(path.join(tmpdir(), "feedwright-kv-"));
  const configPath = path.join(folder, "wrangler.json");
  await writeFile(
    configPath,
    JSON.stringify({
      name: config.name,
      compatibility_date: config.compatibility_date,
      kv_namespaces: [{ binding: BINDING, id: namespace.id }],
    }),
  );
  let proxy: Awaited<ReturnType<typeof getPlatformProxy>>;
  try {
    proxy = await getPlatformProxy({
      configPath,
      persist: { path: path.join(persistTo, "v3") },
      remoteBindings: false,
    });
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw new WranglerError(`wrangler's local KV (${persistTo}) did not start: ${(error as Error).message}`);
  }
  const kv = (proxy.env as Record<string, unknown>)[BINDING] as LocalKvNamespace;
  return {
    async put(entries) {
      for (const entry of entries) await retried(() => kv.put(entry.key, entry.value, { metadata: entry.metadata }));
    },
    async list(prefix) {
      const keys: { name: string; metadata?: Record<string, unknown> }[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await kv.list({
          prefix,
          ...(cursor ? { cursor } : {}),
        });
        for (const key of page.keys)
          keys.push(key.metadata ? { name: key.name, metadata: key.metadata } : { name: key.name });
        if (page.list_complete) return keys;
        cursor = page.cursor;
      }
    },
    async delete(keys) {
      for (const key of keys) await retried(() => kv.delete(key));
    },
    async close() {
      await proxy.dispose();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

/** The deployed namespace through wrangler's CLI (its login and account), one call per operation. */
function remoteKv(target: KvTarget): InstallationsKv {
  return {
    async put(entries) {
      if (entries.length === 1 && entries[0]) {
        const [entry] = entries;
        await wrangler(target, [
          "kv",
          "key",
          "put",
          entry.key,
          entry.value,
          "--metadata",
          JSON.stringify(entry.metadata),
        ]);
        return;
      }
      const directory = await mkdtemp(path.join(tmpdir(), "feedwright-sites-"));
      try {
        const file = path.join(directory, "entries.json");
        await writeFile(file, JSON.stringify(entries), { mode: 0o600 });
        await wrangler(target, ["kv", "bulk", "put", file]);
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
    async list(prefix) {
      const out = await wrangler(target, ["kv", "key", "list", "--prefix", prefix]);
      return JSON.parse(out.slice(out.indexOf("["))) as { name: string; metadata?: Record<string, unknown> }[];
    },
    async delete(keys) {
      for (const key of keys) await wrangler(target, ["kv", "key", "delete", key]);
    },
    async close() {},
  };
}

async function wrangler(target: KvTarget, args: string[]): Promise<string> {
  const location = ["--remote", ...(target.env ? ["--env", target.env] : [])];
  try {
    const wrangler = wranglerCommand([...args, "--binding", BINDING, "--config", WRANGLER_CONFIG, ...location]);
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

export interface SiteToAdd {
  siteId: string;
  slug: string;
  /** An existing key to store (sites of the original service keep theirs); a new one otherwise. */
  apiKey?: string;
}

/** Issue (or store) the keys of many sites in one go: one platform proxy or one wrangler call. */
export async function addSites(
  target: KvTarget,
  sites: SiteToAdd[],
  now: Date,
): Promise<{ siteId: string; apiKey: string; storageKey: string }[]> {
  const added = await Promise.all(
    sites.map(async (site) => {
      const apiKey = site.apiKey ?? generateApiKey();
      const entry = await apiKeyEntry(apiKey, { site_id: site.siteId, slug: site.slug, created_at: now.toISOString() });
      return { siteId: site.siteId, apiKey, entry };
    }),
  );
  await withKv(target, (kv) =>
    kv.put(
      added.map(({ entry }) => ({ key: entry.key, value: JSON.stringify(entry.record), metadata: entry.metadata })),
    ),
  );
  return added.map(({ siteId, apiKey, entry }) => ({ siteId, apiKey, storageKey: entry.key }));
}

export interface SiteToImport {
  site_id: string;
  api_key: string;
  slug: string;
}

/** Store many existing keys at once: how the original service's sites keep the keys they already have. */
export async function importSites(target: KvTarget, sites: SiteToImport[], now: Date): Promise<number> {
  const added = await addSites(
    target,
    sites.map((site) => ({ siteId: site.site_id, slug: site.slug, apiKey: site.api_key })),
    now,
  );
  return added.length;
}

/** The keys under a prefix of the INSTALLATIONS namespace, with their metadata. */
export async function listKvKeys(
  target: KvTarget,
  prefix: string,
): Promise<{ name: string; metadata?: Record<string, unknown> }[]> {
  return withKv(target, (kv) => kv.list(prefix));
}

export async function listSites(target: KvTarget): Promise<{ name: string; metadata: SiteKeyMetadata }[]> {
  const keys = await listKvKeys(target, API_KEY_STORAGE_PREFIX);
  return keys.flatMap((key) =>
    key.metadata ? [{ name: key.name, metadata: key.metadata as unknown as SiteKeyMetadata }] : [],
  );
}

export async function revokeSite(target: KvTarget, input: { siteId: string; slug?: string }): Promise<string[]> {
  return withKv(target, async (kv) => {
    const matching = (await kv.list(API_KEY_STORAGE_PREFIX)).filter((key) => {
      const metadata = key.metadata as SiteKeyMetadata | undefined;
      return metadata?.site_id === input.siteId && (!input.slug || metadata.slug === input.slug);
    });
    await kv.delete(matching.map((key) => key.name));
    return matching.map((key) => key.name);
  });
}
