/**
 * The JSON documents and header rules of the published folder, as pure functions of the
 * plan and the facts of the built packages. Their shapes, paths and URLs are the contract's
 * (scripts/contract): this file only fills them in.
 */
import semver from "semver";
import {
  CHANNELS,
  type Channel,
  type CheckUpdateAnswer,
  DEPRECATIONS_FORMAT,
  type DeprecationsDocument,
  downloadUrl,
  FEED_FORMAT,
  type FeedChannelEntry,
  type FeedDocument,
  type FeedKey,
  GEEKLOG_INDEX_PATH,
  geeklogPath,
  geeklogRepositoryUrl,
  type InfoDocument,
  infoFileName,
  KEYS_FOLDER,
  latestPackageFileName,
  MANIFEST_FORMAT,
  MANIFEST_PATH,
  type ManifestDocument,
  type OfferIndexDocument,
  offerIndexOf,
  type PackageSignature,
  type PublishedGeeklogRelease,
  type PublishedRelease,
  pluginFilePath,
  RELEASES_FILE,
  type ReleasesDocument,
  renderCheckUpdateAnswer,
  signatureFileName,
  staticUrl,
  versionedFilePrefix,
} from "../contract/index.ts";
import { geeklogRequirements } from "./geeklog.ts";
import { renderMarkdown } from "./markdown.ts";
import type { PluginPlan, ReleasePlan } from "./plan.ts";
import { ASSET_CONTENT_SECURITY_POLICY, ASSETS_FOLDER, isAssetPath } from "./plugin-assets.ts";

export interface PackageFacts {
  sha256: string;
  md5: string;
  size: number;
}

/** A built package as the documents see it: its facts and its signatures. */
export interface SignedPackageFacts extends PackageFacts {
  signatures: PackageSignature[];
}

/** What one publish of the feed is: derived from git by the caller, never from the clock. */
export interface Publication {
  /** Strictly greater at every publish: the number of commits behind HEAD. */
  serial: number;
  commit: string;
  /** The commit's time (ISO 8601). */
  issuedAt: string;
  expires: string;
  keys: FeedKey[];
}

export type PackageFactsByVersion = ReadonlyMap<string, SignedPackageFacts>;

/** Stable JSON text: two-space indent, trailing newline, keys in the order written here. */
export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * The canonical byte form of a signed document: object keys sorted by code point at every
 * level, no insignificant white space, one trailing newline. Anyone can re-create the exact
 * bytes from the parsed value, so the signature does not depend on a serializer's habits.
 */
export function toCanonicalJson(value: unknown): string {
  return `${canonicalJson(value)}\n`;
}

// Written out by hand: JSON.stringify would put integer-like keys (a slug "123") first.
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function signatureUrl(plugin: PluginPlan, release: ReleasePlan): string {
  return staticUrl(plugin.siteUrl, plugin.slug, signatureFileName(release.fileName));
}

/** A release's PHP and WordPress requirements; WordPress's are null for a Geeklog plugin, which has none. */
export function requirementsOf(plugin: PluginPlan, release: ReleasePlan) {
  const wordpress = plugin.definition.platform !== "geeklog";
  return {
    requires_php: release.definition.requires_php ?? plugin.definition.requires_php,
    requires_wp: wordpress ? (release.definition.requires_wp ?? plugin.definition.requires_wp ?? null) : null,
    tested_wp: wordpress ? (release.definition.tested_wp ?? plugin.definition.tested_wp ?? null) : null,
  };
}

/** Whether a plugin gets WordPress's documents (info, check-update): a Geeklog site reads its repository instead. */
export function hasWordPressDocuments(plugin: PluginPlan): boolean {
  return plugin.definition.platform !== "geeklog";
}

function releaseOf(plugin: PluginPlan, version: string | null): ReleasePlan | null {
  return plugin.releases.find((release) => release.version === version) ?? null;
}

function factsOf(facts: PackageFactsByVersion, release: ReleasePlan): SignedPackageFacts {
  const found = facts.get(release.version);
  if (!found) throw new Error(`no package facts for ${release.version}: it should have been packaged`);
  return found;
}

function autoupdateOf(release: ReleasePlan): boolean {
  return release.status === "update_ready" || release.definition.force_update;
}

/**
 * The changelog a site is shown, entry by entry: every release of the channel up to the
 * latest, newest first, by version.
 */
