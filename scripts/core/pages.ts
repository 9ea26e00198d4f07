/**
 * The human pages of the published folder, rendered with handlebars from site/pages/*.hbs:
 * the index of every plugin, and per plugin a download page (the latest stable as a button
 * with its version, size and requirements, then every version with its changelog, files and
 * checksums). Values are escaped by handlebars; only changelog and description HTML (already
 * made safe by markdown-it) is inserted raw. Everything shown is decided here from the plan,
 * the package facts and the signing keys, so the pages are as deterministic as the rest of the
 * folder: dates are the releases' own, written out in UTC, never the time of the build.
 */
import Handlebars from "handlebars";
import {
  checksumFileName,
  type FeedKey,
  geeklogRepositoryUrl,
  pluginFilePath,
  publicKeyFilePath,
  type Status,
  signatureFileName,
} from "../contract/index.ts";
import { type PackageFactsByVersion, requirementsOf, type SignedPackageFacts } from "./documents.ts";
import { geeklogRequirements } from "./geeklog.ts";
import { renderMarkdown } from "./markdown.ts";
import type { PluginPlan, ReleasePlan } from "./plan.ts";
import { isAssetPath } from "./plugin-assets.ts";
import { STATUS_RULES } from "./schema.ts";

export interface SiteTemplates {
  index: string;
  plugin: string;
  style: string;
  /** The plugin page's Geeklog section (a partial). */
  geeklog: string;
}

/**
 * What each status is called on the pages, and what it means for a site, in words a person
 * who runs the plugin understands (the status names themselves are the YAML's).
 */
export const STATUS_LABELS: Record<Status, { label: string; meaning: string }> = {
  draft: { label: "Unpublished draft", meaning: "Not published yet: no site sees it." },
  testing: { label: "Beta", meaning: "A test version, offered only to sites that chose the beta channel." },
  staged: {
    label: "Release candidate",
    meaning: "Expected to become the next release; offered only to sites that chose the beta channel.",
  },
  released: { label: "Stable", meaning: "Offered to every site as an update." },
  update_ready: {
    label: "Recommended update",
    meaning: "Offered to every site, and installed automatically where automatic updates are on.",
  },
  deprecated: { label: "Withdrawn", meaning: "No longer offered; sites still running it are told why." },
};

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** "12 March 2026": an ISO 8601 time as a date in UTC, the same on every machine and time zone. */
export function formatDate(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) throw new Error(`not an ISO 8601 time: ${iso}`);
  const date = new Date(time);
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** "24,873": a byte count with thousands separators, without the locale's say. */
function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+$)/g, ",");
}

export function renderPages(
  plugins: PluginPlan[],
  facts: ReadonlyMap<string, PackageFactsByVersion>,
  templates: SiteTemplates,
  keys: readonly FeedKey[],
): { path: string; content: string }[] {
  const handlebars = Handlebars.create();
  handlebars.registerPartial("style", templates.style);
  handlebars.registerPartial("geeklog", templates.geeklog);
  const indexPage = handlebars.compile(templates.index, { strict: true });
  const pluginPage = handlebars.compile(templates.plugin, { strict: true });

  const summaries = plugins.map((plugin) => ({
    name: plugin.definition.name,
    slug: plugin.slug,
    href: `plugins/${plugin.slug}/`,
    descriptionHtml: renderMarkdown(plugin.definition.description),
    icon: iconOf(plugin, `plugins/${plugin.slug}/`),
    active: plugin.active,
    stable: plugin.latest.stable,
    beta: plugin.latest.beta !== plugin.latest.stable ? plugin.latest.beta : null,
  }));
  const pages = [{ path: "index.html", content: indexPage({ plugins: summaries }) }];
  for (const plugin of plugins) {
    pages.push({
      path: pluginFilePath(plugin.slug, "index.html"),
      content: pluginPage(pluginPageOf(plugin, facts.get(plugin.slug) ?? new Map(), keys)),
    });
  }
  return pages;
}

function pluginPageOf(plugin: PluginPlan, facts: PackageFactsByVersion, keys: readonly FeedKey[]) {
  const { definition } = plugin;
  const releases = plugin.releases
    .filter((release) => release.built)
    .reverse()
    .map((release) => releaseOf(plugin, release, facts.get(release.version) ?? null));
  const stable = releases.find((release) => release.version === plugin.latest.stable) ?? null;
  const beta =
    plugin.latest.beta !== plugin.latest.stable
      ? (releases.find((release) => release.version === plugin.latest.beta) ?? null)
      : null;
  const pinned = new Set(definition.public_keys ?? []);
  return {
    name: definition.name,
    slug: plugin.slug,
    descriptionHtml: renderMarkdown(definition.description),
    homepage: definition.homepage,
    author: definition.author,
    authorHomepage: definition.author_homepage ?? definition.homepage,
    active: plugin.active,
    icon: iconOf(plugin, ""),
    banner: bannerOf(plugin),
    stable,
    beta,
    releases,
    geeklog: geeklogPluginFacts(plugin),
    downloadable: releases.some((release) => release.file !== null),
    keys: keys.map((key) => ({
      id: key.id,
      publicKey: key.public_key,
      href: `../../${publicKeyFilePath(key.id)}`,
      role: key.role === "current" ? "current key" : "next key (being rotated in)",
      pinned: pinned.has(key.public_key),
    })),
  };
}

