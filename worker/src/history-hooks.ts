/**
 * Where the Worker's handlers hand what happened to the plugin's history Durable Object
 * (history.ts): a site's report after its installation record is written (with the guards
 * to judge on it), and a package request (its halt check and its count, in one call).
 */
import type { DownloadKind, RolloutEvent } from "../../scripts/contract/index.ts";
import type { DownloadCounter } from "./downloads.ts";
import { type DownloadGate, type GuardedRelease, type PublishedRollout, truncateAddress } from "./history.ts";
import type { InstallationMetadata } from "./installations.ts";

interface HistoryEnv {
  DOWNLOAD_COUNTER: DurableObjectNamespace<DownloadCounter>;
}

/** The plugin's history Durable Object. */
export function historyOf(env: HistoryEnv, slug: string) {
  return env.DOWNLOAD_COUNTER.get(env.DOWNLOAD_COUNTER.idFromName(slug));
}

export async function recordReportHistory(
  env: HistoryEnv,
  slug: string,
  siteId: string,
  metadata: InstallationMetadata,
  at: { now: Date; ttlDays: number },
  guarded: readonly GuardedRelease[],
): Promise<RolloutEvent[]> {
  return historyOf(env, slug).recordReport(
    {
      siteId,
      version: metadata.v,
      health: metadata.h,
      wpVersion: metadata.wp,
      phpVersion: metadata.php,
      registered: metadata.r,
    },
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
