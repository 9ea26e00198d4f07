/**
 * Which release a site is offered: a pure function of a plugin's offer index and what the site
 * tells (its version, channel, PHP and WordPress versions, and where it falls for a rollout).
 * Honours channels, rollout and requirements; never offers a draft, a deprecated release or a
 * downgrade. The Worker's check-update answers with it, `feedwright check` previews with it,
 * and the updater inside the plugin (site/updater/3/class-offer.php) walks the same index.
 *
 * The index (offerIndexOf) is derived from releases.json once, at build time: per channel the
 * releases a site may be offered, newest first, without those no site would ever get (a newer
 * release rolled out to every site and asking no more PHP or WordPress wins wherever they
 * could), each with the newest security release at or below it. Deciding is then a walk down
 * a short list, whatever the length of the history.
 */
import semver from "semver";
import { CHANNELS, type Channel, channelSees } from "./enums.ts";
import { excerptText } from "./excerpt.ts";
import {
  type CheckUpdateOffer,
  OFFER_INDEX_FORMAT,
  OFFER_INDEX_LIMITS,
  type OfferCandidate,
  type OfferIndexDocument,
  type OfferPackage,
  type PublishedRelease,
  type ReleasesDocument,
} from "./published.ts";
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
  bucketFor(release: { version: string }): number;
  /**
   * Versions whose rollout is halted now (scripts/contract/rollout-guard.ts): offered to no
   * site, as if not published. The Worker passes them; without it, none.
   */
  held?: ReadonlySet<string>;
}

export interface OfferDecision extends Omit<CheckUpdateOffer, "deprecation"> {
  offered: OfferCandidate | null;
  /** The site's own release is withdrawn (deprecated); why is in deprecations.json. */
  currentDeprecated: boolean;
}

/** What decideOffer reads of an index. */
export type OfferIndex = Pick<OfferIndexDocument, "channels" | "deprecated">;

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

/**
 * Whether every site that meets requirement `a` meets `b` too (satisfiesRequirement): `b`
 * holds nothing back, or both can be read and `b` asks no more than `a`.
 */
function asksNoMore(b: string | null, a: string | null): boolean {
  if (b === null) return true;
  if (a === null) return false;
  const need = normaliseVersion(b);
  if (!need) return true;
  const other = normaliseVersion(a);
  return other !== null && semver.lte(need, other);
}

/**
 * Whether no site would be offered `older` while `newer` is there: any site `older` could go
 * to (newer than the site's version, within its requirements and rollout) is offered `newer`
 * first, since `newer` reaches every site and asks no more PHP or WordPress.
 */
function supersedes(newer: PublishedRelease, older: PublishedRelease): boolean {
  return (
    newer.rollout >= ROLLOUT.buckets &&
    asksNoMore(newer.requires_php, older.requires_php) &&
    asksNoMore(newer.requires_wp, older.requires_wp)
  );
}

/**
 * What a release's guard compares it with: the newest older offered release that the
 * release's channel sees, where the sites outside its rollout stay; null when none. Whether
 * its package is still published does not matter: a release beyond `retain` has no package,
 * but the sites on it still report.
 */
export function guardBaseline(releases: readonly PublishedRelease[], release: PublishedRelease): string | null {
  let baseline: string | null = null;
  for (const other of releases) {
    if (!other.offered || other.channel === null || release.channel === null) continue;
    if (!channelSees(release.channel, other.channel) || !semver.lt(other.version, release.version)) continue;
    if (baseline === null || semver.gt(other.version, baseline)) baseline = other.version;
  }
  return baseline;
}

