/**
 * The JSON documents the build publishes and the Worker answers with, field by field. The
 * build writes them (scripts/core/documents.ts), `feedwright verify` and the Worker read them,
 * and the PHP updater reads releases.json, info.json and feed.json. The field names of
 * info.json and check-update follow the original service's API plus what the common WordPress
 * update-checker library reads; key order is the order written here.
 */
import type { Channel, Platform, Status } from "./enums.ts";
import { excerptText, jsonTextBytes, utf8Bytes } from "./excerpt.ts";
import { apiUrl, downloadUrl, signatureFileName, staticUrl } from "./paths.ts";
import type { OfferGuard, RolloutGuard } from "./rollout-guard.ts";

export const FEED_FORMAT = "feedwright-feed/1";
export const MANIFEST_FORMAT = "feedwright-manifest/1";
export const OFFER_INDEX_FORMAT = "feedwright-offers/1";
export const DEPRECATIONS_FORMAT = "feedwright-deprecations/1";

/**
 * How big the offer index may grow, whatever the number of releases: at most `candidates`
 * releases per channel, and each release's changelog and upgrade notice cut to a beginning of
 * at most so many UTF-8 bytes (as JSON writes them). The Worker's check-update answer is kept
 * within `answerBytes` (fitCheckUpdateAnswer): the deprecation reason cut to
 * `answerReasonBytes`, then the changelog to what is left.
 */
export const OFFER_INDEX_LIMITS = {
  candidates: 16,
  changelogBytes: 320,
  upgradeNoticeBytes: 300,
  answerReasonBytes: 160,
  answerBytes: 1024,
} as const;

/** One line of a package's .sig file, with the id of the key that made it. */
export interface PackageSignature {
  key_id: string;
  signature: string;
}

/** One release in releases.json. */
export interface PublishedRelease {
  version: string;
  version_code: number;
  status: Status;
  /** The channel whose sites may be offered it; null when it is offered to none (deprecated). */
  channel: Channel | null;
  offered: boolean;
  /** A package is published for it (built and within retention). */
  packaged: boolean;
  file: string | null;
  url: string | null;
  sha256: string | null;
  md5: string | null;
  size: number | null;
  signatures: PackageSignature[];
  released_at: string | null;
  requires_php: string;
  /** null for a platform without WordPress (geeklog). */
  requires_wp: string | null;
  tested_wp: string | null;
  force_update: boolean;
  autoupdate: boolean;
  /** Percent of sites offered it (100: all). */
  rollout: number;
  /** The rollout guard its YAML declares (only below 100%); null when none. */
  guard: RolloutGuard | null;
  /** Markdown. */
  changelog: string;
  upgrade_notice: string;
  /** Told to sites still on it; null unless deprecated. */
  deprecation_reason: string | null;
  skip_reason: string | null;
  /** Only in a Geeklog plugin's releases.json: what Geeklog's repository client is told and runs. */
  geeklog?: PublishedGeeklogRelease;
}

/** A Geeklog release as releases.json lists it. */
export interface PublishedGeeklogRelease {
  kind: "patch" | "upgrade";
  /** What the plugins table records after it (pi_version). */
  geeklog_version: string;
  /** The version a site runs to be offered it (a patch: its own; an upgrade: the one before); null for a first release. */
  from: string | null;
  /** A patch's update number (pi_update_count after it); null for an upgrade. */
  update: number | null;
  requires_geeklog: string;
  /** The SQL the client runs, as the release wrote it ({$_TABLES['key']} for a table); empty for the author's own update.php. */
  sql: string[];
  /** $_TABLES keys the client backs up first. */
  backup_tables: string[];
  /** update.php: "rendered" from the release, or the plugin's "own" (source/<slug>/update.php). */
  update_class: "rendered" | "own";
}

/** plugins/<slug>/releases.json: every built release, newest first. */
export interface ReleasesDocument {
  slug: string;
  api_base: string;
  /** null for a Geeklog plugin (its plugin file is plugins/functions.inc). */
  main_file: string | null;
  version_constant: string | null;
  updater_path: string | null;
  platform: Platform;
  /** Only for a Geeklog plugin: its name in Geeklog (the package's top folder) and the repository URL sites add. */
  geeklog?: { plugin_name: string; repository_url: string };
  private: boolean;
  /**
   * false when plugin.yaml says `active: false`: every release is listed with `offered` and
   * `packaged` false, `latest` is null on both channels, and the Worker downloads nothing.
   * (A releases.json written before this field existed is of an active plugin.)
   */
  active: boolean;
  latest: Record<Channel, string | null>;
  releases: PublishedRelease[];
}

