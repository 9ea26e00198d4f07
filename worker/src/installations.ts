/**
 * Installations in Workers KV: one key per plugin and site, its figures in the key's
 * metadata (so a list() page gives statistics without reads), an expiry that health checks
 * push forward, and no write when nothing changed. A key is only ever written with the site's
 * own API key, so no key is written by two sites.
 */
import {
  type Channel,
  decideOffer,
  normaliseVersion,
  type OfferIndexDocument,
  rolloutBucketsFor,
  rolloutSiteKey,
  type SiteFacts,
} from "../../scripts/contract/index.ts";
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
  /** The channel the site follows (absent in records made before sites said it: stable). */
  c?: Channel;
  /** The id that places the site in rollouts, when it is not the site id (the key's last part). */
  ro?: string | null;
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

/** What a site said about itself that decides its health. */
export interface SiteFigures {
  siteId: string;
  version: string;
  wpVersion: string | null;
  phpVersion: string | null;
  channel: Channel;
  /** The id its rollouts are decided by, when it is not siteId. */
  rolloutId: string | null;
}

/** A status a site reports for itself that means it is broken, whatever its version. */
export function reportsError(reported: string | null): boolean {
  return reported !== null && /^(error|failed|failing|broken)$/i.test(reported);
}

/** What check-update knows of a site, from its figures; null when its version cannot be read. */
async function siteFactsOf(plugin: OfferIndexDocument, site: SiteFigures): Promise<SiteFacts | null> {
  const currentVersion = normaliseVersion(site.version);
  if (!currentVersion) return null;
  return {
    currentVersion,
    channel: site.channel,
    phpVersion: site.phpVersion,
    wpVersion: site.wpVersion,
    bucketFor: await rolloutBucketsFor(
      plugin.slug,
      plugin.channels[site.channel],
      rolloutSiteKey({ siteId: site.rolloutId ?? site.siteId }),
    ),
  };
}

/**
 * "outdated" when the site would be offered an update now: judged by the offer decision the
 * check-update answer makes (channel, rollout, PHP and WordPress, and the releases whose
 * rollout is halted, `held`), so a site on the newest release its PHP can run, outside a
 * release's rollout, or held back from a halted one, is "healthy".
 */
export async function healthOf(
  plugin: OfferIndexDocument,
  site: SiteFigures,
  reported: string | null,
  held: ReadonlySet<string> = new Set(),
): Promise<Health> {
  if (reportsError(reported)) return "error";
  const facts = await siteFactsOf(plugin, site);
  return facts && decideOffer(plugin, { ...facts, held }).offered ? "outdated" : "healthy";
}

/**
 * Every release check-update would offer the site, halts aside, in the order it would: the
 * offer, then what it would offer were that one halted, and so on. The site is outdated while
 * one of them is not halted (the plugin's history, which keeps the halts, decides).
 */
export async function offersFor(plugin: OfferIndexDocument, site: SiteFigures): Promise<string[]> {
  const facts = await siteFactsOf(plugin, site);
  const offers: string[] = [];
  if (!facts) return offers;
  for (;;) {
    const offered = decideOffer(plugin, { ...facts, held: new Set(offers) }).offered;
    if (!offered) return offers;
    offers.push(offered.version);
  }
}

/** A stored installation's figures, for healthOf. */
export function figuresOf(siteId: string, metadata: InstallationMetadata): SiteFigures {
  return {
    siteId,
    version: metadata.v,
    wpVersion: metadata.wp,
    phpVersion: metadata.php,
    channel: metadata.c ?? "stable",
    rolloutId: metadata.ro ?? null,
  };
}

export interface RecordInput {
  slug: string;
  siteId: string;
  version: string;
  wpVersion: string | null;
  phpVersion: string | null;
  /** What the site said; null when it did not say (kept from the stored record, else stable). */
  channel: Channel | null;
  rolloutId: string | null;
  /**
   * The health of the site as recorded (its reported figures merged with the stored ones, and
   * the day it was first registered).
   */
  judge(figures: SiteFigures, registered: string): Promise<Health>;
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
  const figures: SiteFigures = {
    siteId: input.siteId,
    version: input.version,
    wpVersion: input.wpVersion ?? previous?.wp ?? null,
    phpVersion: input.phpVersion ?? previous?.php ?? null,
    channel: input.channel ?? previous?.c ?? "stable",
    rolloutId: input.rolloutId ?? previous?.ro ?? null,
  };
  const metadata: InstallationMetadata = {
    v: figures.version,
    wp: figures.wpVersion,
    php: figures.phpVersion,
    h: await input.judge(figures, previous?.r ?? today),
    c: figures.channel,
    ro: figures.rolloutId === input.siteId ? null : figures.rolloutId,
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
    (previous.c ?? "stable") === metadata.c &&
    (previous.ro ?? null) === metadata.ro &&
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