/** A channel's candidates: offered, packaged, seen by the channel, not superseded, newest first, capped. */
function candidatesFor(releases: readonly PublishedRelease[], channel: Channel): OfferCandidate[] {
  const eligible = releases
    .filter(
      (release) =>
        release.offered && release.packaged && release.channel !== null && channelSees(channel, release.channel),
    )
    .sort((a, b) => semver.rcompare(a.version, b.version));
  const forcedSince = new Map<string, string | null>();
  let newestForced: string | null = null;
  for (const release of [...eligible].reverse()) {
    if (release.force_update) newestForced = release.version;
    forcedSince.set(release.version, newestForced);
  }
  // Superseding is transitive, so checking the releases kept is checking every newer one.
  const kept: PublishedRelease[] = [];
  for (const release of eligible) {
    if (kept.length === OFFER_INDEX_LIMITS.candidates) break;
    if (!kept.some((newer) => supersedes(newer, release))) kept.push(release);
  }
  return kept.map((release) => ({
    version: release.version,
    version_code: release.version_code,
    file: release.file,
    sha256: release.sha256,
    size: release.size,
    released_at: release.released_at,
    requires_php: release.requires_php,
    requires_wp: release.requires_wp,
    tested_wp: release.tested_wp,
    rollout: release.rollout,
    guard: release.guard ? { ...release.guard, baseline: guardBaseline(releases, release) } : null,
    force_update: release.force_update,
    autoupdate: release.autoupdate,
    forced_since: forcedSince.get(release.version) ?? null,
    changelog: excerptText(release.changelog, OFFER_INDEX_LIMITS.changelogBytes),
    upgrade_notice: excerptText(release.upgrade_notice, OFFER_INDEX_LIMITS.upgradeNoticeBytes),
  }));
}

/** The offer index of a plugin's releases.json: what offers.json holds (images aside). */
export function offerIndexOf(plugin: ReleasesDocument): OfferIndexDocument {
  const packages: OfferPackage[] = plugin.releases.flatMap((release) =>
    release.packaged && release.file
      ? [
          {
            version: release.version,
            file: release.file,
            sha256: release.sha256,
            md5: release.md5,
            size: release.size,
            signatures: release.signatures,
          },
        ]
      : [],
  );
  return {
    format: OFFER_INDEX_FORMAT,
    slug: plugin.slug,
    platform: plugin.platform,
    // A releases.json written before `active` existed is of an active plugin.
    active: plugin.active !== false,
    private: plugin.private,
    latest: plugin.latest,
    channels: Object.fromEntries(
      CHANNELS.map((channel) => [channel, candidatesFor(plugin.releases, channel)]),
    ) as Record<Channel, OfferCandidate[]>,
    packages,
    deprecated: plugin.releases.filter((release) => release.status === "deprecated").map((release) => release.version),
  };
}

/** The deprecated versions of an index as a set, made once per parsed index. */
const deprecatedSets = new WeakMap<object, ReadonlySet<string>>();
function deprecatedSet(index: OfferIndex): ReadonlySet<string> {
  let set = deprecatedSets.get(index.deprecated);
  if (!set) {
    set = new Set(index.deprecated);
    deprecatedSets.set(index.deprecated, set);
  }
  return set;
}

/**
 * The release a site is offered: the newest candidate of its channel above its version whose
 * requirements it meets and whose rollout includes it. Forced when a security release lies
 * between the site's version and the offer.
 */
export function decideOffer(index: OfferIndex, site: SiteFacts): OfferDecision {
  const current = normaliseVersion(site.currentVersion) ?? site.currentVersion;
  let offered: OfferCandidate | null = null;
  for (const candidate of index.channels[site.channel] ?? []) {
    // Newest first: once one is not newer than the site's version, none after it is.
    if (!semver.gt(candidate.version, current)) break;
    if (site.held?.has(candidate.version)) continue;
    if (!satisfiesRequirement(site.phpVersion, candidate.requires_php)) continue;
    if (!satisfiesRequirement(site.wpVersion, candidate.requires_wp)) continue;
    if (candidate.rollout < ROLLOUT.buckets && !inRollout(candidate.rollout, site.bucketFor(candidate))) continue;
    offered = candidate;
    break;
  }
  const forced = offered?.forced_since != null && semver.gt(offered.forced_since, current);
  return { offered, forced, currentDeprecated: deprecatedSet(index).has(current) };
}

/**
 * A site's bucket for every partially rolled-out release of a list (a channel's candidates),
 * hashed ahead, as decideOffer's bucketFor. A release at 100% needs none (and gets 0).
 */
export async function rolloutBucketsFor(
  slug: string,
  releases: readonly { version: string; rollout: number }[],
  siteKey: string,
): Promise<(release: { version: string }) => number> {
  const partial = releases.filter((release) => release.rollout < ROLLOUT.buckets);
  const buckets = new Map(
    await Promise.all(
      partial.map(async (release) => [release.version, await rolloutBucket(slug, release.version, siteKey)] as const),
    ),
  );
  return (release) => buckets.get(release.version) ?? 0;
}
