/**
 * The rollout guard on the Worker's side (scripts/contract/rollout-guard.ts). The offer index
 * says each release's published rollout and guard; the plugin's history Durable Object
 * (history.ts) keeps the halts and resumes and judges the guards. Here: what the index says,
 * in the shapes the Durable Object takes, the 409 a halted package answers, and the rollout
 * action (GET: the versions held back; POST with the admin token: halt or resume by hand).
 */
import semver from "semver";
import {
  normaliseVersion,
  type OfferIndexDocument,
  ROLLOUT,
  ROLLOUT_ACTIONS,
  ROLLOUT_REASON_MAX,
  type RolloutAction,
  type RolloutChangeAnswer,
  type RolloutEvent,
  type RolloutHoldsDocument,
  type RolloutStatus,
} from "../../scripts/contract/index.ts";
import { type Fields, readBody, stringField } from "./body.ts";
import type { DownloadCounter } from "./downloads.ts";
import { ApiError, badRequest, notFound } from "./errors.ts";
import { channelOfVersion, type GuardedRelease, type PublishedRollout, type RolloutRelease } from "./history.ts";
import { historyOf } from "./history-hooks.ts";
import type { LoadedPlugin } from "./releases.ts";

interface RolloutEnv {
  DOWNLOAD_COUNTER: DurableObjectNamespace<DownloadCounter>;
}

interface RolloutFacts {
  /** Every published release (packages and candidates), newest first. */
  releases: RolloutRelease[];
  byVersion: Map<string, RolloutRelease>;
  /** The releases with a guard: what each report asks the history to judge. */
  guarded: GuardedRelease[];
}

/** Made once per parsed index (the index is parsed once per isolate and minute). */
const factsByIndex = new WeakMap<OfferIndexDocument, RolloutFacts>();

function rolloutFactsOf(index: OfferIndexDocument): RolloutFacts {
  let facts = factsByIndex.get(index);
  if (facts) return facts;
  const byVersion = new Map<string, RolloutRelease>();
  // A stable release is a candidate of both channels; a beta one of the beta channel only.
  for (const channel of ["stable", "beta"] as const) {
    for (const candidate of index.channels[channel]) {
      if (byVersion.has(candidate.version)) continue;
      byVersion.set(candidate.version, {
        version: candidate.version,
        channel,
        rollout: candidate.rollout,
        guard: candidate.guard ?? null,
      });
    }
  }
  // A package no channel offers (superseded, or an old one kept for download) reaches no one
  // through an offer: rolled out to all as far as a halt is concerned.
  for (const entry of index.packages) {
    if (byVersion.has(entry.version)) continue;
    byVersion.set(entry.version, {
      version: entry.version,
      channel: channelOfVersion(entry.version),
      rollout: ROLLOUT.buckets,
      guard: null,
    });
  }
  const releases = [...byVersion.values()].sort((a, b) => semver.rcompare(a.version, b.version));
  facts = {
    releases,
    byVersion,
    guarded: releases.flatMap((release) => (release.guard ? [{ ...release, guard: release.guard }] : [])),
  };
  factsByIndex.set(index, facts);
  return facts;
}

/** The releases whose guard each report has judged. */
export function guardedReleasesOf(index: OfferIndexDocument): GuardedRelease[] {
  return rolloutFactsOf(index).guarded;
}

/** Every published release with its rollout, channel and guard (what /stats/ lists from). */
export function rolloutReleasesOf(index: OfferIndexDocument): RolloutRelease[] {
  return rolloutFactsOf(index).releases;
}

/** A published release's rollout, as a halt is judged by; null when the version is not published. */
export function publishedRolloutOf(index: OfferIndexDocument, version: string): RolloutRelease | null {
  return rolloutFactsOf(index).byVersion.get(version) ?? null;
}

/** The rollouts of some published releases, for the history's gate and holds. */
export function publishedRollouts(index: OfferIndexDocument, versions: readonly string[]): PublishedRollout[] {
  return versions.map((version) => {
    const release = publishedRolloutOf(index, version);
    return { version, rollout: release?.rollout ?? ROLLOUT.buckets };
  });
}

/**
 * How long an isolate answers from the halts it last read. A halt reaches every check-update,
 * Geeklog check and holds list within this time (at once in the isolate that made it); the
 * package routes ask the plugin's history on every request, so a package is refused at once.
 * Without it every check-update that offers something waits for the one Durable Object of the
 * plugin (wherever it runs): halved throughput on a local `wrangler dev` (README, Rollout guard).
 */
export const HOLDS_CACHE_MS = 30_000;

/** The published releases whose rollout is halted, per parsed index (so a new index asks again). */
const holdsByIndex = new WeakMap<OfferIndexDocument, { held: string[]; readAt: number }>();

/** Every published release whose rollout is halted now, newest first (one call to the history at most every HOLDS_CACHE_MS). */
async function heldReleases(env: RolloutEnv, plugin: LoadedPlugin): Promise<string[]> {
  const cached = holdsByIndex.get(plugin.index);
  const now = Date.now();
  if (cached && now - cached.readAt < HOLDS_CACHE_MS) return cached.held;
  const held = await readHeldReleases(env, plugin.index);
  holdsByIndex.set(plugin.index, { held, readAt: now });
  return held;
}

/** Every published release whose rollout is halted now, newest first, asked of the plugin's history now. */
export function readHeldReleases(env: RolloutEnv, index: OfferIndexDocument): Promise<string[]> {
  return historyOf(env, index.slug).heldVersions(
    rolloutReleasesOf(index).map(({ version, rollout }) => ({ version, rollout })),
  );
}

