/**
 * The published release data (plugins/<slug>/releases.json, written by the build) as the
 * Worker reads it: fetched from the static assets, parsed once per isolate and kept for a
 * minute. Nothing here parses a ZIP or Markdown.
 */
import { notFound } from "./errors.ts";

export interface PublishedRelease {
  version: string;
  version_code: number;
  status: string;
  channel: "stable" | "beta" | null;
  offered: boolean;
  packaged: boolean;
  file: string | null;
  sha256: string | null;
  md5: string | null;
  size: number | null;
  released_at: string | null;
  requires_php: string;
  requires_wp: string;
  tested_wp: string;
  force_update: boolean;
  autoupdate: boolean;
  rollout: number;
  changelog: string;
  upgrade_notice: string;
  deprecation_reason: string | null;
  signatures: { key_id: string; signature: string }[];
}

export interface PublishedPlugin {
  slug: string;
  private: boolean;
  latest: { stable: string | null; beta: string | null };
  releases: PublishedRelease[];
}

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
const CACHE_MS = 60_000;
const cache = new Map<string, { plugin: PublishedPlugin | null; loadedAt: number }>();

export async function loadPlugin(assets: Fetcher, slug: string, now: number): Promise<PublishedPlugin> {
  if (!SLUG_PATTERN.test(slug)) throw notFound(`no plugin "${slug}"`, "unknown_plugin");
  const cached = cache.get(slug);
  if (cached && now - cached.loadedAt < CACHE_MS) {
    if (!cached.plugin) throw notFound(`no plugin "${slug}"`, "unknown_plugin");
    return cached.plugin;
  }
  const response = await assets.fetch(new Request(`https://assets.invalid/plugins/${slug}/releases.json`));
  const plugin = response.ok ? ((await response.json()) as PublishedPlugin) : null;
  cache.set(slug, { plugin, loadedAt: now });
  if (!plugin) throw notFound(`no plugin "${slug}"`, "unknown_plugin");
  return plugin;
}

export function findRelease(plugin: PublishedPlugin, version: string): PublishedRelease | null {
  return plugin.releases.find((release) => release.version === version) ?? null;
}
