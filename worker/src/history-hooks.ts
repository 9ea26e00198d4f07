/**
 * Where the Worker's handlers hand what happened to the plugin's history Durable Object
 * (history.ts): a site's report after its installation record is written, and a counted download.
 */
import type { DownloadKind } from "../../scripts/contract/index.ts";
import type { DownloadCounter } from "./downloads.ts";
import { truncateAddress } from "./history.ts";
import type { InstallationMetadata } from "./installations.ts";

interface HistoryEnv {
  DOWNLOAD_COUNTER: DurableObjectNamespace<DownloadCounter>;
}

function historyOf(env: HistoryEnv, slug: string) {
  return env.DOWNLOAD_COUNTER.get(env.DOWNLOAD_COUNTER.idFromName(slug));
}

export async function recordReportHistory(
  env: HistoryEnv,
  slug: string,
  siteId: string,
  metadata: InstallationMetadata,
  at: { now: Date; ttlDays: number },
): Promise<void> {
  await historyOf(env, slug).recordReport(
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
  );
}

export async function recordDownloadHistory(
  env: HistoryEnv,
  slug: string,
  request: Request,
  download: { version: string; kind: DownloadKind; now: Date; ttlDays: number },
): Promise<void> {
  await historyOf(env, slug).recordDownload(
    {
      at: download.now.toISOString(),
      version: download.version,
      kind: download.kind,
      userAgent: request.headers.get("user-agent"),
      address: truncateAddress(request.headers.get("cf-connecting-ip")),
    },
    download.ttlDays,
  );
}
