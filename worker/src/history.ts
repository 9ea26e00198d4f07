/**
 * Release health history: one SQLite Durable Object per plugin (the download counter's, so the
 * download counts it already held carry on) keeps, with exact increments:
 *
 * - every site's current figures (version, health, WordPress and PHP version, last day seen),
 *   so a report moves the aggregate counts from what the site said before to what it says now;
 * - the aggregate counts now (`current`) and at the end of each day (`daily`): installations,
 *   by version, by health, health by version, by WordPress and PHP version (major.minor, so
 *   their number stays small), and the day's new registrations;
 * - downloads per day, version and kind, their totals, and one record per download (time,
 *   version, kind, user agent, the address truncated to its /24 or /48).
 *
 * - the rollout guard's halts and resumes (scripts/contract/rollout-guard.ts), per release:
 *   judged from the counts now on every report, in the same transaction that records it.
 *
 * Aggregates are per day, never per site, so a year of history is a few hundred rows a day
 * whatever the number of sites. Retention: daily figures DAILY_FIGURE_DAYS days, download
 * records DOWNLOAD_RECORD_DAYS days and at most DOWNLOAD_RECORD_LIMIT of them; pruned when a
 * day opens (the first call of a new day). Rollout events: the newest ROLLOUT_EVENT_LIMIT per
 * release (only the newest decides whether a halt holds).
 */
import { DurableObject } from "cloudflare:workers";
import semver from "semver";
import {
  type Channel,
  type Counts,
  type DayFigures,
  type DownloadKind,
  type DownloadRecord,
  type Figures,
  type FreshFigures,
  type GuardFigures,
  haltHolds,
  judgeGuard,
  type OfferGuard,
  ROLLOUT,
  ROLLOUT_EVENT_LIMIT,
  type RolloutAction,
  type RolloutActor,
  type RolloutEvent,
  type RolloutStatus,
} from "../../scripts/contract/index.ts";
import type { Health } from "./installations.ts";

/** Daily figures (and downloads per day) are kept this long: a year and a month. */
export const DAILY_FIGURE_DAYS = 400;
/** Per-download records are kept this long, and no more than DOWNLOAD_RECORD_LIMIT of them. */
export const DOWNLOAD_RECORD_DAYS = 90;
export const DOWNLOAD_RECORD_LIMIT = 1_000_000;
/** The longest span one `?from=&to=` answer covers. */
export const HISTORY_MAX_DAYS = 366;
/** How many of the newest per-download records the fresh figures list. */
export const RECENT_DOWNLOADS = 50;
/** A user agent is stored up to this length. */
const USER_AGENT_MAX = 200;

export const HEALTHS: readonly Health[] = ["healthy", "outdated", "error"];

/** What a site's report leaves as its figures (from the installation record just written). */
export interface SiteFigureReport {
  siteId: string;
  version: string;
  health: Health;
  wpVersion: string | null;
  phpVersion: string | null;
  /** The day the installation was first registered (YYYY-MM-DD). */
  registered: string;
}

export interface DownloadEvent {
  /** ISO time */
  at: string;
  version: string;
  kind: DownloadKind;
  userAgent: string | null;
  /** Already truncated (truncateAddress). */
  address: string | null;
}

export type { Counts, DayFigures, DownloadRecord, Figures, FreshFigures } from "../../scripts/contract/index.ts";

/** A release's rollout as published now (the offer index), which decides whether a halt still holds. */
export interface PublishedRollout {
  version: string;
  rollout: number;
}

/** A release the Worker asks the guard to judge: its guard, with the baseline it is compared with. */
export interface GuardedRelease extends PublishedRollout {
  guard: OfferGuard;
}

/** A published release as /stats/ lists its rollout. */
export interface RolloutRelease extends PublishedRollout {
  channel: Channel;
  guard: OfferGuard | null;
}

/** A halt or resume asked for by hand (POST /api/plugins/<slug>/rollout/). */
export interface RolloutChange {
  action: RolloutAction;
  version: string;
  reason: string;
}

