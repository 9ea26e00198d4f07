/**
 * Installations in Workers KV: one key per plugin and site, its figures in the key's
 * metadata (so a list() page gives statistics without reads), an expiry that health checks
 * push forward, and no write when nothing changed. A key is only ever written with the site's
 * own API key, so no key is written by two sites.
 */
import semver from "semver";
import { normaliseVersion, type ReleasesDocument } from "../../scripts/contract/index.ts";
import { ApiError } from "./errors.ts";

export type Health = "healthy" | "outdated" | "error";

/** Kept short: KV metadata is limited to 1024 bytes. */
export interface InstallationMetadata {
  /** plugin version */
  v: string;
  /** WordPress and PHP versions, when known */
  wp: string | null;
  php: string | null;
  h: Health;
  /** day first registered, day last seen (YYYY-MM-DD) */
  r: string;
  s: string;
  /** when the key expires (epoch seconds) */
  x: number;
}

/** Where a plugin's installations are listed: one key per site below this prefix. */
export function installationPrefix(slug: string): string {
  return `site:${slug}:`;
}

export function installationKey(slug: string, siteId: string): string {
  return `${installationPrefix(slug)}${siteId}`;
}

export function healthOf(plugin: ReleasesDocument, version: string, reported: string | null): Health {
  if (reported && /^(error|failed|failing|broken)$/i.test(reported)) return "error";
  const latest = plugin.latest.stable;
  const current = normaliseVersion(version);
  if (latest && current && semver.lt(current, latest)) return "outdated";
  return "healthy";
}

export interface RecordInput {
  slug: string;
  siteId: string;
  version: string;
  wpVersion: string | null;
  phpVersion: string | null;
  health: Health;
  now: Date;
  ttlSeconds: number;
}

/**
 * Write the installation unless the stored figures are the same and the expiry is still far
 * off (more than half its lifetime left): a site checking in daily costs a write only when
 * something changed or every couple of weeks.
 */
export async function recordInstallation(
  kv: KVNamespace,
  input: RecordInput,
): Promise<{ written: boolean; metadata: InstallationMetadata }> {
  const key = installationKey(input.slug, input.siteId);
  const existing = await kv.getWithMetadata<InstallationMetadata>(key);
  const nowSeconds = Math.floor(input.now.getTime() / 1000);
  const today = input.now.toISOString().slice(0, 10);
  const previous = existing.metadata;
  const metadata: InstallationMetadata = {
    v: input.version,
    wp: input.wpVersion ?? previous?.wp ?? null,
    php: input.phpVersion ?? previous?.php ?? null,
    h: input.health,
    r: previous?.r ?? today,
    s: today,
    x: nowSeconds + input.ttlSeconds,
  };
  const unchanged =
    previous !== null &&
    previous.v === metadata.v &&
    previous.wp === metadata.wp &&
    previous.php === metadata.php &&
    previous.h === metadata.h &&
    previous.x - nowSeconds > input.ttlSeconds / 2;
  if (unchanged) return { written: false, metadata: previous };
  try {
    await kv.put(key, "", { metadata, expirationTtl: input.ttlSeconds });
  } catch {
    // KV allows one write per second per key: a site retrying that fast is told to slow down.
    throw new ApiError(429, "rate_limited", "too many writes for this site; retry shortly", { "retry-after": "1" });
  }
  return { written: true, metadata };
}