function changelogEntries(plugin: PluginPlan, channel: Channel, latest: ReleasePlan): Record<string, string> {
  const shown = (release: ReleasePlan) =>
    release.channel === "stable" ||
    release.status === "deprecated" ||
    (channel === "beta" && release.channel === "beta");
  return Object.fromEntries(
    plugin.releases
      .filter((release) => release.built && shown(release) && semver.lte(release.version, latest.version))
      .reverse()
      .map((release) => {
        const label = release.status === "deprecated" ? `${release.version} (withdrawn)` : release.version;
        return [release.version, `<h4>${label}</h4>\n${renderMarkdown(release.definition.changelog)}`];
      }),
  );
}

export function renderInfo(plugin: PluginPlan, channel: Channel, facts: PackageFactsByVersion): InfoDocument | null {
  const release = releaseOf(plugin, plugin.latest[channel]);
  if (!release || !hasWordPressDocuments(plugin)) return null;
  const { definition } = plugin;
  const requirements = requirementsOf(plugin, release);
  const packageFacts = factsOf(facts, release);
  const entries = changelogEntries(plugin, channel, release);
  return {
    name: definition.name,
    slug: plugin.slug,
    version: release.version,
    author: definition.author,
    homepage: definition.homepage,
    description: definition.description,
    changelog: release.definition.changelog,
    download_url: downloadUrl(plugin.apiBase, plugin.slug, release.version),
    file_size: packageFacts.size,
    requires_php: requirements.requires_php,
    tested_wp: requirements.tested_wp ?? "",
    checksum: packageFacts.sha256,
    signature_url: signatureUrl(plugin, release),
    sections: {
      description: renderMarkdown(definition.description),
      changelog: Object.values(entries).join(""),
    },
    requires: requirements.requires_wp ?? "",
    tested: requirements.tested_wp ?? "",
    last_updated: release.definition.released_at ?? null,
    author_homepage: definition.author_homepage ?? definition.homepage,
    upgrade_notice: release.definition.upgrade_notice ?? "",
    autoupdate: autoupdateOf(release),
    changelog_entries: entries,
    ...(definition.banners ? { banners: imageUrls(plugin, definition.banners) } : {}),
    ...(definition.icons ? { icons: imageUrls(plugin, definition.icons) } : {}),
  };
}

/**
 * Icons and banners as WordPress loads them in the details dialog: an image of the plugin's
 * assets/ folder at its published address, a URL as plugin.yaml gives it.
 */
function imageUrls<T extends Record<string, string | undefined>>(plugin: PluginPlan, images: T): T {
  const entries = Object.entries(images).map(([key, value]) => [
    key,
    value !== undefined && isAssetPath(value) ? staticUrl(plugin.siteUrl, plugin.slug, value) : value,
  ]);
  return Object.fromEntries(entries) as T;
}

/**
 * The static answer for "what is the latest?": the check-update answer for a site whose
 * version is unknown (current_version null), offered the channel's latest. The Worker answers
 * per site, through the same renderCheckUpdateAnswer.
 */
export function renderCheckUpdate(
  plugin: PluginPlan,
  channel: Channel,
  facts: PackageFactsByVersion,
): CheckUpdateAnswer | null {
  const release = releaseOf(plugin, plugin.latest[channel]);
  if (!release || !hasWordPressDocuments(plugin)) return null;
  factsOf(facts, release); // a channel's latest is always packaged
  const latest = publishedRelease(plugin, release, facts);
  return renderCheckUpdateAnswer({
    slug: plugin.slug,
    apiBase: plugin.apiBase,
    siteUrl: plugin.siteUrl,
    channel,
    currentVersion: null,
    offer: { offered: latest, forced: latest.force_update, deprecation: null },
    latest,
  });
}

/** Every built release (drafts stay private), newest first: what the Worker and pages read. */
export function renderReleases(plugin: PluginPlan, facts: PackageFactsByVersion): ReleasesDocument {
  return {
    slug: plugin.slug,
    // What the packages carry (and `feedwright verify` finds in each main file), also when the
    // documents' URLs point elsewhere (servedFrom, for `npm run dev`).
    api_base: plugin.definition.api_base,
    main_file: plugin.definition.main_file ?? null,
    version_constant: plugin.definition.version_constant ?? null,
    updater_path: plugin.definition.updater_path ?? null,
    platform: plugin.definition.platform,
    ...(plugin.definition.geeklog
      ? {
          geeklog: {
            plugin_name: plugin.definition.geeklog.name,
            repository_url: geeklogRepositoryUrl(plugin.siteUrl).url,
          },
        }
      : {}),
    private: plugin.definition.private,
    active: plugin.active,
    latest: plugin.latest,
    releases: plugin.releases
      .filter((release) => release.built)
      .reverse()
      .map((release) => publishedRelease(plugin, release, facts)),
  };
}

