/**
 * The JSON documents and header rules of the published folder, as pure functions of the
 * plan and the facts of the built packages. Field names follow the original service
 * (seeds, "API Endpoints") plus what the common WordPress update-checker library reads.
 */
import semver from "semver";
import { renderMarkdown } from "./markdown.ts";
import type { PluginPlan, ReleasePlan } from "./plan.ts";
import { type Channel, STATUS_RULES } from "./schema.ts";

export interface PackageFacts {
  sha256: string;
  md5: string;
  size: number;
}

/** One line of a package's .sig file, with the id of the key that made it. */
export interface PackageSignature {
  key_id: string;
  signature: string;
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
  keys: { id: string; public_key: string; role: "current" | "next" }[];
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

export function pluginFolder(slug: string): string {
  return `plugins/${slug}`;
}

export function staticUrl(plugin: PluginPlan, fileName: string): string {
  return `${plugin.siteUrl}/${pluginFolder(plugin.slug)}/${fileName}`;
}

export function downloadUrl(plugin: PluginPlan, version: string): string {
  return `${plugin.apiBase}/plugins/${plugin.slug}/download/?version=${encodeURIComponent(version)}`;
}

export function signatureUrl(plugin: PluginPlan, release: ReleasePlan): string {
  return staticUrl(plugin, `${release.fileName}.sig`);
}

export function infoUrl(plugin: PluginPlan): string {
  return `${plugin.apiBase}/plugins/${plugin.slug}/info/`;
}

export function requirementsOf(plugin: PluginPlan, release: ReleasePlan) {
  return {
    requires_php: release.definition.requires_php ?? plugin.definition.requires_php,
    requires_wp: release.definition.requires_wp ?? plugin.definition.requires_wp,
    tested_wp: release.definition.tested_wp ?? plugin.definition.tested_wp,
  };
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

/** The changelog a site is shown: every release of the channel up to the latest, newest first. */
function changelogHtml(plugin: PluginPlan, channel: Channel, latest: ReleasePlan): string {
  const shown = (release: ReleasePlan) =>
    release.channel === "stable" ||
    release.status === "deprecated" ||
    (channel === "beta" && release.channel === "beta");
  return plugin.releases
    .filter((release) => release.built && shown(release) && semver.lte(release.version, latest.version))
    .reverse()
    .map((release) => {
      const label = release.status === "deprecated" ? `${release.version} (withdrawn)` : release.version;
      return `<h4>${label}</h4>\n${renderMarkdown(release.definition.changelog)}`;
    })
    .join("");
}

export function renderInfo(plugin: PluginPlan, channel: Channel, facts: PackageFactsByVersion): object | null {
  const release = releaseOf(plugin, plugin.latest[channel]);
  if (!release) return null;
  const { definition } = plugin;
  const requirements = requirementsOf(plugin, release);
  const packageFacts = factsOf(facts, release);
  return {
    name: definition.name,
    slug: plugin.slug,
    version: release.version,
    author: definition.author,
    homepage: definition.homepage,
    description: definition.description,
    changelog: release.definition.changelog,
    download_url: downloadUrl(plugin, release.version),
    file_size: packageFacts.size,
    requires_php: requirements.requires_php,
    tested_wp: requirements.tested_wp,
    // Not in the original info shape: lets a site (and `feedwright verify`) check the package.
    checksum: packageFacts.sha256,
    signature_url: signatureUrl(plugin, release),
    sections: {
      description: renderMarkdown(definition.description),
      changelog: changelogHtml(plugin, channel, release),
    },
    requires: requirements.requires_wp,
    tested: requirements.tested_wp,
    last_updated: release.definition.released_at ?? null,
    author_homepage: definition.author_homepage ?? definition.homepage,
    upgrade_notice: release.definition.upgrade_notice ?? "",
    ...(definition.banners ? { banners: definition.banners } : {}),
    ...(definition.icons ? { icons: definition.icons } : {}),
  };
}

/**
 * The static answer for "what is the latest?": the original check-update shape for a site
 * whose version is unknown (current_version null). The Worker answers per site.
 */
export function renderCheckUpdate(plugin: PluginPlan, channel: Channel, facts: PackageFactsByVersion): object | null {
  const release = releaseOf(plugin, plugin.latest[channel]);
  if (!release) return null;
  const packageFacts = factsOf(facts, release);
  const requirements = requirementsOf(plugin, release);
  const forced = release.definition.force_update;
  return {
    update_available: true,
    current_version: null,
    latest_version: release.version,
    latest_version_code: release.versionCode,
    download_url: downloadUrl(plugin, release.version),
    changelog: release.definition.changelog,
    info_url: infoUrl(plugin),
    force_update: forced,
    checksum: packageFacts.sha256,
    file_size: packageFacts.size,
    requires_php: requirements.requires_php,
    tested_wp: requirements.tested_wp,
    autoupdate: autoupdateOf(release),
    channel,
    signature_url: signatureUrl(plugin, release),
  };
}

/** Every built release (drafts stay private), newest first: what the Worker and pages read. */
export function renderReleases(plugin: PluginPlan, facts: PackageFactsByVersion): object {
  return {
    slug: plugin.slug,
    api_base: plugin.apiBase,
    main_file: plugin.definition.main_file,
    version_constant: plugin.definition.version_constant,
    updater_path: plugin.definition.updater_path ?? null,
    platform: plugin.definition.platform,
    private: plugin.definition.private,
    latest: plugin.latest,
    releases: plugin.releases
      .filter((release) => release.built)
      .reverse()
      .map((release) => {
        const packageFacts = facts.get(release.version);
        const requirements = requirementsOf(plugin, release);
        return {
          version: release.version,
          version_code: release.versionCode,
          status: release.status,
          channel: release.channel,
          offered: STATUS_RULES[release.status].offered,
          packaged: release.packaged,
          file: release.packaged ? release.fileName : null,
          url: release.packaged ? staticUrl(plugin, release.fileName) : null,
          sha256: packageFacts?.sha256 ?? release.definition.sha256 ?? null,
          md5: packageFacts?.md5 ?? null,
          size: packageFacts?.size ?? null,
          signatures: packageFacts?.signatures ?? [],
          released_at: release.definition.released_at ?? null,
          ...requirements,
          force_update: release.definition.force_update,
          autoupdate: autoupdateOf(release),
          rollout: release.definition.rollout ?? 100,
          changelog: release.definition.changelog,
          upgrade_notice: release.definition.upgrade_notice ?? "",
          deprecation_reason: release.status === "deprecated" ? (release.definition.deprecation_reason ?? "") : null,
          skip_reason: release.skipReason,
        };
      }),
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
): object {
  const entries = plugins.map((plugin) => {
    const channels: Record<string, object> = {};
    for (const channel of ["stable", "beta"] as const) {
      const release = releaseOf(plugin, plugin.latest[channel]);
      if (!release) continue;
      const packageFacts = factsOf(facts.get(plugin.slug) ?? new Map(), release);
      channels[channel] = {
        version: release.version,
        version_code: release.versionCode,
        sha256: packageFacts.sha256,
        size: packageFacts.size,
        url: staticUrl(plugin, release.fileName),
        signature_url: signatureUrl(plugin, release),
        force_update: release.definition.force_update,
        autoupdate: autoupdateOf(release),
        info: `${plugin.siteUrl}/${pluginFolder(plugin.slug)}/${channel === "stable" ? "info.json" : "info-beta.json"}`,
      };
    }
    const documents = documentDigests.get(plugin.slug) ?? {};
    const releases = {
      url: `${plugin.siteUrl}/${pluginFolder(plugin.slug)}/releases.json`,
      sha256: documents["releases.json"] ?? null,
    };
    return [
      plugin.slug,
      { name: plugin.definition.name, platform: plugin.definition.platform, channels, releases, documents },
    ] as const;
  });
  return {
    format: "feedwright-feed/1",
    serial: publication.serial,
    issued_at: publication.issuedAt,
    expires: publication.expires,
    commit: publication.commit,
    keys: publication.keys,
    manifest: { url: manifestUrl(plugins), sha256: manifestDigest },
    plugins: Object.fromEntries(entries),
  };
}

export const MANIFEST_PATH = "manifest.json";

/**
 * The published files the manifest cannot list: the signed feed (which vouches for the
 * manifest by its SHA-256), the feed's signature, and the manifest itself.
 */
export const FILES_OUTSIDE_MANIFEST: readonly string[] = ["feed.json", "feed.json.sig", MANIFEST_PATH];

/**
 * manifest.json: the SHA-256 of every other published file, by its path in the folder. The
 * signed feed carries the manifest's own SHA-256, so one signature covers every byte published.
 */
export function renderManifest(digests: Iterable<readonly [path: string, sha256: string]>): object {
  return { format: "feedwright-manifest/1", files: Object.fromEntries(digests) };
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
 * Two rules per plugin plus three keeps far below the platform's limit of 100 rules for
 * up to 48 plugins.
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
  ];
  for (const plugin of plugins) {
    lines.push(
      `/${pluginFolder(plugin.slug)}/${plugin.slug}-v*`,
      "  Cache-Control: public, max-age=31536000, immutable",
    );
    lines.push(
      `/${pluginFolder(plugin.slug)}/${plugin.slug}-latest.zip`,
      "  Cache-Control: public, max-age=300, must-revalidate",
    );
  }
  return `${lines.join("\n")}\n`;
}

export function renderChecksumFile(sha256: string, fileName: string): string {
  return `${sha256}  ${fileName}\n`;
}