function releaseOf(plugin: PluginPlan, release: ReleasePlan, packageFacts: SignedPackageFacts | null) {
  const { definition } = release;
  // An inactive plugin offers nothing: a withdrawn release stays "Withdrawn", the rest say so.
  const status =
    plugin.active || release.status === "deprecated"
      ? STATUS_LABELS[release.status]
      : { label: "Not offered", meaning: "This plugin is no longer available, so no site is offered this version." };
  const file = release.packaged && packageFacts ? release.fileName : null;
  return {
    version: release.version,
    statusClass: release.status,
    statusLabel: status.label,
    statusMeaning: status.meaning,
    latest: release.version === plugin.latest.stable,
    forceUpdate: definition.force_update,
    released: definition.released_at ? { iso: definition.released_at, text: formatDate(definition.released_at) } : null,
    ...requirementsOf(plugin, release),
    requirements: requirementsText(plugin, release),
    geeklog: geeklogReleaseFacts(release),
    file,
    signatureFile: file ? signatureFileName(file) : null,
    checksumFile: file ? checksumFileName(file) : null,
    size: packageFacts ? formatSize(packageFacts.size) : null,
    bytes: packageFacts ? packageFacts.size : null,
    bytesText: packageFacts ? formatCount(packageFacts.size) : null,
    sha256: packageFacts?.sha256 ?? definition.sha256 ?? null,
    unavailable: file ? null : unavailableReason(plugin, release),
    deprecationReason: release.status === "deprecated" ? (definition.deprecation_reason ?? null) : null,
    upgradeNotice: definition.upgrade_notice ?? null,
    changelogHtml: renderMarkdown(definition.changelog),
    // The latest stable's changelog is what a visitor reads first.
    open: release.version === plugin.latest.stable,
  };
}

/** What a release needs, as its page says it: PHP and WordPress, or PHP and Geeklog (never WordPress for Geeklog). */
function requirementsText(plugin: PluginPlan, release: ReleasePlan): string {
  if (release.geeklog) {
    const needs = geeklogRequirements(plugin, release);
    return `PHP ${needs.php}, Geeklog ${needs.geeklog}`;
  }
  const needs = requirementsOf(plugin, release);
  return `PHP ${needs.requires_php}, WordPress ${needs.requires_wp}`;
}

/** The Geeklog section's plugin facts: its name in Geeklog and the repository URL sites add; null for another platform. */
function geeklogPluginFacts(plugin: PluginPlan) {
  const name = plugin.definition.geeklog?.name;
  if (!name) return null;
  const repository = geeklogRepositoryUrl(plugin.siteUrl);
  return { pluginName: name, repositoryUrl: repository.url, repositoryProblem: repository.problem ?? "" };
}

/** A Geeklog release as its page lists it: patch or upgrade, who is offered it, the SQL and the tables. */
function geeklogReleaseFacts(release: ReleasePlan) {
  const geeklog = release.geeklog;
  if (!geeklog) return null;
  const kind =
    geeklog.kind === "patch"
      ? `patch: ${geeklog.geeklogVersion} update ${geeklog.update}`
      : geeklog.from
        ? `upgrade to ${geeklog.geeklogVersion}`
        : `first version ${geeklog.geeklogVersion} (installed by hand)`;
  const offered = release.channel === "stable" && release.packaged;
  const offeredTo = !geeklog.from
    ? "nobody (nothing to upgrade from)"
    : !offered
      ? `nobody (${release.channel === "beta" ? "Geeklog sites are not offered beta releases" : (release.skipReason ?? `status ${release.status}`)})`
      : geeklog.kind === "patch"
        ? `sites on ${geeklog.from} with an update count below ${geeklog.update}`
        : `sites on ${geeklog.from}`;
  return {
    kind,
    offeredTo,
    ownClass: geeklog.updateClass === "own",
    sql: geeklog.sql,
    backupTables: geeklog.backupTables,
  };
}

/** Why a built release has no download, in a visitor's words (the plan's skip reason is the build's). */
function unavailableReason(plugin: PluginPlan, release: ReleasePlan): string {
  if (!plugin.active) return "Not downloadable: this plugin is no longer available.";
  if (STATUS_RULES[release.status].channel === "beta") {
    return `No longer downloadable: the stable ${plugin.latest.stable ?? "release"} replaces this test version.`;
  }
  const kept = plugin.definition.retain;
  return `No longer downloadable: only the ${kept} version${kept === 1 ? "" : "s"} before the latest stay available.`;
}

/**
 * The plugin's icon from its own published images (`prefix` leads from the page to the
 * plugin's folder); null when it has none there. A URL in plugin.yaml is never loaded.
 */
function iconOf(plugin: PluginPlan, prefix: string): { src: string; srcset: string | null } | null {
  const icons = plugin.definition.icons ?? {};
  const local = (value: string | undefined) => (value !== undefined && isAssetPath(value) ? `${prefix}${value}` : null);
  const svg = local(icons.svg);
  if (svg) return { src: svg, srcset: null };
  return pictureOf(local(icons["1x"]), local(icons["2x"]));
}

function bannerOf(plugin: PluginPlan): { src: string; srcset: string | null } | null {
  const banners = plugin.definition.banners ?? {};
  const local = (value: string | undefined) => (value !== undefined && isAssetPath(value) ? value : null);
  return pictureOf(local(banners.low), local(banners.high));
}

function pictureOf(low: string | null, high: string | null): { src: string; srcset: string | null } | null {
  const src = low ?? high;
  if (!src) return null;
  return { src, srcset: low && high ? `${low} 1x, ${high} 2x` : null };
}
