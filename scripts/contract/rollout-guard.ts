/**
 * The rollout guard: a release rolled out to part of the sites (`rollout` below 100) may
 * declare, in its YAML, how much worse than the release before it it may do before it stops
 * reaching more sites. The build carries the guard (with the version it is compared with) in
 * the offer index; the Worker judges it on every health report with judgeGuard and, when it
 * trips, halts the release: no site not already on it is offered it (decideOffer's `held`) or
 * served its package. `feedwright rollout halt|resume` does the same by hand.
 *
 * A halt lives in the Worker's storage only: it never touches git or the signed feed. It holds
 * while the published rollout of the release is not raised above the rollout it was halted at
 * (haltHolds), so raising `rollout` in a pull request is a way forward as well as `resume`.
 * A resume disarms the guard the same way: until the rollout is raised, the figures that
 * tripped it do not trip it again.
 */
import type { Channel } from "./enums.ts";

/** What a release's YAML declares under `guard:`. */
export interface RolloutGuard {
  /**
   * Percentage points the error share among the sites on the release may exceed the share
   * among the sites on its baseline by; more trips the guard.
   */
  max_error_rise_points: number;
  /** The guard judges only once at least this many sites on the release have reported. */
  min_sites: number;
}

/** A guard as the offer index carries it: with the version it is compared with. */
export interface OfferGuard extends RolloutGuard {
  /**
   * The release before it that sites of its channel could be on (the newest older offered
   * release its channel sees); null when there is none, and the baseline share is then 0.
   */
  baseline: string | null;
}

/** Sites reporting (their latest health report) on the release and on its baseline. */
export interface GuardFigures {
  sites: number;
  errors: number;
  baseline_sites: number;
  baseline_errors: number;
}

export interface GuardJudgement {
  /** Fewer than min_sites sites on the release have reported: no verdict yet. */
  waiting: boolean;
  tripped: boolean;
  /** Error shares in percent, to one decimal (for people; the verdict uses exact integers). */
  share: number;
  baseline_share: number;
  /** One line a vendor reads: the figures and the verdict. */
  summary: string;
}

function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part * 1000) / whole) / 10;
}

/**
 * The verdict of a guard on its figures. Trips when errors/sites − baseline_errors/baseline_sites
 * exceeds max_error_rise_points/100, compared exactly (cross-multiplied, no floating point).
 */
export function judgeGuard(version: string, guard: OfferGuard, figures: GuardFigures): GuardJudgement {
  const share = percent(figures.errors, figures.sites);
  const baselineShare = percent(figures.baseline_errors, figures.baseline_sites);
  const baselineText =
    guard.baseline === null
      ? "no earlier release to compare with (0%)"
      : `${guard.baseline}: ${baselineShare}% (${figures.baseline_errors} of ${figures.baseline_sites} sites)`;
  const onRelease = `${version}: error share ${share}% (${figures.errors} of ${figures.sites} sites)`;
  if (figures.sites < guard.min_sites) {
    return {
      waiting: true,
      tripped: false,
      share,
      baseline_share: baselineShare,
      summary: `${onRelease}; waiting for ${guard.min_sites} sites to report`,
    };
  }
  const baselineSites = figures.baseline_sites === 0 ? 1 : figures.baseline_sites;
  const baselineErrors = figures.baseline_sites === 0 ? 0 : figures.baseline_errors;
  // errors/sites − baselineErrors/baselineSites > points/100, times 100·sites·baselineSites.
  const rise = 100 * (figures.errors * baselineSites - baselineErrors * figures.sites);
  const tripped = rise > guard.max_error_rise_points * figures.sites * baselineSites;
  return {
    waiting: false,
    tripped,
    share,
    baseline_share: baselineShare,
    summary: `${onRelease} against ${baselineText}: ${
      tripped ? "more than" : "within"
    } the ${guard.max_error_rise_points} points the guard allows`,
  };
}

/** Who stopped (or restarted) a rollout. */
export const ROLLOUT_ACTORS = ["guard", "manual"] as const;
export type RolloutActor = (typeof ROLLOUT_ACTORS)[number];

/** What `POST /api/plugins/<slug>/rollout/` (admin token) asks for. */
export const ROLLOUT_ACTIONS = ["halt", "resume"] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

/** One halt or resume, as the Worker keeps it. */
export interface RolloutEvent {
  at: string;
  version: string;
  action: RolloutAction;
  by: RolloutActor;
  /** Why: the guard's summary, or what the person gave with --reason. */
  reason: string;
  /** The release's published rollout at the time: the event holds until it is raised above this. */
  rollout: number;
  /** The guard's figures at the time, when there was a guard. */
  figures: GuardFigures | null;
}

/** Whether a halt (or a resume's disarming) made at `eventRollout` percent still holds at the published rollout. */
export function haltHolds(eventRollout: number, publishedRollout: number): boolean {
  return publishedRollout <= eventRollout;
}

/** Where a release's rollout stands, as /stats/ (`rollouts`) and the admin answer give it. */
export interface RolloutStatus {
  version: string;
  channel: Channel;
  rollout: number;
  guard: OfferGuard | null;
  /**
   * rolling: offered to its rollout; halted: held back from every site not on it;
   * resumed: a person resumed it after a halt, and the guard is disarmed until the rollout is raised.
   */
  state: "rolling" | "halted" | "resumed";
  /** The guard's figures now (zeros without a guard's baseline). */
  figures: GuardFigures;
  judgement: GuardJudgement | null;
  /** The halt in force, when halted. */
  halt: RolloutEvent | null;
  /** This release's halts and resumes, newest first (at most ROLLOUT_EVENT_LIMIT). */
  events: RolloutEvent[];
}

export const ROLLOUT_EVENT_LIMIT = 20;

/**
 * `GET /api/plugins/<slug>/rollout/` (public): the versions held back now. What the updater
 * inside the plugin (from version 4) asks before it offers a release; it can only ever hold an
 * offer back, never add one, so it needs no signature.
 */
export interface RolloutHoldsDocument {
  slug: string;
  held: string[];
}

/** The body of `POST /api/plugins/<slug>/rollout/`. */
export interface RolloutRequestBody {
  action: RolloutAction;
  version: string;
  reason?: string;
}

/**
 * The answer to `POST /api/plugins/<slug>/rollout/`: where the release's rollout stands after
 * the request. Halting a halted release or resuming one that is not halted changes nothing and
 * says so (`changed: false`), so running the same command twice is harmless.
 */
export interface RolloutChangeAnswer extends RolloutStatus {
  slug: string;
  changed: boolean;
  /** One line for a person: what happened, or why nothing did. */
  message: string;
}

/** A reason given by hand is kept up to this many characters. */
export const ROLLOUT_REASON_MAX = 500;

/**
 * The download request's parameter with the version the site runs (the updater, from version
 * 4): a site already on a halted release may still download it again (a repair).
 */
export const INSTALLED_VERSION_PARAM = "installed";
