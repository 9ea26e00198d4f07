/**
 * The pull-request gate, pure: compare the plan of the base with the plan of the change and
 * say what breaks the release rules and what sites will see. No git, no disk: both plans, and
 * where each field is written (for the messages), are passed in by scripts/check.ts.
 */
import semver from "semver";
import {
  CHANNELS,
  type Channel,
  decideGeeklogOffer,
  decideOffer,
  guardBaseline,
  haltHolds,
  type OfferDecision,
  type OfferGuard,
  type OfferIndexDocument,
  offerIndexOf,
  type PublishedRelease,
  ROLLOUT,
} from "../contract/index.ts";
import { renderReleases } from "./documents.ts";
import { renderGeeklogIndex } from "./geeklog.ts";
import type { BuildPlan, PluginPlan, ReleasePlan } from "./plan.ts";
import { type Finding, type LocateField, START_OF_FILE } from "./problems.ts";
import { STATUS_ORDER } from "./schema.ts";

export interface Review {
  violations: Finding[];
  warnings: Finding[];
  /** What changes for sites, one line each, per plugin. */
  preview: { slug: string; lines: string[] }[];
}

export function reviewChange(base: BuildPlan, head: BuildPlan, locate: LocateField): Review {
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

/** One plugin's review in progress: the preview lines so far, and where a violation goes. */
interface PluginReview {
  before: PluginPlan | null;
  after: PluginPlan;
  lines: string[];
  violation(release: ReleasePlan, field: string, message: string): void;
}

function reviewPlugin(before: PluginPlan | null, after: PluginPlan, locate: LocateField, review: Review): void {
  const plugin: PluginReview = {
    before,
    after,
    lines: [],
    violation: (release, field, message) =>
      review.violations.push({ file: release.file, at: locate(after, release, field), message }),
  };
  reviewActive(plugin);
  for (const release of after.releases) {
    const old = releaseOf(before, release.version);
    if (old) reviewChangedRelease(plugin, old, release);
    else reviewAddedRelease(plugin, release);
  }
  for (const old of before?.releases ?? []) {
    if (!releaseOf(after, old.version))
      plugin.lines.push(`${old.version} is removed (reverted): no site is offered it`);
  }
  // An inactive plugin has no latest and no downloads by choice: nothing to say per channel.
  if (after.active) {
    for (const channel of CHANNELS) reviewLatest(plugin, channel);
    const warning = noGoodStableWarning(before, after);
    if (warning) review.warnings.push(warning);
  }
  if (plugin.lines.length > 0) review.preview.push({ slug: after.slug, lines: plugin.lines });
}

/** plugin.yaml's `active` switched (or a plugin added switched off): what that means for sites. */
function reviewActive(plugin: PluginReview): void {
  const { before, after } = plugin;
  if (before?.active !== false && !after.active) {
    plugin.lines.push(
      before
        ? `plugin ${after.slug} becomes inactive: no site is offered anything; downloads stop`
        : `plugin ${after.slug} is added inactive: no site is offered anything; nothing is downloadable`,
    );
  } else if (before?.active === false && after.active) {
    plugin.lines.push(`plugin ${after.slug} becomes active again: sites are offered its releases and downloads resume`);
  }
}

function releaseOf(plan: PluginPlan | null, version: string): ReleasePlan | null {
  return plan?.releases.find((release) => release.version === version) ?? null;
}

/** A forced update tells sites it is urgent: the changelog is where they read why. */
function checkForcedUpdateChangelog(plugin: PluginReview, release: ReleasePlan): void {
  if (release.definition.force_update && release.definition.changelog.trim() === "") {
    plugin.violation(release, "force_update", "force_update: a forced (security) update needs a changelog saying why");
  }
}

/**
 * A release the base does not have: below the base's latest stable it must still reach some
 * site, or it was meant to be a new version. Below a latest that this change adds too (a new
 * plugin's history, several releases at once) it is history, kept for rolling back.
 */
function reviewAddedRelease(plugin: PluginReview, release: ReleasePlan): void {
  checkForcedUpdateChangelog(plugin, release);
  const latest = plugin.before?.latest.stable ?? null;
  const reaches = release.geeklog ? geeklogOfferReaching(plugin.after, release) : offerReaching(plugin.after, release);
  if (release.channel === "stable" && latest && semver.lt(release.version, latest) && !reaches) {
    plugin.violation(
      release,
      "version",
      `version: ${release.version} is lower than the latest stable ${latest}: no site would be offered it (WordPress never downgrades); release a version above ${latest}`,
    );
  }
  if (release.built) plugin.lines.push(describeNewRelease(plugin.after, release));
}

/** A release in both plans: a built package never changes, and a status only moves forward. */
function reviewChangedRelease(plugin: PluginReview, old: ReleasePlan, release: ReleasePlan): void {
  checkForcedUpdateChangelog(plugin, release);
  if (old.built && release.built) checkPackageUnchanged(plugin, old, release);
  if (old.status !== release.status) reviewStatusChange(plugin, old, release);
  else reviewOfferChange(plugin, old, release);
  if (old.packaged && !release.packaged && release.built && plugin.after.active) {
    plugin.lines.push(`${release.version} leaves retention: it stays listed but is no longer downloadable`);
  }
}

/** Sites verify a package against its recorded source and sha256: changing either breaks them. */
function checkPackageUnchanged(plugin: PluginReview, old: ReleasePlan, release: ReleasePlan): void {
  const changed: string[] = [];
  if (old.definition.source !== release.definition.source)
    changed.push(`source ${old.definition.source ?? "none"} → ${release.definition.source ?? "none"}`);
  if (old.definition.sha256 && old.definition.sha256 !== release.definition.sha256) {
    changed.push(
      `sha256 ${old.definition.sha256.slice(0, 12)}… → ${release.definition.sha256?.slice(0, 12) ?? "none"}…`,
    );
  }
  if (changed.length === 0) return;
  plugin.violation(
    release,
    changed[0]?.startsWith("source") ? "source" : "sha256",
    `a built package must never change (${changed.join(", ")}): release a new version instead`,
  );
}

function reviewStatusChange(plugin: PluginReview, old: ReleasePlan, release: ReleasePlan): void {
  if (release.status !== "deprecated" && STATUS_ORDER[release.status] < STATUS_ORDER[old.status]) {
    plugin.violation(
      release,
      "status",
      `status: moves backwards from ${old.status} to ${release.status}; a status only moves forward, or to deprecated`,
    );
  } else if (release.status === "deprecated") {
    const reason = release.definition.deprecation_reason ? `: "${release.definition.deprecation_reason}"` : "";
    plugin.lines.push(
      `${release.version} is withdrawn (deprecated): no site is offered it; sites on it are told why${reason}`,
    );
  } else if (!old.built && release.built) {
    plugin.lines.push(describeNewRelease(plugin.after, release));
  } else {
    const effect = !plugin.after.active
      ? ": not offered while the plugin is inactive"
      : release.status === "update_ready"
        ? ": sites below it now update automatically"
        : "";
    plugin.lines.push(`${release.version} moves from ${old.status} to ${release.status}${effect}`);
  }
}

/**
 * The latest of a channel changed: say so, and refuse a latest stable that goes down unless
 * the old one was deprecated or its release reverted (WordPress never downgrades a site).
 */
function reviewLatest(plugin: PluginReview, channel: Channel): void {
  const { before, after } = plugin;
  const was = before?.latest[channel] ?? null;
  const now = after.latest[channel];
  if (was === now) return;
  // The beta channel also sees stable releases: only say so when it differs from stable.
  const followsStable = channel === "beta" && now === after.latest.stable && was === (before?.latest.stable ?? null);
  if (!followsStable) plugin.lines.push(`latest ${channel}: ${was ?? "none"} → ${now ?? "none"}`);
  if (channel !== "stable" || !was) return;
  if (now !== null && !semver.lt(now, was)) return;
  const oldLatest = releaseOf(after, was);
  if (oldLatest && oldLatest.status !== "deprecated") {
    plugin.violation(
      oldLatest,
      "status",
      `the latest stable goes down from ${was} to ${now ?? "nothing"}: only deprecating ${was} or reverting its release may do that`,
    );
  }
}

function noGoodStableWarning(before: PluginPlan | null, after: PluginPlan): Finding | null {
  const everBuilt = after.releases.some((release) => release.built);
  if (!everBuilt || after.latest.stable !== null || !before?.latest.stable) return null;
  return {
    file: after.file,
    at: START_OF_FILE,
    message: `after this change ${after.slug} has no good stable release: sites are offered nothing and new installs have no latest package`,
  };
}

/**
 * A plan's releases as published (releases.json's entries) and its offer index, made once per
 * plan: every rule and preview line of a review asks the same plan again.
 */
const publishedViews = new WeakMap<PluginPlan, { releases: PublishedRelease[]; index: OfferIndexDocument }>();

function publishedView(plugin: PluginPlan): { releases: PublishedRelease[]; index: OfferIndexDocument } {
  let view = publishedViews.get(plugin);
  if (!view) {
    const document = renderReleases(plugin, new Map());
    view = { releases: document.releases, index: offerIndexOf(document) };
    publishedViews.set(plugin, view);
  }
  return view;
}

/**
 * The Worker's offer decision for a site this release can reach, or null when it reaches
 * none: asked of decideOffer for a site on each published version below it (the nearest
 * first, or none), on either channel, meeting exactly its PHP and WordPress requirements, at
 * both ends of any rollout. A release below the latest stable still reaches the sites the
 * newer ones leave out (by requirements or rollout).
 */
function offerReaching(plugin: PluginPlan, release: ReleasePlan): OfferDecision | null {
  const { releases, index } = publishedView(plugin);
  const published = releases.find((candidate) => candidate.version === release.version);
  if (!published) return null;
  const below = releases
    .map((candidate) => candidate.version)
    .filter((version) => semver.lt(version, release.version))
    .concat("0.0.0");
  for (const channel of CHANNELS) {
    for (const currentVersion of below) {
      for (const bucket of [0, ROLLOUT.buckets - 1]) {
        const decision = decideOffer(index, {
          currentVersion,
          channel,
          phpVersion: published.requires_php,
          wpVersion: published.requires_wp,
          bucketFor: () => bucket,
        });
        if (decision.offered?.version === release.version) return decision;
      }
    }
  }
  return null;
}

/** What decides who is offered a release, besides its status, as the preview names it. */
const OFFER_FIELDS = ["rollout", "requires_php", "requires_wp", "force_update"] as const;

/**
 * A release whose status stays but whose rollout, requirements, forcing or rollout guard
 * changed: say what changed and, by the offer decision, how many of every 100 sites right
 * below it are offered it before and after (a site meeting the release's requirements, at
 * every rollout bucket); for a guard, what it now halts the release on.
 */
function reviewOfferChange(plugin: PluginReview, old: ReleasePlan, release: ReleasePlan): void {
  if (!release.channel) return;
  const changed = OFFER_FIELDS.filter((field) => old.definition[field] !== release.definition[field]);
  const oldGuard = offerGuardOf(plugin.before, old);
  const newGuard = offerGuardOf(plugin.after, release);
  const guardChanged = describeGuardBriefly(oldGuard) !== describeGuardBriefly(newGuard);
  if (changed.length === 0 && !guardChanged) return;
  const what = changed.map(
    (field) => `${field} ${old.definition[field] ?? "default"} → ${release.definition[field] ?? "default"}`,
  );
  const effects: string[] = [];
  if (changed.length > 0) {
    const was = sitesOffered(plugin.before, old);
    const now = sitesOffered(plugin.after, release);
    effects.push(
      was === now
        ? `still offered to ${now} of every 100 sites below it`
        : `offered to ${now} of every 100 sites below it (was ${was})${now < was ? `: ${was - now} no longer are` : ""}`,
    );
  }
  const oldRollout = old.definition.rollout ?? ROLLOUT.buckets;
  if (!haltHolds(oldRollout, release.definition.rollout ?? ROLLOUT.buckets)) {
    // The Worker's rule: a halt (or a resume's pause of the guard) holds until the rollout is raised.
    effects.push(
      `a halt made at ${oldRollout}% no longer holds${newGuard ? `, and a guard resumed at ${oldRollout}% judges again` : ""}`,
    );
  }
  if (guardChanged) {
    what.push(`guard ${describeGuardBriefly(oldGuard)} → ${describeGuardBriefly(newGuard)}`);
    effects.push(newGuard ? describeGuard(newGuard) : "no guard watches its rollout any more");
  }
  plugin.lines.push(`${release.version}: ${what.join(", ")}: ${effects.join("; ")}`);
}

/** A release's rollout guard with its baseline, as the plan's offer index carries it; null without one. */
function offerGuardOf(plugin: PluginPlan | null, release: ReleasePlan): OfferGuard | null {
  const guard = release.definition.guard;
  if (!plugin || !guard) return null;
  const { releases } = publishedView(plugin);
  const published = releases.find((candidate) => candidate.version === release.version);
  return { ...guard, baseline: published ? guardBaseline(releases, published) : null };
}

/** A guard in a list of changed fields: "5 points over 1.1.0 from 20 sites", or "none". */
function describeGuardBriefly(guard: OfferGuard | null): string {
  if (!guard) return "none";
  const over =
    guard.baseline === null
      ? `${guard.max_error_rise_points}%`
      : `${guard.max_error_rise_points} points over ${guard.baseline}`;
  return `${over} from ${guard.min_sites} site${guard.min_sites === 1 ? "" : "s"}`;
}

/** What a guard halts the release on, as a vendor reads it (judgeGuard's rule). */
function describeGuard(guard: OfferGuard): string {
  const sites = guard.min_sites === 1 ? "once 1 site on it reports" : `once ${guard.min_sites} sites on it report`;
  return guard.baseline === null
    ? `it halts itself if its error share exceeds ${guard.max_error_rise_points}% ${sites} (no earlier release to compare with)`
    : `it halts itself if its error share exceeds ${guard.baseline}'s by more than ${guard.max_error_rise_points} points ${sites}`;
}

/** Of 100 sites just below the release (one per rollout bucket) meeting its requirements, how many are offered it. */
function sitesOffered(plugin: PluginPlan | null, release: ReleasePlan): number {
  if (!plugin || !release.channel) return 0;
  const { releases, index } = publishedView(plugin);
  const published = releases.find((candidate) => candidate.version === release.version);
  if (!published) return 0;
  const below = releases.map((candidate) => candidate.version).filter((version) => semver.lt(version, release.version));
  const currentVersion = below.sort(semver.rcompare)[0] ?? "0.0.0";
  let offered = 0;
  for (let bucket = 0; bucket < ROLLOUT.buckets; bucket++) {
    const decision = decideOffer(index, {
      currentVersion,
      channel: release.channel,
      phpVersion: published.requires_php,
      wpVersion: published.requires_wp,
      bucketFor: () => bucket,
    });
    if (decision.offered?.version === release.version) offered += 1;
  }
  return offered;
}

/**
 * Whether Geeklog's client is offered this release (the Worker's decideGeeklogOffer), asked
 * for a site on the version it applies to: for a patch with the update count just below it,
 * for an upgrade with every patch of that version installed.
 */
function geeklogOfferReaching(plugin: PluginPlan, release: ReleasePlan): boolean {
  const index = renderGeeklogIndex([plugin]);
  const item = index?.items.find((candidate) => candidate.version === release.version);
  const entry = index?.listing.find((candidate) => candidate.geeklog_version === item?.from);
  if (!index || !item || !entry) return false;
  const patchesBelow = index.items
    .filter((other) => other.kind === "patch" && other.from === item.from && (other.update ?? 0) < (item.update ?? 0))
    .map((other) => other.update ?? 0);
  const updateCount = item.kind === "patch" ? Math.max(0, ...patchesBelow) : Number.MAX_SAFE_INTEGER;
  const offer = decideGeeklogOffer(index, [{ id: entry.id, version: item.from, updateCount }]);
  return offer?.item.version === release.version;
}

/** Who among Geeklog sites is offered a new Geeklog release, and how. */
function describeGeeklogRelease(plugin: PluginPlan, release: ReleasePlan): string {
  const geeklog = release.geeklog;
  const head = `${release.version} (${release.status})`;
  if (!geeklog) return head;
  if (release.channel !== "stable") return `${head}: Geeklog sites are not offered beta releases`;
  if (!geeklog.from) return `${head}: the first version: Geeklog sites install it by hand, none is offered it`;
  if (!geeklogOfferReaching(plugin, release))
    return `${head}: no Geeklog site is offered it: another update of ${geeklog.from} comes first`;
  return geeklog.kind === "patch"
    ? `${head}: Geeklog sites on ${geeklog.from} with an update count below ${geeklog.update} will be offered this patch (one click; their update count becomes ${geeklog.update})`
    : `${head}: Geeklog sites on ${geeklog.from} will be offered this upgrade to ${geeklog.geeklogVersion} (one click)`;
}

function describeNewRelease(plugin: PluginPlan, release: ReleasePlan): string {
  const { definition } = release;
  if (!plugin.active) return `${release.version} (${release.status}): not offered while the plugin is inactive`;
  if (release.status === "deprecated") return `${release.version} is added as deprecated: never offered`;
  if (release.geeklog) return describeGeeklogRelease(plugin, release);
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
  const guard = offerGuardOf(plugin, release);
  const guarded = guard ? `; ${describeGuard(guard)}` : "";
  const php =
    definition.requires_php && definition.requires_php !== plugin.definition.requires_php
      ? `; it needs PHP ${definition.requires_php}, so older sites keep what they have`
      : "";
  return `${release.version} (${release.status}): ${below} ${how}${rollout}${guarded}${php}`;
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

/**
 * Which built releases of a change's plan (the predicate is asked about each) may have a
 * package the change altered, given the base it is compared with: every release of a plugin whose plugin.yaml differs (exclude, main_file,
 * api_base, the updater's inputs: any field), every release added or whose YAML differs, and
 * every release that pins no commit (the working tree is not in the base's history). The
 * rest pin the same commit with the same inputs as in the base, where they were checked when
 * they were added: `check --base` checks those above only, `validate` checks every release.
 */
export function touchedReleases(base: BuildPlan): (plugin: PluginPlan, release: ReleasePlan) => boolean {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const baseReleases = new Map(
    base.plugins.map((plugin) => [plugin.slug, new Map(plugin.releases.map((release) => [release.version, release]))]),
  );
  return (plugin, release) => {
    const before = base.plugins.find((candidate) => candidate.slug === plugin.slug);
    if (!before || !same(before.definition, plugin.definition)) return true;
    if (release.source.kind !== "git") return true;
    const old = baseReleases.get(plugin.slug)?.get(release.version);
    return !old || !same(old.definition, release.definition);
  };
}
