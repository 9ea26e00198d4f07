/**
 * The published data as the Worker reads it: each plugin's offer index (plugins/<slug>/offers.json,
 * written by the build, a few KiB whatever the number of releases), fetched from the static
 * assets, parsed once per isolate and looked at again after a minute (kept as parsed when its
 * ETag has not changed). Why a withdrawn release was withdrawn (deprecations.json) is read only
 * for a site on one. releases.json, which carries every release's changelog, is never read here.
 */
import {
  DEPRECATIONS_FILE,
  type DeprecationsDocument,
  isSlug,
  OFFERS_FILE,
  type OfferCandidate,
  type OfferIndexDocument,
  type OfferPackage,
  pluginFilePath,
} from "../../scripts/contract/index.ts";
import { notFound } from "./errors.ts";

const CACHE_MS = 60_000;
/** Plugins kept per isolate: a request for an unknown slug is remembered too, so the map is bounded. */
const CACHE_ENTRIES = 64;

/** A plugin's offer index with the lookups its requests need, made once per parse. */
export class LoadedPlugin {
  readonly index: OfferIndexDocument;
  readonly #packagesByVersion: Map<string, OfferPackage>;
  readonly #packagesByFile: Map<string, OfferPackage>;
  #reasons: Promise<Map<string, string>> | null = null;

  constructor(index: OfferIndexDocument) {
    this.index = index;
    this.#packagesByVersion = new Map(index.packages.map((entry) => [entry.version, entry]));
    this.#packagesByFile = new Map(index.packages.map((entry) => [entry.file, entry]));
  }

  get slug(): string {
    return this.index.slug;
  }

  /** A published package by its exact version, or by its file name. */
  packageOf(version: string): OfferPackage | null {
    return this.#packagesByVersion.get(version) ?? null;
  }

  packageFile(file: string): OfferPackage | null {
    return this.#packagesByFile.get(file) ?? null;
  }

  /** The channel's latest as a candidate (what check-update describes when it offers nothing). */
  latest(channel: keyof OfferIndexDocument["latest"]): OfferCandidate | null {
    const version = this.index.latest[channel];
    return this.index.channels[channel].find((candidate) => candidate.version === version) ?? null;
  }

  /** Why `version` was withdrawn, from deprecations.json (read once, for the first site on a withdrawn release). */
  async deprecationReason(assets: Fetcher, version: string): Promise<string> {
    this.#reasons ??= assets
      .fetch(assetRequest(pluginFilePath(this.slug, DEPRECATIONS_FILE)))
      .then(async (response) =>
        response.ok
          ? new Map(
              ((await response.json()) as DeprecationsDocument).deprecated.map((entry) => [
                entry.version,
                entry.reason,
              ]),
            )
          : new Map(),
      );
    return (await this.#reasons).get(version) ?? "";
  }
}

interface CacheEntry {
  plugin: LoadedPlugin | null;
  etag: string | null;
  loadedAt: number;
}

const cache = new Map<string, CacheEntry>();

/** A static asset by its path in the published folder. */
export function assetRequest(path: string): Request {
  return new Request(`https://assets.invalid/${path}`);
}

export async function loadPlugin(assets: Fetcher, slug: string, now: number): Promise<LoadedPlugin> {
  if (!isSlug(slug)) throw notFound(`no plugin "${slug}"`, "unknown_plugin");
  const cached = cache.get(slug);
  let entry = cached;
  if (!cached || now - cached.loadedAt >= CACHE_MS) {
    const response = await assets.fetch(assetRequest(pluginFilePath(slug, OFFERS_FILE)));
    const etag = response.headers.get("etag");
    if (cached?.plugin && response.ok && etag !== null && etag === cached.etag) {
      // The same bytes as last time: keep what was parsed (and the reasons read for it).
      await response.body?.cancel();
      entry = { ...cached, loadedAt: now };
    } else {
      const plugin = response.ok ? new LoadedPlugin((await response.json()) as OfferIndexDocument) : null;
      if (!response.ok) await response.body?.cancel();
      entry = { plugin, etag, loadedAt: now };
    }
    cache.delete(slug);
    cache.set(slug, entry);
    if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  }
  if (!entry?.plugin) throw notFound(`no plugin "${slug}"`, "unknown_plugin");
  return entry.plugin;
}
