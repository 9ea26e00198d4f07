/**
 * The published release data (plugins/<slug>/releases.json, written by the build) as the
 * Worker reads it: fetched from the static assets, parsed once per isolate and kept for a
 * minute. Nothing here parses a ZIP or Markdown.
 */
import {
  isSlug,
  type PublishedRelease,
  pluginFilePath,
  RELEASES_FILE,
  type ReleasesDocument,
} from "../../scripts/contract/index.ts";
import { notFound } from "./errors.ts";

const CACHE_MS = 60_000;
const cache = new Map<string, { plugin: ReleasesDocument | null; loadedAt: number }>();

/** A static asset by its path in the published folder. */
export function assetRequest(path: string): Request {
  return new Request(`https://assets.invalid/${path}`);
}

export async function loadPlugin(assets: Fetcher, slug: string, now: number): Promise<ReleasesDocument> {
  if (!isSlug(slug)) throw notFound(`no plugin "${slug}"`, "unknown_plugin");
  const cached = cache.get(slug);
  if (cached && now - cached.loadedAt < CACHE_MS) {
    if (!cached.plugin) throw notFound(`no plugin "${slug}"`, "unknown_plugin");
    return cached.plugin;
  }
  const response = await assets.fetch(assetRequest(pluginFilePath(slug, RELEASES_FILE)));
  const plugin = response.ok ? ((await response.json()) as ReleasesDocument) : null;
  cache.set(slug, { plugin, loadedAt: now });
  if (!plugin) throw notFound(`no plugin "${slug}"`, "unknown_plugin");
  return plugin;
}

export function findRelease(plugin: ReleasesDocument, version: string): PublishedRelease | null {
  return plugin.releases.find((release) => release.version === version) ?? null;
}