/** Which package a request is served (version), or the halt that refuses it. */
export type DownloadGate = { version: string; halt: null } | { version: null; halt: RolloutEvent };

type EventRow = {
  at: string;
  version: string;
  action: string;
  actor: string;
  reason: string;
  rollout: number;
  sites: number | null;
  errors: number | null;
  baseline_sites: number | null;
  baseline_errors: number | null;
};

function eventOf(row: EventRow): RolloutEvent {
  return {
    at: row.at,
    version: row.version,
    action: row.action as RolloutAction,
    by: row.actor as RolloutActor,
    reason: row.reason,
    rollout: row.rollout,
    figures:
      row.sites === null
        ? null
        : {
            sites: row.sites,
            errors: row.errors ?? 0,
            baseline_sites: row.baseline_sites ?? 0,
            baseline_errors: row.baseline_errors ?? 0,
          },
  };
}

/** The channel of a release the offer index does not place in one (a package no channel offers, or one no longer published): a prerelease is a beta. */
export function channelOfVersion(version: string): Channel {
  return semver.valid(version) && semver.prerelease(version) ? "beta" : "stable";
}

/** The retention the answers state, so a reader knows how far back to ask. */
export const RETENTION = {
  daily_figures_days: DAILY_FIGURE_DAYS,
  download_records_days: DOWNLOAD_RECORD_DAYS,
  download_records_max: DOWNLOAD_RECORD_LIMIT,
  history_max_days: HISTORY_MAX_DAYS,
} as const;

const DAY_MS = 86_400_000;
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** WordPress and PHP versions are counted by major.minor: "8.3.14" and "8.3.2" are both "8.3". */
export function minorOf(version: string | null): string {
  if (!version) return "unknown";
  const match = /^v?(\d{1,9})(?:\.(\d{1,9}))?/.exec(version);
  return match ? `${match[1]}.${match[2] ?? "0"}` : "unknown";
}

/**
 * The address kept with a download: IPv4 to its /24 (the last octet 0), IPv6 to its /48 (the
 * first three groups, then ::), so a record never names one machine. Anything else: null.
 */
export function truncateAddress(address: string | null): string | null {
  if (!address) return null;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (v4) return `${v4[1]}.${v4[2]}.${v4[3]}.0/24`;
  if (!/^[0-9a-fA-F:.]{2,45}$/.test(address) || !address.includes(":")) return null;
  const [head = "", tail] = address.split("::");
  if (address.split("::").length > 2) return null;
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  // An IPv4 tail (::ffff:1.2.3.4) is two groups' worth.
  const width = (groups: string[]) => groups.reduce((sum, group) => sum + (group.includes(".") ? 2 : 1), 0);
  const missing = 8 - width(headGroups) - width(tailGroups);
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...headGroups, ...Array(tail === undefined ? 0 : missing).fill("0"), ...tailGroups];
  const first = groups.slice(0, 3);
  if (first.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return null;
  return `${first.map((group) => Number.parseInt(group, 16).toString(16)).join(":")}::/48`;
}

export function truncateUserAgent(userAgent: string | null): string | null {
  return userAgent ? userAgent.slice(0, USER_AGENT_MAX) : null;
}

type Dim = "installations" | "version" | "health" | "version_health" | "wp" | "php";
type Cells = [Dim, string][];

type SiteRow = {
  site_id: string;
  version: string;
  health: string;
  wp: string;
  php: string;
  seen: string;
};

/** The aggregate cells a site counts in: one per figure. */
function cellsOf(site: { version: string; health: string; wp: string; php: string }): Cells {
  return [
    ["installations", ""],
    ["version", site.version],
    ["health", site.health],
    ["version_health", `${site.version} ${site.health}`],
    ["wp", site.wp],
    ["php", site.php],
  ];
}

class Tally {
  readonly #counts = new Map<string, number>();
  constructor(start: readonly string[] = []) {
    for (const name of start) this.#counts.set(name, 0);
  }
  bump(name: string, by: number): void {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + by);
  }
  toJSON(): Counts {
    return Object.fromEntries(this.#counts);
  }
}

