/**
 * The compiled plan: plain data saying, for every plugin, which releases are built, which
 * channel each belongs to, what is latest per channel and what falls out of retention.
 * Pure: no I/O, no clock. `feedwright build --json` prints it.
 */
import semver from "semver";
import { type Channel, channelSees, packageFileName, type Status } from "../contract/index.ts";
import type { Plugin, Release } from "./parse-tree.ts";
import type { PluginDefinition, ReleaseDefinition } from "./schema.ts";
import { STATUS_RULES } from "./schema.ts";

export interface ReleasePlan {
  version: string;
  versionCode: number;
  status: Status;
  /** Which channel's sites may be offered it; null for draft and deprecated. */
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
}

export interface PluginPlan {
  slug: string;
  file: string;
  definition: PluginDefinition;
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
  const newestFirst = [...plugin.releases].reverse();
  const offeredOn = (channel: Channel) => (release: Release) => {
    const rules = STATUS_RULES[release.definition.status];
    return rules.offered && rules.channel !== null && channelSees(channel, rules.channel);
  };
  const channels = new Set(definition.channels);
  const latestStable = channels.has("stable") ? (newestFirst.find(offeredOn("stable")) ?? null) : null;
  const latestBeta = channels.has("beta") ? (newestFirst.find(offeredOn("beta")) ?? null) : null;

  let supersededSeen = 0;
  const releases = newestFirst.map((release): ReleasePlan => {
    const { status } = release.definition;
    const rules = STATUS_RULES[status];
    let packaged = rules.built;
    let skipReason: string | null = rules.built ? null : `status ${status} is not built`;
    if (rules.built && latestStable && semver.lt(release.version, latestStable.version)) {
      if (rules.channel === "beta") {
        // A beta behind the latest stable is offered to no one (beta sites take the stable):
        // it does not use up one of the `retain` places kept for rolling back.
        packaged = false;
        skipReason = `beta superseded by the stable ${latestStable.version}`;
      } else {
        supersededSeen += 1;
        if (supersededSeen > definition.retain) {
          packaged = false;
          skipReason = `superseded by ${latestStable.version} and beyond retain (${definition.retain})`;
        }
      }
    }
    return {
      version: release.version,
      versionCode: release.versionCode,
      status,
      channel: rules.offered ? rules.channel : null,
      built: rules.built,
      packaged,
      skipReason,
      fileName: packageFileName(plugin.slug, release.version),
      file: release.file,
      source: release.definition.source
        ? { kind: "git", revision: release.definition.source }
        : { kind: "working-tree" },
      definition: release.definition,
    };
  });

  const apiBase = definition.api_base.replace(/\/+$/, "");
  return {
    slug: plugin.slug,
    file: plugin.file,
    definition,
    siteUrl: (definition.site_url ?? new URL(apiBase).origin).replace(/\/+$/, ""),
    apiBase,
    releases: releases.reverse(),
    latest: { stable: latestStable?.version ?? null, beta: latestBeta?.version ?? null },
  };
}
