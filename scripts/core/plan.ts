/**
 * The compiled plan: plain data saying, for every plugin, which releases are built, which
 * channel each belongs to, what is latest per channel and what falls out of retention.
 * Pure: no I/O, no clock. `feedwright build --json` prints it.
 */
import semver from "semver";
import { API_PATH, type Channel, channelSees, packageFileName, type Status } from "../contract/index.ts";
import type { GeeklogRelease } from "./geeklog.ts";
import type { Plugin, PluginAsset, Release } from "./parse-tree.ts";
import type { PluginDefinition, ReleaseDefinition } from "./schema.ts";
import { STATUS_RULES } from "./schema.ts";

export interface ReleasePlan {
  version: string;
  versionCode: number;
  status: Status;
  /**
   * Whether sites may be offered it: its status allows it and the plugin is active. What
   * releases.json says, and so what the Worker and the updater go by.
   */
  offered: boolean;
  /** Which channel's sites may be offered it; null when it is not offered (draft, deprecated, inactive plugin). */
  channel: Channel | null;
  built: boolean;
  /** A ZIP is written for it (built and within retention). */
  packaged: boolean;
  /** Why it is not packaged, for the build summary and releases.json. */
  skipReason: string | null;
  fileName: string;
  /** The release file it came from, for messages. */
  file: string;
  source: { kind: "git"; revision: string } | { kind: "working-tree" };
  definition: ReleaseDefinition;
  /** A Geeklog plugin's release: patch or upgrade, from which version (see scripts/core/geeklog.ts). */
  geeklog: GeeklogRelease | null;
}

export interface PluginPlan {
  slug: string;
  file: string;
  definition: PluginDefinition;
  /** false (plugin.yaml `active: false`): nothing is offered, packaged or downloadable. */
  active: boolean;
  /** The images plugin.yaml names from its assets/ folder, published below plugins/<slug>/. */
  assets: PluginAsset[];
  /** Where the published folder is served from (no trailing slash). */
  siteUrl: string;
  /** The Worker's API base (no trailing slash). */
  apiBase: string;
  releases: ReleasePlan[];
  latest: Record<Channel, string | null>;
}

export interface BuildPlan {
  plugins: PluginPlan[];
}

export function compilePlan(plugins: Plugin[]): BuildPlan {
  return { plugins: plugins.map(compilePluginPlan) };
}

function compilePluginPlan(plugin: Plugin): PluginPlan {
  const { definition } = plugin;
  const { active } = definition;
  const newestFirst = [...plugin.releases].reverse();
  // An inactive plugin offers nothing on any channel, and so has no latest.
  const channels = new Set(active ? definition.channels : []);
  const latestStable = channels.has("stable") ? (newestFirst.find(isOfferedOn("stable")) ?? null) : null;
  const latestBeta = channels.has("beta") ? (newestFirst.find(isOfferedOn("beta")) ?? null) : null;
  const packaging = active
    ? decidePackaging(newestFirst, latestStable?.version ?? null, definition.retain)
    : newestFirst.map(inactivePackaging);
  const releases = newestFirst.map((release, index) => planRelease(plugin.slug, release, packaging[index], active));
  const apiBase = definition.api_base.replace(/\/+$/, "");
  return {
    slug: plugin.slug,
    file: plugin.file,
    definition,
    active,
    assets: plugin.assets,
    siteUrl: (definition.site_url ?? new URL(apiBase).origin).replace(/\/+$/, ""),
    apiBase,
    releases: releases.reverse(),
    latest: { stable: latestStable?.version ?? null, beta: latestBeta?.version ?? null },
  };
}

/**
 * The plan as the JSON documents and pages see it when the folder is served from another
 * origin than plugin.yaml names (`npm run dev`): every URL they write (download_url, info_url,
 * the feed's and releases.json's package URLs) points at `origin`. Only for rendering those:
 * packages are built from the plan itself, so their bytes, and the api_base inside them, stay
 * what plugin.yaml says.
 */
export function servedFrom(plan: BuildPlan, origin: string): BuildPlan {
  const siteUrl = new URL(origin).origin;
  return {
    plugins: plan.plugins.map((plugin) => ({ ...plugin, siteUrl, apiBase: `${siteUrl}${API_PATH}` })),
  };
}

function isOfferedOn(channel: Channel): (release: Release) => boolean {
  return (release) => {
    const rules = STATUS_RULES[release.definition.status];
    return rules.offered && rules.channel !== null && channelSees(channel, rules.channel);
  };
}

interface Packaging {
  packaged: boolean;
  skipReason: string | null;
}

/**
 * Which built releases get a ZIP, newest first: every release from the latest stable up, and
 * the `retain` newest releases below it (a beta there takes no place), which stay downloadable
 * for rolling back.
 */
function decidePackaging(newestFirst: Release[], latestStable: string | null, retain: number): Packaging[] {
  let supersededSeen = 0;
  return newestFirst.map((release) => {
    const { status } = release.definition;
    const rules = STATUS_RULES[status];
    if (!rules.built) return { packaged: false, skipReason: `status ${status} is not built` };
    if (!latestStable || !semver.lt(release.version, latestStable)) return { packaged: true, skipReason: null };
    if (rules.channel === "beta") {
      // A beta behind the latest stable is offered to no one (beta sites take the stable):
      // it does not use up one of the `retain` places kept for rolling back.
      return { packaged: false, skipReason: `beta superseded by the stable ${latestStable}` };
    }
    supersededSeen += 1;
    if (supersededSeen <= retain) return { packaged: true, skipReason: null };
    return { packaged: false, skipReason: `superseded by ${latestStable} and beyond retain (${retain})` };
  });
}

/**
 * An inactive plugin's releases: none is packaged, so no package, checksum or signature file
 * is published and nothing can be downloaded, from the static folder or the Worker.
 */
function inactivePackaging(release: Release): Packaging {
  const { status } = release.definition;
  if (!STATUS_RULES[status].built) return { packaged: false, skipReason: `status ${status} is not built` };
  return { packaged: false, skipReason: "the plugin is inactive (active: false in plugin.yaml)" };
}

function planRelease(slug: string, release: Release, packaging: Packaging | undefined, active: boolean): ReleasePlan {
  const { status } = release.definition;
  const rules = STATUS_RULES[status];
  const offered = rules.offered && active;
  return {
    version: release.version,
    versionCode: release.versionCode,
    status,
    offered,
    channel: offered ? rules.channel : null,
    built: rules.built,
    packaged: packaging?.packaged ?? false,
    skipReason: packaging?.skipReason ?? null,
    fileName: packageFileName(slug, release.version),
    file: release.file,
    source: release.definition.source ? { kind: "git", revision: release.definition.source } : { kind: "working-tree" },
    definition: release.definition,
    geeklog: release.geeklog,
  };
}
