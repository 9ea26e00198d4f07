/**
 * The pull-request gate, pure: compare the plan of the base with the plan of the change and
 * say what breaks the release rules and what sites will see. No git, no disk: both plans and
 * the list of release files the change removed are passed in.
 */
import semver from "semver";
import { CHANNELS, decideOffer, type OfferDecision, ROLLOUT } from "../contract/index.ts";
import { renderReleases } from "./documents.ts";
import type { BuildPlan, PluginPlan, ReleasePlan } from "./plan.ts";
import type { Position } from "./problems.ts";
import { STATUS_ORDER } from "./schema.ts";

export interface Finding {
  file: string;
  at: Position;
  message: string;
}

export interface Review {
  violations: Finding[];
  warnings: Finding[];
  /** What changes for sites, one line each, per plugin. */
  preview: { slug: string; lines: string[] }[];
}

export type Locate = (plugin: PluginPlan, release: ReleasePlan, field: string) => Position;

export function reviewChange(base: BuildPlan, head: BuildPlan, locate: Locate): Review {
  const review: Review = { violations: [], warnings: [], preview: [] };
  for (const plugin of head.plugins) {
    const before = base.plugins.find((candidate) => candidate.slug === plugin.slug) ?? null;
    reviewPlugin(before, plugin, locate, review);
  }
  for (const removed of base.plugins.filter((plugin) => !head.plugins.some((p) => p.slug === plugin.slug))) {
    review.preview.push({
      slug: removed.slug,
      lines: [`${removed.slug} is removed from the feed: no site is offered anything`],
    });
  }
  return review;
}

function reviewPlugin(before: PluginPlan | null, after: PluginPlan, locate: Locate, review: Review): void {
  const lines: string[] = [];
  const byVersion = (plan: PluginPlan | null, version: string) =>
    plan?.releases.find((r) => r.version === version) ?? null;
  const violation = (release: ReleasePlan, field: string, message: string) =>
    review.violations.push({ file: release.file, at: locate(after, release, field), message });

  for (const release of after.releases) {
    const old = byVersion(before, release.version);
    if (release.definition.force_update && release.definition.changelog.trim() === "") {
      violation(release, "force_update", "force_update: a forced (security) update needs a changelog saying why");
    }
    if (!old) {
      const latest = after.latest.stable;
      if (
        release.channel === "stable" &&
        latest &&
        semver.lt(release.version, latest) &&
        !offerReaching(after, release)
      ) {
        violation(
          release,
          "version",
          `version: ${release.version} is lower than the latest stable ${latest}: no site would be offered it (WordPress never downgrades); release a version above ${latest}`,
        );
      }
      if (release.built) lines.push(describeNewRelease(after, release));
      continue;
    }
    if (old.built && release.built) {
      const changed: string[] = [];
      if (old.definition.source !== release.definition.source)
        changed.push(`source ${old.definition.source ?? "none"} → ${release.definition.source ?? "none"}`);
      if (old.definition.sha256 && old.definition.sha256 !== release.definition.sha256) {
        changed.push(
          `sha256 ${old.definition.sha256.slice(0, 12)}… → ${release.definition.sha256?.slice(0, 12) ?? "none"}…`,
        );
      }
      if (changed.length > 0) {
        violation(
          release,
          changed[0]?.startsWith("source") ? "source" : "sha256",
          `a built package must never change (${changed.join(", ")}): release a new version instead`,
        );
      }
    }
    if (old.status !== release.status) {
      if (release.status !== "deprecated" && STATUS_ORDER[release.status] < STATUS_ORDER[old.status]) {
        violation(
          release,
          "status",
          `status: moves backwards from ${old.status} to ${release.status}; a status only moves forward, or to deprecated`,
        );
      } else if (release.status === "deprecated") {
        const reason = release.definition.deprecation_reason ? `: "${release.definition.deprecation_reason}"` : "";
        lines.push(
          `${release.version} is withdrawn (deprecated): no site is offered it; sites on it are told why${reason}`,
        );
      } else if (!old.built && release.built) {
        lines.push(describeNewRelease(after, release));
      } else {
        lines.push(
          `${release.version} moves from ${old.status} to ${release.status}${release.status === "update_ready" ? ": sites below it now update automatically" : ""}`,
        );
      }
    }
    if (old.packaged && !release.packaged && release.built) {
      lines.push(`${release.version} leaves retention: it stays listed but is no longer downloadable`);
    }
  }

  for (const old of before?.releases ?? []) {
    if (!byVersion(after, old.version)) lines.push(`${old.version} is removed (reverted): no site is offered it`);
  }

  for (const channel of CHANNELS) {
    const was = before?.latest[channel] ?? null;
    const now = after.latest[channel];
    if (was === now) continue;
    // The beta channel also sees stable releases: only say so when it differs from stable.
    const followsStable = channel === "beta" && now === after.latest.stable && was === (before?.latest.stable ?? null);
    if (!followsStable) lines.push(`latest ${channel}: ${was ?? "none"} → ${now ?? "none"}`);
    if (channel !== "stable" || !was) continue;
    if (now === null || semver.lt(now, was)) {
      const oldLatest = byVersion(after, was);
      const allowed = oldLatest === null || oldLatest.status === "deprecated";
      if (!allowed && oldLatest) {
        violation(
          oldLatest,
          "status",
          `the latest stable goes down from ${was} to ${now ?? "nothing"}: only deprecating ${was} or reverting its release may do that`,
        );
      }
    }
  }
  const everBuilt = after.releases.some((release) => release.built);
  if (everBuilt && after.latest.stable === null && before?.latest.stable) {
    review.warnings.push({
      file: after.file,
      at: { line: 1, col: 1 },
      message: `after this change ${after.slug} has no good stable release: sites are offered nothing and new installs have no latest package`,
    });
  }
  if (lines.length > 0) review.preview.push({ slug: after.slug, lines });
}

