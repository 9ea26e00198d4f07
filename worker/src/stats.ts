/**
 * Statistics: installations from KV list pages (figures come with the keys, no reads),
 * downloads from the Durable Object. Computed on a schedule into one KV record per plugin,
 * which /stats/ serves.
 */
import type { DownloadCounter, DownloadRow } from "./downloads.ts";
import type { InstallationMetadata } from "./installations.ts";

export interface PluginStats {
  slug: string;
  generated_at: string;
  installations: number;
  versions: Record<string, number>;
  health: Record<string, number>;
  wp_versions: Record<string, number>;
  php_versions: Record<string, number>;
  downloads: {
    total: number;
    by_kind: Record<string, number>;
    by_version: Record<string, number>;
    by_day: Record<string, number>;
    by_version_and_day: DownloadRow[];
  };
}

export function statsKey(slug: string): string {
  return `stats:${slug}`;
}

function bump(counts: Record<string, number>, key: string | null, by = 1): void {
  const name = key ?? "unknown";
  counts[name] = (counts[name] ?? 0) + by;
}

export async function computeStats(
  kv: KVNamespace,
  counters: DurableObjectNamespace<DownloadCounter>,
  slug: string,
  now: Date,
): Promise<PluginStats> {
  const stats: PluginStats = {
    slug,
    generated_at: now.toISOString(),
    installations: 0,
    versions: {},
    health: { healthy: 0, outdated: 0, error: 0 },
    wp_versions: {},
    php_versions: {},
    downloads: { total: 0, by_kind: { manual: 0, auto_update: 0 }, by_version: {}, by_day: {}, by_version_and_day: [] },
  };
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<InstallationMetadata> = await kv.list<InstallationMetadata>({
      prefix: `site:${slug}:`,
      ...(cursor ? { cursor } : {}),
    });
    for (const key of page.keys) {
      const figures = key.metadata;
      if (!figures) continue;
      stats.installations += 1;
      bump(stats.versions, figures.v);
      bump(stats.health, figures.h);
      bump(stats.wp_versions, figures.wp);
      bump(stats.php_versions, figures.php);
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);

  const rows = await counters.get(counters.idFromName(slug)).rows();
  for (const row of rows) {
    stats.downloads.total += row.count;
    bump(stats.downloads.by_kind, row.kind, row.count);
    bump(stats.downloads.by_version, row.version, row.count);
    bump(stats.downloads.by_day, row.day, row.count);
  }
  stats.downloads.by_version_and_day = rows;
  return stats;
}
