/**
 * Which release a site is offered: a pure function of a plugin's published releases and what
 * the site tells (its version, channel, PHP and WordPress versions, and where it falls for a
 * rollout). Honours channels, rollout and requirements; never offers a draft, a deprecated
 * release or a downgrade. The Worker's check-update answers with it.
 */
import semver from "semver";
import { type Channel, channelSees } from "./enums.ts";
import type { CheckUpdateOffer, PublishedRelease, ReleasesDocument } from "./published.ts";
import { inRollout, ROLLOUT, rolloutBucket } from "./rollout.ts";

export interface SiteFacts {
  /** The installed version (as normaliseVersion reads it). */
  currentVersion: string;
  channel: Channel;
  phpVersion: string | null;
  wpVersion: string | null;
  /**
   * 0..99: where this site falls for a release's rollout (rolloutBucket with the site's key;
   * rolloutBucketsFor computes them ahead, since WebCrypto hashes asynchronously).
   */
  bucketFor(release: PublishedRelease): number;
}

export interface OfferDecision extends CheckUpdateOffer {
  /** The site's own release, when the feed lists it. */
  current: PublishedRelease | null;
}

const VERSION_TEXT = /^v?(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Accept WordPress-style versions ("6.7", "1.2.0-beta.1") as semver; null when not a version. */
export function normaliseVersion(text: string): string | null {
  const match = VERSION_TEXT.exec(text.trim());
  if (!match) return null;
  const version = `${match[1]}.${match[2] ?? "0"}.${match[3] ?? "0"}${match[4] ?? ""}`;
  return semver.valid(version);
}

/**
 * A site that does not say its version, or says one that cannot be read, is not held back;
 * nor by a requirement there is none of (a Geeklog plugin has no WordPress version).
 */
function satisfiesRequirement(actual: string | null, required: string | null): boolean {
  if (!actual || required === null) return true;
  const have = normaliseVersion(actual);
  const need = normaliseVersion(required);
  return !have || !need || semver.gte(have, need);
}

/** The releases a site on `channel` may ever be offered, newest first, above its version. */
function eligibleReleases(releases: readonly PublishedRelease[], site: SiteFacts, current: string): PublishedRelease[] {
  return releases
    .filter(
      (release) =>
        release.offered && release.packaged && release.channel !== null && channelSees(site.channel, release.channel),
    )
    .filter((release) => semver.gt(release.version, current))
    .sort((a, b) => semver.rcompare(a.version, b.version));
}

export function decideOffer(plugin: Pick<ReleasesDocument, "releases">, site: SiteFacts): OfferDecision {
  const current = normaliseVersion(site.currentVersion) ?? site.currentVersion;
  const eligible = eligibleReleases(plugin.releases, site, current);
  let offered: PublishedRelease | null = null;
  for (const release of eligible) {
    if (!satisfiesRequirement(site.phpVersion, release.requires_php)) continue;
    if (!satisfiesRequirement(site.wpVersion, release.requires_wp)) continue;
    if (release.rollout < ROLLOUT.buckets && !inRollout(release.rollout, site.bucketFor(release))) continue;
    offered = release;
    break;
  }
  const forced =
    offered !== null &&
    eligible.some((release) => release.force_update && semver.lte(release.version, offered.version));
  const installed = plugin.releases.find((release) => release.version === current) ?? null;
  return {
    offered,
    forced,
    current: installed,
    deprecation: installed?.status === "deprecated" ? { reason: installed.deprecation_reason ?? "" } : null,
  };
}

/**
 * A site's bucket for every partially rolled-out release of a plugin, hashed ahead, as
 * decideOffer's bucketFor. A release at 100% needs none (and gets 0).
 */
export async function rolloutBucketsFor(
  slug: string,
  releases: readonly PublishedRelease[],
  siteKey: string,
): Promise<(release: PublishedRelease) => number> {
  const partial = releases.filter((release) => release.rollout < ROLLOUT.buckets);
  const buckets = new Map(
    await Promise.all(
      partial.map(async (release) => [release.version, await rolloutBucket(slug, release.version, siteKey)] as const),
    ),
  );
  return (release) => buckets.get(release.version) ?? 0;
}
