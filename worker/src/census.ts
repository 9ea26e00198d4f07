/**
 * The census: every stored installation record counted from KV list pages (figures come with
 * the keys, no reads), each site's health judged again against the releases published now.
 * It costs one list call per 1,000 sites, so it runs on the schedule into one KV record per
 * plugin, which /stats/ includes as `census` (`?refresh=1` counts again now). The exact,
 * fresh figures and their history come from the plugin's history Durable Object (history.ts).
 */
import type { Census, OfferIndexDocument } from "../../scripts/contract/index.ts";
import { figuresOf, healthOf, type InstallationMetadata, installationPrefix } from "./installations.ts";

export type { Census } from "../../scripts/contract/index.ts";

export function censusKey(slug: string): string {
  return `stats:${slug}`;
}

/**
 * Counts by a name that comes from stored data (a version, a day, a health): kept in a Map
 * and written out with Object.fromEntries, which defines own properties, so no name (not even
 * `__proto__`) reaches a prototype or reads a count it did not add.
 */
class Tally {
  readonly #counts = new Map<string, number>();
  constructor(start: readonly string[] = []) {
    for (const name of start) this.#counts.set(name, 0);
  }
  bump(key: string | null, by = 1): void {
    const name = key ?? "unknown";
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + by);
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}

/**
 * `health` is judged again here against the releases published now (a site reported healthy
 * yesterday is outdated once a release it can take appears) and the rollouts halted now
 * (`held`); a site that reported an error stays counted as one until it reports again.
 */
export async function computeCensus(
  kv: KVNamespace,
  plugin: OfferIndexDocument,
  now: Date,
  held: ReadonlySet<string> = new Set(),
): Promise<Census> {
  const { slug } = plugin;
  const prefix = installationPrefix(slug);
  let installations = 0;
  const versions = new Tally();
  const health = new Tally(["healthy", "outdated", "error"]);
  const wpVersions = new Tally();
  const phpVersions = new Tally();
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<InstallationMetadata> = await kv.list<InstallationMetadata>({
      prefix,
      ...(cursor ? { cursor } : {}),
    });
    for (const key of page.keys) {
      const figures = key.metadata;
      if (!figures) continue;
      installations += 1;
      versions.bump(figures.v);
      // What depends on the releases is judged again; anything else ("error") is as stored.
      health.bump(
        figures.h === "healthy" || figures.h === "outdated"
          ? await healthOf(plugin, figuresOf(key.name.slice(prefix.length), figures), null, held)
          : figures.h,
      );
      wpVersions.bump(figures.wp);
      phpVersions.bump(figures.php);
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);

  return {
    generated_at: now.toISOString(),
    installations,
    versions: versions.toJSON(),
    health: health.toJSON(),
    wp_versions: wpVersions.toJSON(),
    php_versions: phpVersions.toJSON(),
  };
}