/** plugins/<slug>/info.json (and info-beta.json): the details dialog of the channel's latest. */
export interface InfoDocument {
  name: string;
  slug: string;
  version: string;
  author: string;
  homepage: string;
  description: string;
  changelog: string;
  download_url: string;
  file_size: number;
  requires_php: string;
  tested_wp: string;
  /** Not in the original info shape: lets a site (and `feedwright verify`) check the package. */
  checksum: string;
  signature_url: string;
  sections: { description: string; changelog: string };
  requires: string;
  tested: string;
  last_updated: string | null;
  author_homepage: string;
  upgrade_notice: string;
  /**
   * The channel's latest installs itself (update_ready or a security release): the
   * update-checker library copies this into WordPress's update entry, whose core auto-updates it.
   */
  autoupdate: boolean;
  /**
   * Each release's entry of `sections.changelog` (the same HTML, its heading included), by
   * version, newest first: the updater inside the plugin shows only the releases a site will
   * get, between the version it has and the one it is offered.
   */
  changelog_entries: Record<string, string>;
  banners?: { low?: string; high?: string };
  icons?: { "1x"?: string; "2x"?: string; svg?: string };
}

/**
 * The check-update answer: per site from the Worker, and for a site whose version is unknown
 * (current_version null) as plugins/<slug>/check-update(-beta).json.
 */
export interface CheckUpdateAnswer {
  update_available: boolean;
  current_version: string | null;
  latest_version: string | null;
  latest_version_code: number | null;
  download_url: string | null;
  changelog: string;
  info_url: string;
  force_update: boolean;
  checksum: string | null;
  file_size: number | null;
  requires_php: string | null;
  tested_wp: string | null;
  autoupdate: boolean;
  channel: Channel;
  signature_url: string | null;
  /** Only for a site on a deprecated release. */
  current_deprecated?: true;
  deprecation_reason?: string;
}

/**
 * A release a site may be offered, as the offer index carries it: what decides the offer
 * (requirements, rollout, forcing) and what the check-update answer and the updater show.
 */
export interface OfferCandidate {
  version: string;
  version_code: number;
  file: string | null;
  sha256: string | null;
  size: number | null;
  released_at: string | null;
  requires_php: string;
  requires_wp: string | null;
  tested_wp: string | null;
  /** Percent of sites offered it (100: all). */
  rollout: number;
  /** Its rollout guard with the version it is compared with (scripts/contract/rollout-guard.ts); null when none. */
  guard: OfferGuard | null;
  force_update: boolean;
  autoupdate: boolean;
  /**
   * The newest security release (force_update) at or below this one among the releases this
   * channel is offered: a site offered this release, running a version below that one, is
   * forced (decideOffer). null when there is none.
   */
  forced_since: string | null;
  /** The beginning of the changelog (Markdown), at most OFFER_INDEX_LIMITS.changelogBytes, "…" when cut. */
  changelog: string;
  /** The same for the upgrade notice. */
  upgrade_notice: string;
}

/** A published package: where it is and what vouches for its bytes (the Worker's downloads, the updater's check). */
export interface OfferPackage {
  version: string;
  file: string;
  sha256: string | null;
  md5: string | null;
  size: number | null;
  signatures: PackageSignature[];
}

/**
 * plugins/<slug>/offers.json, and each plugin's `offers` in feed.json: everything the offer
 * decision needs, bounded whatever the number of releases. Derived from releases.json by
 * offerIndexOf (scripts/contract/offer.ts), so both always say the same.
 */
export interface OfferIndexDocument {
  format: typeof OFFER_INDEX_FORMAT;
  slug: string;
  /** What the plugin is built for: a Geeklog plugin's sites read the Geeklog repository instead. */
  platform: Platform;
  /** false: plugin.yaml says `active: false`; no channel offers anything and nothing is downloadable. */
  active: boolean;
  private: boolean;
  latest: Record<Channel, string | null>;
  /**
   * Per channel, newest first: the releases a site on it may be offered. A release every site
   * that could take it would rather get a newer one (rolled out to all, asking no more PHP or
   * WordPress) is left out; so is any beyond OFFER_INDEX_LIMITS.candidates.
   */
  channels: Record<Channel, OfferCandidate[]>;
  /** Every package published for the plugin (retained releases and those above the latest stable). */
  packages: OfferPackage[];
  /** The version of every withdrawn (deprecated) release; why, in deprecations.json. */
  deprecated: string[];
  /** The details dialog's images (info.json's), so an update row shows them without info.json. */
  icons?: InfoDocument["icons"];
  banners?: InfoDocument["banners"];
}

/** plugins/<slug>/deprecations.json: why each withdrawn release was withdrawn, newest first. */
export interface DeprecationsDocument {
  format: typeof DEPRECATIONS_FORMAT;
  slug: string;
  deprecated: { version: string; reason: string }[];
}

/** A channel's latest in feed.json, with what pins its package. */
export interface FeedChannelEntry {
  version: string;
  version_code: number;
  sha256: string;
  size: number;
  url: string;
  signature_url: string;
  force_update: boolean;
  autoupdate: boolean;
  /** The channel's info document; null for a Geeklog plugin (its sites read the Geeklog repository). */
  info: string | null;
}

