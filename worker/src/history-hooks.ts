/**
 * Where the Worker's handlers hand what happened to the plugin's history Durable Object
 * (history.ts): a site's report before its installation record is written (with the guards
 * to judge on it; the health it is recorded with), and a package request (its halt check and
 * its count, in one call).
 */
import type { DownloadKind, RolloutEvent } from "../../scripts/contract/index.ts";
import type { DownloadCounter } from "./downloads.ts";
import { type DownloadGate, type GuardedRelease, type PublishedRollout, truncateAddress } from "./history.ts";
import type { Health } from "./installations.ts";

interface HistoryEnv {
  DOWNLOAD_COUNTER: DurableObjectNamespace<DownloadCounter>;
}

/** The plugin's history Durable Object. */
export function historyOf(env: HistoryEnv, slug: string) {
  return env.DOWNLOAD_COUNTER.get(env.DOWNLOAD_COUNTER.idFromName(slug));
}

/**
 * A site's report, before its installation record is written: the history counts it, judges
 * the guards of `guarded` on the counts, and decides whether the site is outdated from `offers`
 * (what check-update would offer it, halts aside) and the halts; the health it returns is the
 * one the installation record keeps. `error` reports need no offers.
 */
export async function recordReportHistory(
  env: HistoryEnv,
  slug: string,
  report: { siteId: string; version: string; wpVersion: string | null; phpVersion: string | null; registered: string },
  judged: { error: boolean; offers: readonly PublishedRollout[] },
  at: { now: Date; ttlDays: number },
  guarded: readonly GuardedRelease[],
): Promise<{ health: Health; halts: RolloutEvent[] }> {
  return historyOf(env, slug).recordJudgedReport(
    { ...report, health: judged.error ? "error" : "healthy" },
    judged.error ? null : judged.offers,
    at.now.toISOString(),
    at.ttlDays,
    guarded,
  );
}

/**
 * A package request: which of `choices` it is served (a halted release only to a site on it),
 * and the download counted when `counted` says it is one (with its kind).
 */
export async function gatePackageRequest(
  env: HistoryEnv,
  slug: string,
  request: Request,
  gate: {
    choices: readonly PublishedRollout[];
    installed: string | null;
    counted: { kind: DownloadKind } | null;
    now: Date;
    ttlDays: number;
  },
): Promise<DownloadGate> {
  return historyOf(env, slug).gateDownload(
    gate.choices,
    gate.installed,
    gate.counted
      ? {
          at: gate.now.toISOString(),
          kind: gate.counted.kind,
          userAgent: request.headers.get("user-agent"),
          address: truncateAddress(request.headers.get("cf-connecting-ip")),
        }
      : null,
    gate.ttlDays,
  );
}