/** After this isolate halted or resumed a release (by hand or by a guard): read the halts again. */
export function forgetHolds(plugin: LoadedPlugin): void {
  holdsByIndex.delete(plugin.index);
}

/** The published releases whose rollout is halted now, as a set (see HOLDS_CACHE_MS). */
export async function heldVersions(env: RolloutEnv, plugin: LoadedPlugin): Promise<ReadonlySet<string>> {
  return new Set(await heldReleases(env, plugin));
}

/**
 * The version the download request says the site runs (?installed=, INSTALLED_VERSION_PARAM):
 * a site on a halted release may still download it again. Read leniently: anything that is not
 * a version is no version (it only ever lets a request through, never refuses one).
 */
export function installedVersionOf(url: URL, param: string): string | null {
  const text = url.searchParams.get(param);
  return text === null || text.length > 64 ? null : normaliseVersion(text);
}

/** 409 rollout_halted: the package of a halted release, asked for by a site not on it. */
export function haltedError(slug: string, halt: RolloutEvent): ApiError {
  const why = halt.reason ? `: ${halt.reason}` : "";
  return new ApiError(
    409,
    "rollout_halted",
    `the rollout of ${halt.version} of "${slug}" is halted (since ${halt.at}, by ${halt.by === "guard" ? "its rollout guard" : "hand"}${why}); its package goes only to sites already on it`,
  );
}

/** GET /api/plugins/<slug>/rollout/: the versions held back now, newest first. */
export async function answerRolloutHolds(env: RolloutEnv, plugin: LoadedPlugin): Promise<RolloutHoldsDocument> {
  return { slug: plugin.slug, held: await heldReleases(env, plugin) };
}

const REQUEST_FIELDS = ["action", "version", "reason"] as const;
const ACTION_PATTERN = new RegExp(`^(${ROLLOUT_ACTIONS.join("|")})$`);
// One line of text: it is printed in tables and on the dashboard.
const CONTROL_CHARACTER = /\p{Cc}/u;

/** A RolloutRequestBody, every mistake a 400 that names the field. */
function readRolloutRequest(body: Fields): { action: RolloutAction; version: string; reason: string } {
  for (const name of body.keys()) {
    if (!(REQUEST_FIELDS as readonly string[]).includes(name))
      throw badRequest(`unknown field "${name.slice(0, 40)}": expected ${REQUEST_FIELDS.join(", ")}`, "invalid_field");
  }
  const action = stringField(body, "action", { required: true, max: 16 }) ?? "";
  if (!ACTION_PATTERN.test(action))
    throw badRequest(`action: "${action}" is not one of ${ROLLOUT_ACTIONS.join(", ")}`, "invalid_field");
  const versionText = stringField(body, "version", { required: true, max: 64 }) ?? "";
  const version = normaliseVersion(versionText);
  if (!version) throw badRequest(`version: "${versionText.slice(0, 40)}" is not a version`, "invalid_version");
  const reasonValue = body.get("reason");
  if (reasonValue !== undefined && reasonValue !== null && typeof reasonValue !== "string")
    throw badRequest(
      `reason: expected a string, found ${Array.isArray(reasonValue) ? "a list" : typeof reasonValue}`,
      "invalid_field",
    );
  const reason = (reasonValue ?? "").trim();
  if (reason.length > ROLLOUT_REASON_MAX)
    throw badRequest(`reason: ${reason.length} characters, at most ${ROLLOUT_REASON_MAX}`, "invalid_field");
  if (CONTROL_CHARACTER.test(reason))
    throw badRequest("reason: one line of text, without control characters", "invalid_field");
  return { action: action as RolloutAction, version, reason };
}

/** POST /api/plugins/<slug>/rollout/ (the caller has checked the admin token): halt or resume by hand. */
export async function changeRolloutByHand(
  env: RolloutEnv,
  plugin: LoadedPlugin,
  request: Request,
  now: Date,
): Promise<RolloutChangeAnswer> {
  const change = readRolloutRequest(await readBody(request));
  const release = plugin.packageOf(change.version) ? publishedRolloutOf(plugin.index, change.version) : null;
  if (!release)
    throw notFound(
      `no published package ${change.version} of "${plugin.slug}": only a published release can be halted or resumed`,
      "no_release",
    );
  const { changed, status } = await historyOf(env, plugin.slug).changeRollout(change, release, now.toISOString());
  if (changed) forgetHolds(plugin);
  return { slug: plugin.slug, ...status, changed, message: describeChange(change.action, changed, status) };
}

function describeChange(action: RolloutAction, changed: boolean, status: RolloutStatus): string {
  const { version, rollout } = status;
  if (action === "halt" && changed)
    return `${version} halted: check-update offers it to no site, and its package goes only to sites already on it; resume it with feedwright rollout resume, or raise its rollout above ${rollout}% in a pull request`;
  if (action === "halt") {
    const halt = status.halt;
    return `${version} was already halted${halt ? ` (since ${halt.at}, by ${halt.by}${halt.reason ? `: ${halt.reason}` : ""})` : ""}; nothing changed`;
  }
  if (changed)
    return `${version} resumed: offered again to its ${rollout}% rollout${
      status.guard ? `; its guard stays disarmed until the rollout is raised above ${rollout}%` : ""
    }`;
  return `${version} is not halted (${status.state}); nothing changed`;
}