/**
 * The Worker's offer decision for a site this release can reach, or null when it reaches
 * none: asked of decideOffer for a site on each published version below it (the nearest
 * first, or none), on either channel, meeting exactly its PHP and WordPress requirements, at
 * both ends of any rollout. A release below the latest stable still reaches the sites the
 * newer ones leave out (by requirements or rollout).
 */
function offerReaching(plugin: PluginPlan, release: ReleasePlan): OfferDecision | null {
  const { releases } = renderReleases(plugin, new Map());
  const published = releases.find((candidate) => candidate.version === release.version);
  if (!published) return null;
  const below = releases
    .map((candidate) => candidate.version)
    .filter((version) => semver.lt(version, release.version))
    .concat("0.0.0");
  for (const channel of CHANNELS) {
    for (const currentVersion of below) {
      for (const bucket of [0, ROLLOUT.buckets - 1]) {
        const decision = decideOffer(
          { releases },
          {
            currentVersion,
            channel,
            phpVersion: published.requires_php,
            wpVersion: published.requires_wp,
            bucketFor: () => bucket,
          },
        );
        if (decision.offered?.version === release.version) return decision;
      }
    }
  }
  return null;
}

function describeNewRelease(plugin: PluginPlan, release: ReleasePlan): string {
  const { definition } = release;
  if (release.status === "deprecated") return `${release.version} is added as deprecated: never offered`;
  // How sites are offered it is the Worker's decision for a site it reaches.
  const offer = offerReaching(plugin, release);
  if (!offer) return `${release.version} (${release.status}): no site is offered it: a newer release supersedes it`;
  const audience = release.channel === "beta" ? "sites on the beta channel" : "sites";
  const below = `${audience} below ${release.version}`;
  const how = offer.forced
    ? "will be offered it as a forced security update"
    : offer.offered?.autoupdate
      ? "will be offered it automatically"
      : "will be offered it as a manual update";
  const rollout = definition.rollout && definition.rollout < 100 ? ` (to ${definition.rollout}% of them)` : "";
  const php =
    definition.requires_php && definition.requires_php !== plugin.definition.requires_php
      ? `; it needs PHP ${definition.requires_php}, so older sites keep what they have`
      : "";
  return `${release.version} (${release.status}): ${below} ${how}${rollout}${php}`;
}

export function formatReview(review: Review, format: "text" | "markdown"): string {
  const out: string[] = [];
  if (format === "markdown") {
    out.push("### What sites will see");
    if (review.preview.length === 0) out.push("", "Nothing changes for sites.");
    for (const plugin of review.preview) {
      out.push("", `**${plugin.slug}**`, "", ...plugin.lines.map((line) => `- ${line}`));
    }
    if (review.violations.length > 0) {
      out.push(
        "",
        "### Problems",
        "",
        ...review.violations.map((v) => `- \`${v.file}:${v.at.line}:${v.at.col}\` ${v.message}`),
      );
    }
    if (review.warnings.length > 0) {
      out.push("", "### Warnings", "", ...review.warnings.map((w) => `- \`${w.file}\` ${w.message}`));
    }
  } else {
    if (review.preview.length === 0) out.push("nothing changes for sites");
    for (const plugin of review.preview) out.push(`${plugin.slug}:`, ...plugin.lines.map((line) => `  ${line}`));
    for (const v of review.violations) out.push(`${v.file}:${v.at.line}:${v.at.col} ${v.message}`);
    for (const w of review.warnings) out.push(`warning: ${w.file}: ${w.message}`);
  }
  return `${out.join("\n")}\n`;
}