/**
 * offers.json (and the plugin's `offers` in feed.json): the offer index of releases.json, with
 * the details dialog's images, so the Worker and the updater decide offers from a document
 * whose size does not grow with the history.
 */
export function renderOfferIndex(plugin: PluginPlan, facts: PackageFactsByVersion): OfferIndexDocument {
  const { definition } = plugin;
  return {
    ...offerIndexOf(renderReleases(plugin, facts)),
    ...(definition.icons ? { icons: imageUrls(plugin, definition.icons) } : {}),
    ...(definition.banners ? { banners: imageUrls(plugin, definition.banners) } : {}),
  };
}

/** deprecations.json: every withdrawn release's reason, newest first, read only for a site on one. */
export function renderDeprecations(plugin: PluginPlan): DeprecationsDocument {
  return {
    format: DEPRECATIONS_FORMAT,
    slug: plugin.slug,
    deprecated: plugin.releases
      .filter((release) => release.built && release.status === "deprecated")
      .reverse()
      .map((release) => ({ version: release.version, reason: release.definition.deprecation_reason ?? "" })),
  };
}

/** One release as releases.json lists it. */
function publishedRelease(plugin: PluginPlan, release: ReleasePlan, facts: PackageFactsByVersion): PublishedRelease {
  const packageFacts = facts.get(release.version);
  const requirements = requirementsOf(plugin, release);
  return {
    version: release.version,
    version_code: release.versionCode,
    status: release.status,
    channel: release.channel,
    offered: release.offered,
    packaged: release.packaged,
    file: release.packaged ? release.fileName : null,
    url: release.packaged ? staticUrl(plugin.siteUrl, plugin.slug, release.fileName) : null,
    sha256: packageFacts?.sha256 ?? release.definition.sha256 ?? null,
    md5: packageFacts?.md5 ?? null,
    size: packageFacts?.size ?? null,
    signatures: packageFacts?.signatures ?? [],
    released_at: release.definition.released_at ?? null,
    ...requirements,
    force_update: release.definition.force_update,
    autoupdate: autoupdateOf(release),
    rollout: release.definition.rollout ?? 100,
    guard: release.definition.guard ?? null,
    changelog: release.definition.changelog,
    upgrade_notice: release.definition.upgrade_notice ?? "",
    deprecation_reason: release.status === "deprecated" ? (release.definition.deprecation_reason ?? "") : null,
    skip_reason: release.skipReason,
    ...(release.geeklog ? { geeklog: publishedGeeklogRelease(plugin, release) } : {}),
  };
}

function publishedGeeklogRelease(plugin: PluginPlan, release: ReleasePlan): PublishedGeeklogRelease {
  const geeklog = release.geeklog;
  if (!geeklog) throw new Error(`${release.version} is not a Geeklog release`);
  return {
    kind: geeklog.kind,
    geeklog_version: geeklog.geeklogVersion,
    from: geeklog.from,
    update: geeklog.update,
    requires_geeklog: geeklogRequirements(plugin, release).geeklog,
    sql: geeklog.sql,
    backup_tables: geeklog.backupTables,
    update_class: geeklog.updateClass,
  };
}

/** The per-plugin JSON documents, by file name, each with the SHA-256 hex of its exact bytes. */
export type DocumentDigests = Readonly<Record<string, string>>;

export { sha256Hex } from "./digest.ts";

/**
 * The index of the whole feed: every plugin's latest per channel, with the sha256 and size
 * that pin its package, so a site that trusts the (signed) feed trusts the package; and the
 * SHA-256 of every per-plugin JSON document (`documents`), so no published document is left
 * that the signature does not cover. The only document that changes from commit to commit
 * (serial, times, commit): every other file is a pure function of the releases, so a revert
 * restores it byte for byte.
 */
