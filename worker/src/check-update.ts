/**
 * Which release a site is offered: a pure function of the published releases and what the
 * site tells us (version, channel, PHP and WordPress versions, site id). Honours channels,
 * rollout and requirements; never offers a draft, a deprecated release or a downgrade.
 */
import semver from "semver";
import type { PublishedPlugin, PublishedRelease } from "./releases.ts";

export interface SiteQuery {
  currentVersion: string;
  channel: "stable" | "beta";
  phpVersion: string | null;
  wpVersion: string | null;
  /** 0..99: where this site falls for a release's rollout; see rolloutBucket(). */
  bucketFor(release: PublishedRelease): Promise<number>;
}

export interface UpdateDecision {
  offered: PublishedRelease | null;
  current: PublishedRelease | null;
  /** A security release lies between the site's version and the offer. */
  forced: boolean;
}

/** Accept WordPress-style versions ("6.7", "1.2.0-beta.1") as semver; null when not a version. */
export function normaliseVersion(text: string): string | null {
  const match = /^v?(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!match) return null;
  const version = `${match[1]}.${match[2] ?? "0"}.${match[3] ?? "0"}${match[4] ?? ""}`;
  return semver.valid(version);
}

function satisfiesRequirement(actual: string | null, required: string): boolean {
  if (!actual) return true; // a site that does not say is not held back
  const have = normaliseVersion(actual);
  const need = normaliseVersion(required);
  return !have || !need || semver.gte(have, need);
}

export async function decideUpdate(plugin: PublishedPlugin, query: SiteQuery): Promise<UpdateDecision> {
  const current = normaliseVersion(query.currentVersion) ?? query.currentVersion;
  const eligible = plugin.releases
    .filter((release) => release.offered && release.packaged && release.channel !== null)
    .filter((release) => query.channel === "beta" || release.channel === "stable")
    .filter((release) => semver.gt(release.version, current))
    .sort((a, b) => semver.rcompare(a.version, b.version));
  let offered: PublishedRelease | null = null;
  for (const release of eligible) {
    if (!satisfiesRequirement(query.phpVersion, release.requires_php)) continue;
    if (!satisfiesRequirement(query.wpVersion, release.requires_wp)) continue;
    if (release.rollout < 100 && (await query.bucketFor(release)) >= release.rollout) continue;
    offered = release;
    break;
  }
  const forced =
    offered !== null &&
    eligible.some((release) => release.force_update && semver.lte(release.version, offered.version));
  return { offered, current: plugin.releases.find((release) => release.version === current) ?? null, forced };
}

/**
 * A stable 0..99 bucket per site and release: the same site stays in (or out) as a release's
 * rollout percentage grows, and different releases sample different sites.
 */
export async function rolloutBucket(slug: string, version: string, siteKey: string): Promise<number> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${slug}\n${version}\n${siteKey}`));
  return new DataView(digest).getUint32(0) % 100;
}
