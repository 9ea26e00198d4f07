/**
 * One table of offer cases: the releases of a plugin and what a site tells about itself in,
 * what it is offered out. test/offer-cases.test.ts runs every case against the Worker's offer
 * decision, against the PHP updater's offer() (through `php`) and, where the site has no
 * constraint, against the plan's latest per channel, so the three cannot drift apart.
 *
 * The releases go through the real pipeline (release YAML → parseReleaseTree → compilePlan →
 * releases.json), so `channel`, `offered` and `packaged` are what the build publishes: the
 * channel follows the status (testing and staged are beta; released, update_ready and
 * deprecated are stable), drafts are never published, and a release is unpackaged when it
 * falls out of `retain`.
 */
import { createHash } from "node:crypto";
import type { Status } from "../../scripts/contract/index.ts";

/** The plugin every case is about: its slug is part of every rollout bucket. */
export const OFFER_SLUG = "demo";

export interface OfferRelease {
  version: string;
  status: Status;
  /** Percent of sites offered it; absent is 100. */
  rollout?: number;
  requires_php?: string;
  requires_wp?: string;
  force_update?: boolean;
}

export interface OfferSite {
  /** The installed version, as the site reports it. */
  version: string;
  channel: "stable" | "beta";
  /** The site id that places the site in or out of a rollout. */
  id: string;
  php: string;
  wp: string;
}

/** What a site is told. Each implementation's answer is compared with this. */
export interface OfferAnswer {
  /** The version offered, or null for none. */
  offer: string | null;
  /** A release with force_update lies between the installed version and the offer. */
  forced: boolean;
  /** WordPress should install the offer on its own (update_ready, or forced). */
  autoupdate: boolean;
  /** The installed version is a release that was withdrawn. */
  currentDeprecated: boolean;
}

export interface OfferCase {
  name: string;
  /** plugin.yaml fields besides the demo plugin's (which requires PHP 7.4 and WordPress 6.0). */
  plugin?: { retain?: number; channels?: ("stable" | "beta")[]; active?: boolean };
  releases: OfferRelease[];
  site: Partial<OfferSite>;
  expected: Partial<OfferAnswer> & Pick<OfferAnswer, "offer">;
  /**
   * The site's rollout bucket (0..99) for each listed release, written out: rolloutBucket()
   * below, the Worker and the updater must all agree with these numbers.
   */
  buckets?: Record<string, number>;
  /** Releases the plan must leave unpackaged (beyond retain), so the case tests what it says. */
  unpackaged?: string[];
  /**
   * Versions whose rollout is halted (scripts/contract/rollout-guard.ts): the Worker passes
   * them to decideOffer, the updater (from version 4) to Offer::choose() from the holds the
   * update service lists. Older updaters know no holds (the Worker refuses those downloads).
   */
  held?: string[];
  /**
   * An implementation that answers otherwise today, with its answer: the test expects exactly
   * that answer, so a fix makes it fail and the mark is removed with the fix.
   */
  known?: { worker?: Partial<OfferAnswer>; php?: Partial<OfferAnswer>; plan?: Partial<OfferAnswer>; why: string };
}

export const DEFAULT_SITE: OfferSite = { version: "1.0.0", channel: "stable", id: "alpha", php: "8.2.0", wp: "6.7" };

/** The answer a case expects, defaults filled in: no offer is neither forced nor automatic. */
export function expectedAnswer(offerCase: OfferCase): OfferAnswer {
  return { forced: false, autoupdate: false, currentDeprecated: false, ...offerCase.expected };
}

export function siteOf(offerCase: OfferCase): OfferSite {
  return { ...DEFAULT_SITE, ...offerCase.site };
}

/**
 * Where a site falls for a release's rollout, written here apart from both implementations:
 * the first four bytes, big endian, of SHA-256("<slug>\n<version>\nsite:<site id>"), mod 100.
 * (scripts/contract/rollout.ts rolloutBucket with rolloutSiteKey({ siteId }); the rollout
 * bucket in each updater version under site/updater/.)
 * A site is in when its bucket is below the rollout percentage.
 */