/** Nested counts (version → health, version → kind), own properties only. */
class Table {
  readonly #rows = new Map<string, Tally>();
  readonly #columns: readonly string[];
  constructor(columns: readonly string[]) {
    this.#columns = columns;
  }
  bump(row: string, column: string, by: number): void {
    let tally = this.#rows.get(row);
    if (!tally) {
      tally = new Tally(this.#columns);
      this.#rows.set(row, tally);
    }
    tally.bump(column, by);
  }
  toJSON(): Record<string, Counts> {
    return Object.fromEntries([...this.#rows].map(([row, tally]) => [row, tally.toJSON()]));
  }
}

const KINDS: readonly DownloadKind[] = ["auto_update", "manual"];

/** Figures from (dim, key, value) rows. */
function figuresOf(rows: Iterable<{ dim: string; key: string; value: number }>): Figures {
  let installations = 0;
  const versions = new Tally();
  const health = new Tally(HEALTHS);
  const healthByVersion = new Table(HEALTHS);
  const wp = new Tally();
  const php = new Tally();
  for (const { dim, key, value } of rows) {
    if (value === 0) continue;
    if (dim === "installations") installations += value;
    else if (dim === "version") versions.bump(key, value);
    else if (dim === "health") health.bump(key, value);
    else if (dim === "wp") wp.bump(key, value);
    else if (dim === "php") php.bump(key, value);
    else if (dim === "version_health") {
      const space = key.lastIndexOf(" ");
      healthByVersion.bump(key.slice(0, space), key.slice(space + 1), value);
    }
  }
  return {
    installations,
    versions: versions.toJSON(),
    health: health.toJSON(),
    health_by_version: healthByVersion.toJSON(),
    wp_versions: wp.toJSON(),
    php_versions: php.toJSON(),
  };
}

function downloadsOf(rows: Iterable<{ version: string; kind: string; count: number }>) {
  let total = 0;
  const byKind = new Tally(KINDS);
  const byVersion = new Tally();
  const byVersionAndKind = new Table(KINDS);
  for (const { version, kind, count } of rows) {
    total += count;
    byKind.bump(kind, count);
    byVersion.bump(version, count);
    byVersionAndKind.bump(version, kind, count);
  }
  return {
    total,
    by_kind: byKind.toJSON(),
    by_version: byVersion.toJSON(),
    by_version_and_kind: byVersionAndKind.toJSON(),
  };
}

export class PluginHistory extends DurableObject<Record<string, never>> {
  constructor(ctx: DurableObjectState, env: Record<string, never>) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(
      "CREATE TABLE IF NOT EXISTS downloads (version TEXT NOT NULL, day TEXT NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (version, day, kind))",
    );
    const hadTotals = sql.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'download_totals'");
    if (hadTotals.toArray().length === 0) {
      sql.exec(
        "CREATE TABLE download_totals (version TEXT NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (version, kind))",
      );
      // Counts from before the history existed become the starting totals.
      sql.exec(
        "INSERT INTO download_totals (version, kind, count) SELECT version, kind, SUM(count) FROM downloads GROUP BY version, kind",
      );
    }
    sql.exec(
      "CREATE TABLE IF NOT EXISTS download_log (at TEXT NOT NULL, day TEXT NOT NULL, version TEXT NOT NULL, kind TEXT NOT NULL, user_agent TEXT, address TEXT)",
    );
    sql.exec("CREATE INDEX IF NOT EXISTS download_log_day ON download_log (day)");
    sql.exec(
      "CREATE TABLE IF NOT EXISTS sites (site_id TEXT PRIMARY KEY, version TEXT NOT NULL, health TEXT NOT NULL, wp TEXT NOT NULL, php TEXT NOT NULL, seen TEXT NOT NULL)",
    );
    sql.exec("CREATE INDEX IF NOT EXISTS sites_seen ON sites (seen)");
    sql.exec(
      "CREATE TABLE IF NOT EXISTS current (dim TEXT NOT NULL, key TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (dim, key))",
    );
    sql.exec(
      "CREATE TABLE IF NOT EXISTS daily (day TEXT NOT NULL, dim TEXT NOT NULL, key TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (day, dim, key))",
    );
    sql.exec("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
    // Halts and resumes (RolloutEvent); the figures are the guard's at the time, null without a guard.
    sql.exec(
      "CREATE TABLE IF NOT EXISTS rollout_events (id INTEGER PRIMARY KEY AUTOINCREMENT, version TEXT NOT NULL, at TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL, reason TEXT NOT NULL, rollout INTEGER NOT NULL, sites INTEGER, errors INTEGER, baseline_sites INTEGER, baseline_errors INTEGER)",
    );
    sql.exec("CREATE INDEX IF NOT EXISTS rollout_events_version ON rollout_events (version, id)");
  }

  /**
   * One site's report: its figures move from what it said before to what it says now. Then,
   * in the same transaction, each guard of `guarded` (the offer index's guarded releases) is
   * judged on the counts now; one that trips, for a release no halt or resume holds for,
   * halts it. Returns the halts this report made (usually none).
   */
  recordReport(
    report: SiteFigureReport,
    nowIso: string,
    ttlDays: number,
    guarded: readonly GuardedRelease[] = [],
  ): RolloutEvent[] {
    return this.recordJudgedReport(report, null, nowIso, ttlDays, guarded).halts;
  }

  /**
   * The same, for a report whose health the halts decide: unless it is "error", the site is
   * "outdated" while one of `offers` (what check-update would offer it, halts aside, in its
   * order) is not halted after this report's guards are judged, else "healthy". A guard sees
   * only errors and versions, so the site is counted first and corrected in the rare case its
   * own report halts the last release it could take. Returns the health recorded (its
   * installation record keeps the same) and the halts made.
   */
  recordJudgedReport(
    report: SiteFigureReport,
    offers: readonly PublishedRollout[] | null,
    nowIso: string,
    ttlDays: number,
    guarded: readonly GuardedRelease[],
  ): { health: Health; halts: RolloutEvent[] } {
    return this.ctx.storage.transactionSync(() => {
      const healthNow = (): Health =>
        report.health === "error" || offers === null
          ? report.health
          : offers.some((offer) => this.#haltOf(offer) === null)
            ? "outdated"
            : "healthy";
      let health = healthNow();
      this.#recordSite({ ...report, health }, nowIso, ttlDays);
      const halts = this.#judgeGuards(guarded, nowIso);
      if (halts.length > 0 && healthNow() !== health) {
        health = healthNow();
        this.#recordSite({ ...report, health }, nowIso, ttlDays);
      }
      return { health, halts };
    });
  }

  #recordSite(report: SiteFigureReport, nowIso: string, ttlDays: number): void {
    const today = dayOf(new Date(nowIso));
    const day = this.#openDay(today, ttlDays);
    const sql = this.ctx.storage.sql;
    const next = {
      version: report.version,
      health: report.health,
      wp: minorOf(report.wpVersion),
      php: minorOf(report.phpVersion),
    };
    const previous = sql.exec<SiteRow>("SELECT * FROM sites WHERE site_id = ?", report.siteId).toArray()[0];
    if (
      previous &&
      previous.version === next.version &&
      previous.health === next.health &&
      previous.wp === next.wp &&
      previous.php === next.php
    ) {
      if (previous.seen !== day) sql.exec("UPDATE sites SET seen = ? WHERE site_id = ?", day, report.siteId);
      return;
    }
    if (previous) this.#apply(cellsOf(previous), -1, day);
    this.#apply(cellsOf(next), 1, day);
    sql.exec(
      "INSERT INTO sites (site_id, version, health, wp, php, seen) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (site_id) DO UPDATE SET version = excluded.version, health = excluded.health, wp = excluded.wp, php = excluded.php, seen = excluded.seen",
      report.siteId,
      next.version,
      next.health,
      next.wp,
      next.php,
      day,
    );
    // New today by its installation record (first registered today), not merely new here.
    if (!previous && report.registered === today) this.#bumpDaily(day, "registrations", "", 1);
  }

  /** One download: its day's count, the totals, and its own record. */
  recordDownload(event: DownloadEvent, ttlDays: number): void {
    this.ctx.storage.transactionSync(() => this.#recordDownload(event, ttlDays));
  }

  #recordDownload(event: DownloadEvent, ttlDays: number): void {
    const day = this.#openDay(dayOf(new Date(event.at)), ttlDays);
    const sql = this.ctx.storage.sql;
    sql.exec(
      "INSERT INTO downloads (version, day, kind, count) VALUES (?, ?, ?, 1) ON CONFLICT (version, day, kind) DO UPDATE SET count = count + 1",
      event.version,
      day,
      event.kind,
    );
    sql.exec(
      "INSERT INTO download_totals (version, kind, count) VALUES (?, ?, 1) ON CONFLICT (version, kind) DO UPDATE SET count = count + 1",
      event.version,
      event.kind,
    );
    sql.exec(
      "INSERT INTO download_log (at, day, version, kind, user_agent, address) VALUES (?, ?, ?, ?, ?, ?)",
      event.at,
      day,
      event.version,
      event.kind,
      truncateUserAgent(event.userAgent),
      event.address,
    );
  }

  /**
   * A package request, in one call: which of `choices` (newest first: the release asked for,
   * or the stable releases for -latest) it is served, and, when `download` is given (a counted
   * GET), the download counted for it. A release whose halt holds is passed over, unless the
   * request says the site already runs it (`installed`); when every choice is halted, the
   * first one's halt is returned and nothing is counted.
   */
  gateDownload(
    choices: readonly PublishedRollout[],
    installed: string | null,
    download: Omit<DownloadEvent, "version"> | null,
    ttlDays: number,
  ): DownloadGate {
    return this.ctx.storage.transactionSync((): DownloadGate => {
      let firstHalt: RolloutEvent | null = null;
      for (const choice of choices) {
        const halt = choice.version === installed ? null : this.#haltOf(choice);
        if (halt) {
          firstHalt ??= halt;
          continue;
        }
        if (download) this.#recordDownload({ ...download, version: choice.version }, ttlDays);
        return { version: choice.version, halt: null };
      }
      if (!firstHalt) throw new Error("gateDownload needs at least one choice");
      return { version: null, halt: firstHalt };
    });
  }

  /** The versions of `releases` held back now: those whose newest event is a halt that still holds. */
  heldVersions(releases: readonly PublishedRollout[]): string[] {
    return releases.filter((release) => this.#haltOf(release) !== null).map((release) => release.version);
  }

  /**
   * A halt or resume by hand. Halting a halted release, or resuming one that is not halted,
   * records nothing (`changed: false`). Returns the release's status after it.
   */
  changeRollout(
    change: RolloutChange,
    release: RolloutRelease,
    nowIso: string,
  ): { changed: boolean; status: RolloutStatus } {
    return this.ctx.storage.transactionSync(() => {
      const halted = this.#haltOf(release) !== null;
      const changed = change.action === "halt" ? !halted : halted;
      if (changed) {
        this.#addEvent({
          at: nowIso,
          version: release.version,
          action: change.action,
          by: "manual",
          reason: change.reason,
          rollout: release.rollout,
          figures: release.guard ? this.#guardFigures(release.version, release.guard.baseline) : null,
        });
      }
      return { changed, status: this.#statusOf(release) };
    });
  }

  /**
   * Where each release's rollout stands, newest first: every release of `releases` rolled out
   * to part of the sites or guarded, and every release with a halt or resume on record (one no
   * longer published counts as rolled out to all, without a guard).
   */
  rolloutStatuses(releases: readonly RolloutRelease[]): RolloutStatus[] {
    const byVersion = new Map(releases.map((release) => [release.version, release]));
    const listed = new Set(
      releases
        .filter((release) => release.rollout < ROLLOUT.buckets || release.guard !== null)
        .map((release) => release.version),
    );
    for (const { version } of this.ctx.storage.sql.exec<{ version: string }>(
      "SELECT DISTINCT version FROM rollout_events",
    ))
      listed.add(version);
    return [...listed]
      .sort((a, b) => (semver.valid(a) && semver.valid(b) ? semver.rcompare(a, b) : b.localeCompare(a)))
      .map((version) =>
        this.#statusOf(
          byVersion.get(version) ?? {
            version,
            channel: channelOfVersion(version),
            rollout: ROLLOUT.buckets,
            guard: null,
          },
        ),
      );
  }

  #statusOf(release: RolloutRelease): RolloutStatus {
    const events = this.ctx.storage.sql
      .exec<EventRow>(
        "SELECT * FROM rollout_events WHERE version = ? ORDER BY id DESC LIMIT ?",
        release.version,
        ROLLOUT_EVENT_LIMIT,
      )
      .toArray()
      .map(eventOf);
    const newest = events[0];
    const holding = newest !== undefined && haltHolds(newest.rollout, release.rollout) ? newest : null;
    const figures = this.#guardFigures(release.version, release.guard?.baseline ?? null);
    return {
      version: release.version,
      channel: release.channel,
      rollout: release.rollout,
      guard: release.guard,
      state: holding === null ? "rolling" : holding.action === "halt" ? "halted" : "resumed",
      figures,
      judgement: release.guard ? judgeGuard(release.version, release.guard, figures) : null,
      halt: holding?.action === "halt" ? holding : null,
      events,
    };
  }

  /** Judge each guard on the counts now; halt the releases whose guard trips and that nothing holds for. */
  #judgeGuards(guarded: readonly GuardedRelease[], nowIso: string): RolloutEvent[] {
    const halts: RolloutEvent[] = [];
    for (const release of guarded) {
      // A halt holds already, or a resume disarmed the guard until the rollout is raised.
      if (this.#holdingEvent(release)) continue;
      const figures = this.#guardFigures(release.version, release.guard.baseline);
      const judgement = judgeGuard(release.version, release.guard, figures);
      if (!judgement.tripped) continue;
      const halt: RolloutEvent = {
        at: nowIso,
        version: release.version,
        action: "halt",
        by: "guard",
        reason: judgement.summary,
        rollout: release.rollout,
        figures,
      };
      this.#addEvent(halt);
      halts.push(halt);
    }
    return halts;
  }

  /** The release's newest halt or resume, when it still holds at the published rollout. */
  #holdingEvent(release: PublishedRollout): RolloutEvent | null {
    const row = this.ctx.storage.sql
      .exec<EventRow>("SELECT * FROM rollout_events WHERE version = ? ORDER BY id DESC LIMIT 1", release.version)
      .toArray()[0];
    return row && haltHolds(row.rollout, release.rollout) ? eventOf(row) : null;
  }