export interface FeedPluginEntry {
  name: string;
  platform: Platform;
  channels: Partial<Record<Channel, FeedChannelEntry>>;
  releases: { url: string; sha256: string | null };
  /** SHA-256 of each per-plugin JSON document, by file name (info.json, releases.json, ...). */
  documents: Record<string, string>;
  /**
   * The plugin's offer index (offers.json, the same value), inside the signed feed: the updater
   * decides its offer from feed.json and its signature alone (two requests per check). Absent in
   * feeds written before it existed.
   */
  offers?: OfferIndexDocument;
}

export interface FeedKey {
  id: string;
  /** base64 of the raw 32-byte Ed25519 public key. */
  public_key: string;
  role: "current" | "next";
}

/** feed.json: the signed index of the whole feed. */
export interface FeedDocument {
  format: typeof FEED_FORMAT;
  /** Strictly greater at every publish. */
  serial: number;
  issued_at: string;
  expires: string;
  commit: string;
  keys: FeedKey[];
  /** manifest.json's address and the SHA-256 of its exact bytes. */
  manifest: { url: string; sha256: string };
  plugins: Record<string, FeedPluginEntry>;
}

/** manifest.json: the SHA-256 of every other published file, by its path in the folder. */
export interface ManifestDocument {
  format: typeof MANIFEST_FORMAT;
  files: Record<string, string>;
}

/** What a check-update answer says about a release: releases.json's entry or the offer index's. */
export type DescribedRelease = Pick<
  PublishedRelease,
  "version" | "version_code" | "changelog" | "sha256" | "size" | "requires_php" | "tested_wp" | "file" | "autoupdate"
>;

/** What was decided for a site (see decideOffer), or for a site whose version is unknown. */
export interface CheckUpdateOffer {
  offered: DescribedRelease | null;
  /** A security release lies between the site's version and the offer. */
  forced: boolean;
  /** The site's own release is deprecated: why. */
  deprecation: { reason: string } | null;
}

/**
 * The check-update answer, built one way for the Worker and for the static documents: the
 * offered release described, or the channel's latest when nothing is offered.
 */
export function renderCheckUpdateAnswer(input: {
  slug: string;
  /** The API's base (api_base, or the Worker's own `<origin>/api`). */
  apiBase: string;
  /** Where the plugin's folder is served (no trailing slash). */
  siteUrl: string;
  channel: Channel;
  currentVersion: string | null;
  offer: CheckUpdateOffer;
  latest: DescribedRelease | null;
  /** A signed download URL's query (signedDownloadQuery), for a private plugin. */
  signedQuery?: string | null;
}): CheckUpdateAnswer {
  const { offer, slug } = input;
  const described = offer.offered ?? input.latest;
  return {
    update_available: offer.offered !== null,
    current_version: input.currentVersion,
    latest_version: described?.version ?? null,
    latest_version_code: described?.version_code ?? null,
    download_url: !described
      ? null
      : input.signedQuery
        ? apiUrl(input.apiBase, slug, "download", input.signedQuery)
        : downloadUrl(input.apiBase, slug, described.version),
    changelog: described?.changelog ?? "",
    info_url: apiUrl(input.apiBase, slug, "info"),
    force_update: offer.forced,
    checksum: described?.sha256 ?? null,
    file_size: described?.size ?? null,
    requires_php: described?.requires_php ?? null,
    tested_wp: described?.tested_wp ?? null,
    autoupdate: offer.offered !== null && (offer.forced || offer.offered.autoupdate),
    channel: input.channel,
    signature_url: described?.file ? staticUrl(input.siteUrl, slug, signatureFileName(described.file)) : null,
    ...(offer.deprecation ? { current_deprecated: true as const, deprecation_reason: offer.deprecation.reason } : {}),
  };
}

/**
 * The Worker's answer within OFFER_INDEX_LIMITS.answerBytes: the deprecation reason cut to its
 * share, then the changelog (already the index's excerpt) cut by whatever is still over. The
 * whole texts stay in info.json and deprecations.json.
 */
export function fitCheckUpdateAnswer(answer: CheckUpdateAnswer): CheckUpdateAnswer {
  const fitted =
    answer.deprecation_reason === undefined
      ? answer
      : { ...answer, deprecation_reason: excerptText(answer.deprecation_reason, OFFER_INDEX_LIMITS.answerReasonBytes) };
  // The Worker sends the JSON text and a newline.
  const over = utf8Bytes(`${JSON.stringify(fitted)}\n`) - OFFER_INDEX_LIMITS.answerBytes;
  if (over <= 0) return fitted;
  return { ...fitted, changelog: excerptText(fitted.changelog, Math.max(0, jsonTextBytes(fitted.changelog) - over)) };
}
