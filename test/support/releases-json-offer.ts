/**
 * The check-update decision as the Worker made it from the whole releases.json before the
 * offer index (issue 12): kept here, apart from scripts/contract, as the reference the
 * index-based decision must answer like, in the offer table (test/offer-cases.test.ts) and
 * against the Worker itself in workerd (test/worker/offer-index.test.ts). Only the contract and
 * semver: it runs in both.
 */
import semver from "semver";
import {
  type Channel,
  type CheckUpdateAnswer,
  type CheckUpdateOffer,
  channelSees,
  inRollout,
  normaliseVersion,
  type PublishedRelease,
  type ReleasesDocument,
  ROLLOUT,
  renderCheckUpdateAnswer,
  rolloutBucketsFor,
  rolloutSiteKey,
} from "../../scripts/contract/index.ts";

/** What a site sends: its version as it reports it, channel, rollout id, PHP and WordPress. */
export interface ReferenceSite {
  version: string;
  channel: Channel;
  id: string;
  php: string | null;
  wp: string | null;
}

/**
 * The offer decision as the Worker made it before the offer index (up to issue 12), from every
 * release of releases.json: filter by channel, packaging and version, sort, then the first
 * within requirements and rollout. Kept only as the reference the index-based decision is
 * held to.
 */
function decideFromReleases(
  releases: readonly PublishedRelease[],
  site: { current: string; channel: Channel; php: string | null; wp: string | null },
  bucketFor: (release: { version: string }) => number,
): CheckUpdateOffer {
  const meets = (actual: string | null, required: string | null) => {
    if (!actual || required === null) return true;
    const have = normaliseVersion(actual);
    const need = normaliseVersion(required);
    return !have || !need || semver.gte(have, need);
  };
  const eligible = releases
    .filter(
      (release) =>
        release.offered && release.packaged && release.channel !== null && channelSees(site.channel, release.channel),
    )
    .filter((release) => semver.gt(release.version, site.current))
    .sort((a, b) => semver.rcompare(a.version, b.version));
  let offered: PublishedRelease | null = null;
  for (const release of eligible) {
    if (!meets(site.php, release.requires_php) || !meets(site.wp, release.requires_wp)) continue;
    if (release.rollout < ROLLOUT.buckets && !inRollout(release.rollout, bucketFor(release))) continue;
    offered = release;
    break;
  }
  const forced =
    offered !== null &&
    eligible.some((release) => release.force_update && semver.lte(release.version, offered.version));
  const installed = releases.find((release) => release.version === site.current) ?? null;
  return {
    offered,
    forced,
    deprecation: installed?.status === "deprecated" ? { reason: installed.deprecation_reason ?? "" } : null,
  };
}

/** The whole check-update answer the Worker gave from releases.json before the offer index. */
export async function releasesJsonAnswer(
  plugin: ReleasesDocument,
  site: ReferenceSite,
  bases: { apiBase: string; siteUrl: string },
): Promise<CheckUpdateAnswer> {
  const current = normaliseVersion(site.version);
  if (!current) throw new Error(`the Worker refuses current_version ${site.version}`);
  const offer = decideFromReleases(
    plugin.releases,
    { current, channel: site.channel, php: site.php, wp: site.wp },
    await rolloutBucketsFor(plugin.slug, plugin.releases, rolloutSiteKey({ siteId: site.id })),
  );
  const latestVersion = plugin.latest[site.channel];
  return renderCheckUpdateAnswer({
    slug: plugin.slug,
    ...bases,
    channel: site.channel,
    currentVersion: site.version,
    offer,
    latest: plugin.releases.find((release) => release.version === latestVersion) ?? null,
  });
}