  /** The halt in force for the release, or null. */
  #haltOf(release: PublishedRollout): RolloutEvent | null {
    const event = this.#holdingEvent(release);
    return event?.action === "halt" ? event : null;
  }

  /** Sites (by their latest report) on the release and on its baseline, and those of them reporting "error". */
  #guardFigures(version: string, baseline: string | null): GuardFigures {
    const sql = this.ctx.storage.sql;
    const count = (dim: Dim, key: string) =>
      sql.exec<{ value: number }>("SELECT value FROM current WHERE dim = ? AND key = ?", dim, key).toArray()[0]
        ?.value ?? 0;
    return {
      sites: count("version", version),
      errors: count("version_health", `${version} error`),
      baseline_sites: baseline === null ? 0 : count("version", baseline),
      baseline_errors: baseline === null ? 0 : count("version_health", `${baseline} error`),
    };
  }

  #addEvent(event: RolloutEvent): void {
    const sql = this.ctx.storage.sql;
    sql.exec(
      "INSERT INTO rollout_events (version, at, action, actor, reason, rollout, sites, errors, baseline_sites, baseline_errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      event.version,
      event.at,
      event.action,
      event.by,
      event.reason,
      event.rollout,
      event.figures?.sites ?? null,
      event.figures?.errors ?? null,
      event.figures?.baseline_sites ?? null,
      event.figures?.baseline_errors ?? null,
    );
    // Only the newest decides whether a halt holds; the list shows at most ROLLOUT_EVENT_LIMIT.
    sql.exec(
      "DELETE FROM rollout_events WHERE version = ? AND id NOT IN (SELECT id FROM rollout_events WHERE version = ? ORDER BY id DESC LIMIT ?)",
      event.version,
      event.version,
      ROLLOUT_EVENT_LIMIT,
    );
  }

  /** The figures now: installations as of each site's last report, downloads since the start. */
  fresh(nowIso: string, ttlDays: number): FreshFigures {
    return this.ctx.storage.transactionSync(() => {
      this.#openDay(dayOf(new Date(nowIso)), ttlDays);
      const sql = this.ctx.storage.sql;
      const figures = figuresOf(sql.exec<{ dim: string; key: string; value: number }>("SELECT * FROM current"));
      const downloads = downloadsOf(
        sql.exec<{ version: string; kind: string; count: number }>("SELECT * FROM download_totals"),
      );
      const recent = sql
        .exec<{ at: string; version: string; kind: string; user_agent: string | null; address: string | null }>(
          "SELECT at, version, kind, user_agent, address FROM download_log ORDER BY rowid DESC LIMIT ?",
          RECENT_DOWNLOADS,
        )
        .toArray()
        .map((row) => ({ ...row, kind: row.kind as DownloadKind }));
      return { ...figures, downloads, recent_downloads: recent };
    });
  }

  /** Each day from `from` to `to` (both kept in range by the caller), up to today. */
  history(from: string, to: string, nowIso: string, ttlDays: number): DayFigures[] {
    return this.ctx.storage.transactionSync(() => {
      const today = this.#openDay(dayOf(new Date(nowIso)), ttlDays);
      const last = to < today ? to : today;
      const sql = this.ctx.storage.sql;
      const figureRows = new Map<string, { dim: string; key: string; value: number }[]>();
      const registrations = new Map<string, number>();
      for (const row of sql.exec<{ day: string; dim: string; key: string; value: number }>(
        "SELECT day, dim, key, value FROM daily WHERE day >= ? AND day <= ?",
        from,
        last,
      )) {
        if (row.dim === "registrations") registrations.set(row.day, (registrations.get(row.day) ?? 0) + row.value);
        else {
          const rows = figureRows.get(row.day);
          if (rows) rows.push(row);
          else figureRows.set(row.day, [row]);
        }
      }
      const downloadRows = new Map<string, { version: string; kind: string; count: number }[]>();
      for (const row of sql.exec<{ day: string; version: string; kind: string; count: number }>(
        "SELECT day, version, kind, count FROM downloads WHERE day >= ? AND day <= ?",
        from,
        last,
      )) {
        const rows = downloadRows.get(row.day);
        if (rows) rows.push(row);
        else downloadRows.set(row.day, [row]);
      }
      const days: DayFigures[] = [];
      for (let day = from; day <= last; day = addDays(day, 1)) {
        days.push({
          day,
          ...figuresOf(figureRows.get(day) ?? []),
          registrations: registrations.get(day) ?? 0,
          downloads: downloadsOf(downloadRows.get(day) ?? []),
        });
      }
      return days;
    });
  }

  /** Per-download records, newest first (at most `limit`), for one day range. */
  downloadRecords(from: string, to: string, limit: number): DownloadRecord[] {
    return this.ctx.storage.sql
      .exec<{ at: string; version: string; kind: string; user_agent: string | null; address: string | null }>(
        "SELECT at, version, kind, user_agent, address FROM download_log WHERE day >= ? AND day <= ? ORDER BY rowid DESC LIMIT ?",
        from,
        to,
        limit,
      )
      .toArray()
      .map((row) => ({ ...row, kind: row.kind as DownloadKind }));
  }

  /** Rows and bytes this object stores (the benchmark reports them). */
  storageFigures(): { bytes: number; rows: Record<string, number> } {
    const sql = this.ctx.storage.sql;
    const rows: Record<string, number> = {};
    for (const table of [
      "sites",
      "current",
      "daily",
      "downloads",
      "download_totals",
      "download_log",
      "rollout_events",
    ]) {
      rows[table] = sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n;
    }
    return { bytes: sql.databaseSize, rows };
  }

  /**
   * Make `today` the current day, once: each day since the last one opened (at most the
   * retention) gets its end-of-day snapshot, sites not seen for ttlDays leave the counts, and
   * old records are pruned. A day before the last opened one counts in the last one (time
   * only moves forward here). Returns the day the call counts in.
   */
  #openDay(today: string, ttlDays: number): string {
    const sql = this.ctx.storage.sql;
    const last = sql.exec<{ value: string }>("SELECT value FROM meta WHERE name = 'day'").toArray()[0]?.value;
    if (last && today <= last) return last;
    const earliest = addDays(today, -DAILY_FIGURE_DAYS);
    let day = last ? addDays(last, 1) : today;
    if (day < earliest) day = earliest;
    for (; day <= today; day = addDays(day, 1)) {
      this.#expireSites(day, ttlDays);
      sql.exec("DELETE FROM current WHERE value = 0");
      sql.exec(
        "INSERT INTO daily (day, dim, key, value) SELECT ?, dim, key, value FROM current WHERE true ON CONFLICT (day, dim, key) DO UPDATE SET value = excluded.value",
        day,
      );
    }
    sql.exec("DELETE FROM daily WHERE day < ?", earliest);
    sql.exec("DELETE FROM downloads WHERE day < ?", earliest);
    sql.exec("DELETE FROM download_log WHERE day < ?", addDays(today, -DOWNLOAD_RECORD_DAYS));
    sql.exec(
      "DELETE FROM download_log WHERE rowid <= (SELECT MAX(rowid) FROM download_log) - ?",
      DOWNLOAD_RECORD_LIMIT,
    );
    sql.exec(
      "INSERT INTO meta (name, value) VALUES ('day', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      today,
    );
    return today;
  }

  /** A site last seen ttlDays or more before `day` no longer counts (its installation record has expired). */
  #expireSites(day: string, ttlDays: number): void {
    const sql = this.ctx.storage.sql;
    const cutoff = addDays(day, -ttlDays);
    const totals = new Map<string, { dim: Dim; key: string; by: number }>();
    for (const site of sql.exec<SiteRow>("SELECT * FROM sites WHERE seen <= ?", cutoff)) {
      for (const [dim, key] of cellsOf(site)) {
        const id = `${dim}\n${key}`;
        const entry = totals.get(id) ?? { dim, key, by: 0 };
        entry.by -= 1;
        totals.set(id, entry);
      }
    }
    if (totals.size === 0) return;
    for (const { dim, key, by } of totals.values()) this.#bumpCurrent(dim, key, by);
    sql.exec("DELETE FROM sites WHERE seen <= ?", cutoff);
  }

  #apply(cells: Cells, by: number, day: string): void {
    for (const [dim, key] of cells) {
      this.#bumpCurrent(dim, key, by);
      this.#bumpDaily(day, dim, key, by);
    }
  }

  #bumpCurrent(dim: string, key: string, by: number): void {
    this.ctx.storage.sql.exec(
      "INSERT INTO current (dim, key, value) VALUES (?, ?, ?) ON CONFLICT (dim, key) DO UPDATE SET value = value + excluded.value",
      dim,
      key,
      by,
    );
  }

  /** The day's snapshot started as a copy of `current`, so the same change keeps the two equal. */
  #bumpDaily(day: string, dim: string, key: string, by: number): void {
    this.ctx.storage.sql.exec(
      "INSERT INTO daily (day, dim, key, value) VALUES (?, ?, ?, ?) ON CONFLICT (day, dim, key) DO UPDATE SET value = value + excluded.value",
      day,
      dim,
      key,
      by,
    );
  }
}