export function renderFeed(
  plugins: PluginPlan[],
  facts: ReadonlyMap<string, PackageFactsByVersion>,
  publication: Publication,
  /** Per slug: SHA-256 of each per-plugin JSON document published (info.json, releases.json, ...). */
  documentDigests: ReadonlyMap<string, DocumentDigests>,
  /** SHA-256 of manifest.json's exact bytes: the feed vouches for every other published file through it. */
  manifestDigest: string,
): FeedDocument {
  const entries = plugins.map((plugin) => {
    const channels: Partial<Record<Channel, FeedChannelEntry>> = {};
    for (const channel of CHANNELS) {
      const release = releaseOf(plugin, plugin.latest[channel]);
      if (!release) continue;
      const packageFacts = factsOf(facts.get(plugin.slug) ?? new Map(), release);
      channels[channel] = {
        version: release.version,
        version_code: release.versionCode,
        sha256: packageFacts.sha256,
        size: packageFacts.size,
        url: staticUrl(plugin.siteUrl, plugin.slug, release.fileName),
        signature_url: signatureUrl(plugin, release),
        force_update: release.definition.force_update,
        autoupdate: autoupdateOf(release),
        info: hasWordPressDocuments(plugin) ? staticUrl(plugin.siteUrl, plugin.slug, infoFileName(channel)) : null,
      };
    }
    const documents = documentDigests.get(plugin.slug) ?? {};
    const releases = {
      url: staticUrl(plugin.siteUrl, plugin.slug, RELEASES_FILE),
      sha256: documents[RELEASES_FILE] ?? null,
    };
    const offers = renderOfferIndex(plugin, facts.get(plugin.slug) ?? new Map());
    return [
      plugin.slug,
      { name: plugin.definition.name, platform: plugin.definition.platform, channels, releases, documents, offers },
    ] as const;
  });
  return {
    format: FEED_FORMAT,
    serial: publication.serial,
    issued_at: publication.issuedAt,
    expires: publication.expires,
    commit: publication.commit,
    keys: publication.keys,
    manifest: { url: manifestUrl(plugins), sha256: manifestDigest },
    plugins: Object.fromEntries(entries),
  };
}

/**
 * manifest.json: the SHA-256 of every other published file, by its path in the folder. The
 * signed feed carries the manifest's own SHA-256, so one signature covers every byte published.
 */
export function renderManifest(digests: Iterable<readonly [path: string, sha256: string]>): ManifestDocument {
  return { format: MANIFEST_FORMAT, files: Object.fromEntries(digests) };
}

/**
 * Where manifest.json is served: beside feed.json at the site URL. Plugins normally share one
 * site URL (the folder is served in one place); when they do not, the URL is relative, which
 * resolves against the address feed.json itself was read from.
 */
function manifestUrl(plugins: PluginPlan[]): string {
  const siteUrls = new Set(plugins.map((plugin) => plugin.siteUrl));
  const [siteUrl] = siteUrls;
  return siteUrls.size === 1 && siteUrl !== undefined ? `${siteUrl}/${MANIFEST_PATH}` : MANIFEST_PATH;
}

/**
 * Cloudflare's _headers: content types for what it cannot guess, and versioned packages
 * (and their checksum and signature files) cached forever, since their bytes never change.
 * Two rules per plugin (three with images) plus four, and three more for a feed with Geeklog
 * plugins, keeps below the platform's limit of 100 rules for up to 31 plugins.
 */
export function renderHeaders(plugins: PluginPlan[]): string {
  const lines = [
    "/*.json",
    "  Content-Type: application/json; charset=utf-8",
    "  X-Content-Type-Options: nosniff",
    "/*.sha256",
    "  Content-Type: text/plain; charset=utf-8",
    "/*.sig",
    "  Content-Type: text/plain; charset=utf-8",
    `/${KEYS_FOLDER}/*`,
    "  Content-Type: text/plain; charset=utf-8",
  ];
  if (plugins.some((plugin) => plugin.definition.platform === "geeklog")) {
    // The Geeklog repository's static answers: XML named .php (the client's file names), and
    // PHP's serialize(200); read fresh, since the listing changes with every release.
    lines.push(
      `/${geeklogPath("listing")}`,
      "  Content-Type: text/xml; charset=utf-8",
      "  Cache-Control: public, max-age=300, must-revalidate",
      `/${geeklogPath("status")}`,
      "  Content-Type: text/plain; charset=utf-8",
      `/${GEEKLOG_INDEX_PATH}`,
      "  Cache-Control: public, max-age=60, must-revalidate",
    );
  }
  for (const plugin of plugins) {
    lines.push(
      `/${pluginFilePath(plugin.slug, `${versionedFilePrefix(plugin.slug)}*`)}`,
      "  Cache-Control: public, max-age=31536000, immutable",
    );
    if (plugin.assets.length > 0) {
      // The plugin's images, opened on their own, can do nothing but be shown.
      lines.push(
        `/${pluginFilePath(plugin.slug, `${ASSETS_FOLDER}/*`)}`,
        `  Content-Security-Policy: ${ASSET_CONTENT_SECURITY_POLICY}`,
        "  X-Content-Type-Options: nosniff",
      );
    }
    lines.push(
      `/${pluginFilePath(plugin.slug, latestPackageFileName(plugin.slug))}`,
      "  Cache-Control: public, max-age=300, must-revalidate",
    );
  }
  return `${lines.join("\n")}\n`;
}

export function renderChecksumFile(sha256: string, fileName: string): string {
  return `${sha256}  ${fileName}\n`;
}