export function rolloutBucket(slug: string, version: string, siteId: string): number {
  return createHash("sha256").update(`${slug}\n${version}\nsite:${siteId}`).digest().readUInt32BE(0) % 100;
}

const stable = (version: string, extra: Partial<OfferRelease> = {}): OfferRelease => ({
  version,
  status: "released",
  ...extra,
});
const beta = (version: string, extra: Partial<OfferRelease> = {}): OfferRelease => ({
  version,
  status: "testing",
  ...extra,
});

export const OFFER_CASES: readonly OfferCase[] = [
  // Channels: stable sees stable; beta sees beta and stable.
  {
    name: "a stable site is offered the newest stable release",
    releases: [stable("1.0.0"), stable("1.1.0")],
    site: {},
    expected: { offer: "1.1.0" },
  },
  {
    name: "update_ready is offered with autoupdate",
    releases: [stable("1.0.0"), { version: "1.1.0", status: "update_ready" }],
    site: {},
    expected: { offer: "1.1.0", autoupdate: true },
  },
  {
    name: "a stable site is not offered a beta above the stable",
    releases: [stable("1.0.0"), stable("1.1.0"), beta("1.2.0-beta.1")],
    site: {},
    expected: { offer: "1.1.0" },
  },
  {
    name: "a beta site is offered a testing release above the stable",
    releases: [stable("1.0.0"), stable("1.1.0"), beta("1.2.0-beta.1")],
    site: { channel: "beta" },
    expected: { offer: "1.2.0-beta.1" },
  },
  {
    name: "a beta site is offered a staged release above the stable",
    releases: [stable("1.1.0"), { version: "1.2.0-rc.1", status: "staged" }],
    site: { channel: "beta" },
    expected: { offer: "1.2.0-rc.1" },
  },
  {
    name: "a beta site is offered a stable release newer than every beta",
    releases: [stable("1.1.0"), beta("1.2.0-beta.1"), stable("1.2.0")],
    site: { channel: "beta" },
    expected: { offer: "1.2.0" },
  },
  {
    name: "a beta site on a beta is offered the next beta",
    releases: [stable("1.1.0"), beta("1.2.0-beta.1"), beta("1.2.0-beta.2")],
    site: { channel: "beta", version: "1.2.0-beta.1" },
    expected: { offer: "1.2.0-beta.2" },
  },
  {
    name: "a site that left the beta channel is offered the stable release of its beta",
    releases: [stable("1.1.0"), beta("1.2.0-beta.1"), stable("1.2.0")],
    site: { version: "1.2.0-beta.1" },
    expected: { offer: "1.2.0" },
  },
  {
    name: "a site that left the beta channel above the stable is not downgraded",
    releases: [stable("1.2.0"), beta("1.3.0-beta.1")],
    site: { version: "1.3.0-beta.1" },
    expected: { offer: null },
  },
  {
    name: "a site on the latest is offered nothing",
    releases: [stable("1.0.0"), stable("1.1.0")],
    site: { version: "1.1.0" },
    expected: { offer: null },
  },
  {
    name: "a site above every release is offered nothing",
    releases: [stable("1.0.0"), stable("1.1.0"), beta("1.2.0-beta.1")],
    site: { version: "2.0.0", channel: "beta" },
    expected: { offer: null },
  },
  {
    name: "a beta site of a plugin that publishes only the stable channel",
    plugin: { channels: ["stable"] },
    releases: [stable("1.1.0"), beta("1.2.0-beta.1")],
    site: { channel: "beta" },
    expected: { offer: "1.2.0-beta.1" },
    known: {
      plan: { offer: null },
      why: "plan.latest.beta is null when plugin.yaml lists only the stable channel (no info-beta.json), while releases.json still lists the testing release with channel beta, and the Worker and the updater offer it to a site set to beta",
    },
  },
  {
    name: "a stable site of a plugin that publishes only the beta channel",
    plugin: { channels: ["beta"] },
    releases: [stable("1.1.0"), beta("1.2.0-beta.1")],
    site: {},
    expected: { offer: "1.1.0" },
    known: {
      plan: { offer: null },
      why: "plan.latest.stable is null when plugin.yaml lists only the beta channel (no info.json, check-update.json or latest ZIP), while releases.json lists the released 1.1.0 with channel stable, and the Worker and the updater offer it to a stable site",
    },
  },

  // Prereleases in SemVer order (test/support/version-order-cases.ts).
  {
    name: "numeric prerelease identifiers compare as numbers: alpha.10 above alpha.2",
    releases: [stable("1.2.0"), beta("1.3.0-alpha.2"), beta("1.3.0-alpha.10")],
    site: { channel: "beta", version: "1.2.0" },
    expected: { offer: "1.3.0-alpha.10" },
  },
  {
    name: "rc above beta.11, beta.11 above beta.2",
    releases: [
      stable("1.2.0"),
      beta("1.3.0-beta.2"),
      beta("1.3.0-beta.11"),
      { version: "1.3.0-rc.1", status: "staged" },
    ],
    site: { channel: "beta", version: "1.3.0-beta.2" },
    expected: { offer: "1.3.0-rc.1" },
  },
  {
    name: "beta.11 is newer than an installed beta.2",
    releases: [stable("1.2.0"), beta("1.3.0-beta.11")],
    site: { channel: "beta", version: "1.3.0-beta.2" },
    expected: { offer: "1.3.0-beta.11" },
  },
  {
    name: "beta.2 is not newer than an installed beta.11",
    releases: [stable("1.2.0"), beta("1.3.0-beta.2")],
    site: { channel: "beta", version: "1.3.0-beta.11" },
    expected: { offer: null },
  },
  {
    name: "a prerelease is below its release, whatever its word (pre, patch)",
    releases: [stable("1.2.0"), beta("1.3.0-pre.1"), beta("1.3.0-patch.1")],
    site: { channel: "beta", version: "1.3.0" },
    expected: { offer: null },
  },
  {
    name: "a WordPress-style installed version 1.1 reads as 1.1.0",
    releases: [stable("1.1.0"), stable("1.2.0")],
    site: { version: "1.1" },
    expected: { offer: "1.2.0" },
  },
  {
    name: "white space around the installed version is ignored (a no-break space too)",
    releases: [stable("1.1.0"), stable("1.2.0")],
    site: { version: "\u00a01.1.0\n" },
    expected: { offer: "1.2.0" },
    known: {
      php: { offer: null },
      why: "the Worker trims with JavaScript's trim(), which also drops Unicode spaces (U+00A0, U+FEFF, U+2028...); parse_version() trims only ASCII white space, so the updater reads no version and offers nothing",
    },
  },
  {
    name: "build metadata plays no part: 1.2.0+build.7 is not newer than 1.2.0",
    releases: [stable("1.1.0"), stable("1.2.0+build.7")],
    site: { version: "1.2.0" },
    expected: { offer: null },
  },

  // Rollout: in when the site's bucket is below the percentage.
  {
    name: "rollout boundary in: bucket 34, rollout 35",
    releases: [stable("1.1.0"), stable("1.2.0", { rollout: 35 })],
    site: { id: "alpha" },
    buckets: { "1.2.0": 34 },
    expected: { offer: "1.2.0" },
  },
  {
    name: "rollout boundary out: bucket 34, rollout 34, the older release instead",
    releases: [stable("1.1.0"), stable("1.2.0", { rollout: 34 })],
    site: { id: "alpha" },
    buckets: { "1.2.0": 34 },
    expected: { offer: "1.1.0" },
  },
  {
    name: "out of the only release's rollout: nothing",
    releases: [stable("1.0.0"), stable("1.2.0", { rollout: 34 })],
    site: { id: "alpha" },
    buckets: { "1.2.0": 34 },
    expected: { offer: null },
  },
  {
    name: "bucket 0 is in at rollout 1",
    releases: [stable("1.0.0"), stable("1.2.0", { rollout: 1 })],
    site: { id: "wp-0" },
    buckets: { "1.2.0": 0 },
    expected: { offer: "1.2.0" },
  },
  {
    name: "bucket 99 is out at rollout 99",
    releases: [stable("1.0.0"), stable("1.2.0", { rollout: 99 })],
    site: { id: "wp-217" },
    buckets: { "1.2.0": 99 },
    expected: { offer: null },
  },
  {
    name: "bucket 99 is in at rollout 100",
    releases: [stable("1.0.0"), stable("1.2.0", { rollout: 100 })],
    site: { id: "wp-217" },
    buckets: { "1.2.0": 99 },
    expected: { offer: "1.2.0" },
  },
  {
    name: "each release samples sites afresh: in for 1.1.0 (bucket 1), out for 1.2.0 (bucket 8)",
    releases: [stable("1.0.0"), stable("1.1.0", { rollout: 2 }), stable("1.2.0", { rollout: 8 })],
    site: { id: "bravo" },
    buckets: { "1.1.0": 1, "1.2.0": 8 },
    expected: { offer: "1.1.0" },
  },
  {
    name: "a beta site out of the beta's rollout is offered the stable",
    releases: [stable("1.1.0"), stable("1.2.0"), beta("1.3.0-beta.1", { rollout: 34 })],
    site: { channel: "beta", id: "delta" },
    buckets: { "1.3.0-beta.1": 34 },
    expected: { offer: "1.2.0" },
  },

  // Requirements: a newer release the site cannot run is skipped for an older one it can.
  {
    name: "a release needing a newer PHP is skipped for an older one",
    releases: [stable("1.0.0"), stable("1.1.0"), stable("1.2.0", { requires_php: "8.3" })],
    site: { php: "8.2.0" },
    expected: { offer: "1.1.0" },
  },
  {
    name: "a site on exactly the required PHP is offered it",
    releases: [stable("1.1.0"), stable("1.2.0", { requires_php: "8.3" })],
    site: { php: "8.3.0" },
    expected: { offer: "1.2.0" },
  },
  {
    name: "a release needing a newer WordPress is skipped for an older one",
    releases: [stable("1.1.0"), stable("1.2.0", { requires_wp: "6.8" })],
    site: { wp: "6.7.1" },
    expected: { offer: "1.1.0" },
  },
  {
    name: "WordPress 6.7 (two parts) meets requires_wp 6.7",
    releases: [stable("1.1.0"), stable("1.2.0", { requires_wp: "6.7" })],
    site: { wp: "6.7" },
    expected: { offer: "1.2.0" },
  },
  {
    name: "a WordPress release candidate 6.8-RC1 does not meet requires_wp 6.8",
    releases: [stable("1.1.0"), stable("1.2.0", { requires_wp: "6.8" })],
    site: { wp: "6.8-RC1" },
    expected: { offer: "1.1.0" },
  },
  {
    name: "no release the site's PHP can run: nothing",
    releases: [stable("1.0.0"), stable("1.1.0", { requires_php: "8.4" }), stable("1.2.0", { requires_php: "8.4" })],
    site: { php: "8.2.0" },
    expected: { offer: null },
  },
  {
    name: "the older release it could run is beyond retain (not packaged): nothing",
    plugin: { retain: 0 },
    releases: [stable("1.1.0"), stable("1.2.0", { requires_php: "8.4" })],
    site: { php: "8.2.0" },
    unpackaged: ["1.1.0"],
    expected: { offer: null },
  },
  {
    name: "the older release within retain is offered",
    plugin: { retain: 1 },
    releases: [stable("1.0.0"), stable("1.1.0"), stable("1.2.0", { requires_php: "8.4" })],
    site: { version: "0.9.0", php: "8.2.0" },
    unpackaged: ["1.0.0"],
    expected: { offer: "1.1.0" },
  },

  // Deprecated and draft releases are never offered.
  {
    name: "a site on a deprecated release is told so and offered the next",
    releases: [stable("1.0.0"), { version: "1.1.0", status: "deprecated" }, stable("1.2.0")],
    site: { version: "1.1.0" },
    expected: { offer: "1.2.0", currentDeprecated: true },
  },
  {
    name: "a deprecated newest release is skipped for the one below",
    releases: [stable("1.1.0"), { version: "1.2.0", status: "deprecated" }],
    site: { version: "1.0.0" },
    expected: { offer: "1.1.0" },
  },
  {
    name: "a site on the deprecated newest release is told so and not downgraded",
    releases: [stable("1.1.0"), { version: "1.2.0", status: "deprecated" }],
    site: { version: "1.2.0" },
    expected: { offer: null, currentDeprecated: true },
  },
  {
    name: "a site reporting 1.1 is on the deprecated 1.1.0",
    releases: [stable("1.0.0"), { version: "1.1.0", status: "deprecated" }, stable("1.2.0")],
    site: { version: "1.1" },
    expected: { offer: "1.2.0", currentDeprecated: true },
  },
  {
    name: "a site on a deprecated release with build metadata is told so",
    releases: [stable("1.0.0"), { version: "1.1.0+hotfix.1", status: "deprecated" }, stable("1.2.0")],
    site: { version: "1.1.0+hotfix.1" },
    expected: { offer: "1.2.0", currentDeprecated: true },
    known: {
      worker: { offer: "1.2.0", currentDeprecated: false },
      why: "the Worker finds the installed release by exact text after dropping build metadata (normaliseVersion gives 1.1.0, the release is 1.1.0+hotfix.1); the updater finds it by SemVer precedence",
    },
  },
  {
    name: "a draft is never offered",
    releases: [stable("1.1.0"), { version: "1.2.0", status: "draft" }],
    site: {},
    expected: { offer: "1.1.0" },
  },
  {
    name: "only a draft above the site: nothing",
    releases: [stable("1.0.0"), { version: "1.1.0", status: "draft" }],
    site: { channel: "beta" },
    expected: { offer: null },
  },

  // force_update: a forced release between the installed version and the offer forces the step.
  {
    name: "a forced offer is forced and automatic",
    releases: [stable("1.0.0"), stable("1.1.0", { force_update: true })],
    site: {},
    expected: { offer: "1.1.0", forced: true, autoupdate: true },
  },
  {
    name: "a forced release between the installed version and the offer forces the offer",
    releases: [stable("1.0.0"), stable("1.1.0", { force_update: true }), stable("1.2.0")],
    site: {},
    expected: { offer: "1.2.0", forced: true, autoupdate: true },
  },
  {
    name: "a forced release the site already has does not force the next",
    releases: [stable("1.1.0", { force_update: true }), stable("1.2.0")],
    site: { version: "1.1.0" },
    expected: { offer: "1.2.0" },
  },
  {
    name: "a forced release above the offer (the site cannot run it) forces nothing",
    releases: [stable("1.1.0"), stable("1.2.0", { force_update: true, requires_php: "8.4" })],
    site: { php: "8.2.0" },
    expected: { offer: "1.1.0" },
  },
  {
    name: "a forced beta does not force a stable site",
    releases: [stable("1.1.0"), beta("1.1.1-beta.1", { force_update: true }), stable("1.2.0")],
    site: {},
    expected: { offer: "1.2.0" },
  },
  {
    name: "a forced release out of this site's rollout still forces the newer offer it is in",
    releases: [stable("1.0.0"), stable("1.1.0", { force_update: true, rollout: 1 }), stable("1.2.0")],
    site: { id: "alpha" },
    buckets: { "1.1.0": 67 },
    expected: { offer: "1.2.0", forced: true, autoupdate: true },
  },
  {
    name: "a forced release beyond retain still forces the offer",
    plugin: { retain: 0 },
    releases: [stable("1.1.0", { force_update: true }), stable("1.2.0")],
    site: {},
    unpackaged: ["1.1.0"],
    expected: { offer: "1.2.0", forced: true, autoupdate: true },
    known: {
      worker: { forced: false, autoupdate: false },
      php: { forced: false, autoupdate: false },
      why: "the README says a security release between the site and the offer sets force_update and autoupdate; both look for it only among packaged releases, so once retain drops its package a site still below it is offered the fix as a manual update",
    },
  },

  // Issue 14 item 4: a release whose rollout is halted is skipped like one not published.
  {
    name: "issue 14: a held (halted) newest release is skipped for the one below",
    releases: [stable("1.0.0"), stable("1.1.0"), stable("1.2.0", { rollout: 50 })],
    site: { id: "alpha" },
    buckets: { "1.2.0": 34 },
    held: ["1.2.0"],
    expected: { offer: "1.1.0" },
  },
  {
    name: "issue 14: a held release below the newest holds nothing else back",
    releases: [stable("1.0.0"), stable("1.1.0"), stable("1.2.0")],
    site: {},
    held: ["1.1.0"],
    expected: { offer: "1.2.0" },
  },
  {
    name: "issue 14: the only release above the site held: nothing",
    releases: [stable("1.0.0"), stable("1.1.0")],
    site: {},
    held: ["1.1.0"],
    expected: { offer: null },
  },
  {
    name: "issue 14: a site already on the held release is not downgraded",
    releases: [stable("1.0.0"), stable("1.1.0"), stable("1.2.0", { rollout: 50 })],
    site: { version: "1.2.0", id: "alpha" },
    held: ["1.2.0"],
    expected: { offer: null },
  },
  {
    name: "issue 14: a beta site with the beta held is offered the newest stable",
    releases: [stable("1.1.0"), stable("1.2.0"), beta("1.3.0-beta.1", { rollout: 50 })],
    site: { channel: "beta", id: "alpha" },
    buckets: { "1.3.0-beta.1": 34 },
    held: ["1.3.0-beta.1"],
    expected: { offer: "1.2.0" },
  },
  {
    name: "issue 14: a held security release: the forced release below it is offered, forced",
    releases: [
      stable("1.0.0"),
      stable("1.1.0", { force_update: true }),
      stable("1.2.0", { force_update: true, rollout: 50 }),
    ],
    site: { id: "alpha" },
    buckets: { "1.2.0": 34 },
    held: ["1.2.0"],
    expected: { offer: "1.1.0", forced: true, autoupdate: true },
  },

  // An inactive plugin (plugin.yaml active: false): releases.json lists every release as not
  // offered, so no reader needs a rule of its own (issue 11 item 13).
  {
    name: "issue 11 item 13: an inactive plugin offers a stable site nothing, not even update_ready",
    plugin: { active: false },
    releases: [stable("1.0.0"), { version: "1.1.0", status: "update_ready" }],
    site: {},
    expected: { offer: null },
  },
  {
    name: "issue 11 item 13: an inactive plugin offers a beta site nothing, not even a forced release",
    plugin: { active: false },
    releases: [stable("1.0.0"), stable("1.1.0", { force_update: true }), beta("1.2.0-beta.1")],
    site: { channel: "beta" },
    expected: { offer: null },
  },
  {
    name: "issue 11 item 13: a site on a withdrawn release of an inactive plugin is still told why",
    plugin: { active: false },
    releases: [{ version: "1.0.0", status: "deprecated" }, stable("1.1.0")],
    site: {},
    expected: { offer: null, currentDeprecated: true },
  },
];
