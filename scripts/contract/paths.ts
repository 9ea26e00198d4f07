/**
 * Where everything is published, and the addresses that point at it: the folder the build
 * writes (served as static files) and the Worker's API in front of it.
 */
import type { Channel } from "./enums.ts";

/** The signed index of the whole feed, its signature, and the list of every other file's SHA-256. */
export const FEED_PATH = "feed.json";
export const FEED_SIGNATURE_PATH = "feed.json.sig";
export const MANIFEST_PATH = "manifest.json";

/**
 * The published files the manifest cannot list: the signed feed (which vouches for the
 * manifest by its SHA-256), the feed's signature, and the manifest itself.
 */
export const FILES_OUTSIDE_MANIFEST: readonly string[] = [FEED_PATH, FEED_SIGNATURE_PATH, MANIFEST_PATH];

export const RELEASES_FILE = "releases.json";

/** A plugin's offer index (what check-update needs, bounded) and why each withdrawn release was withdrawn. */
export const OFFERS_FILE = "offers.json";
export const DEPRECATIONS_FILE = "deprecations.json";

/**
 * The public keys the feed is signed with, one file each, for people checking a package's
 * .sig by hand: `keys/<key id>.pub` holds the base64 of the raw 32-byte key and a newline
 * (what `feedwright keys public` prints and `feedwright verify --public-key` takes).
 */
export const KEYS_FOLDER = "keys";

export function publicKeyFilePath(keyId: string): string {
  return `${KEYS_FOLDER}/${keyId}.pub`;
}

/** Typed as its literal, so the Worker's routes built from it (`plugins/:slug`) keep hono's typed params. */
export function pluginFolder<Slug extends string>(slug: Slug): `plugins/${Slug}` {
  return `plugins/${slug}`;
}

/** A file of a plugin's folder, by its path in the published folder. */
export function pluginFilePath(slug: string, fileName: string): string {
  return `${pluginFolder(slug)}/${fileName}`;
}

/** A file of a plugin's folder at the address the folder is served from (no trailing slash). */
export function staticUrl(siteUrl: string, slug: string, fileName: string): string {
  return `${siteUrl}/${pluginFilePath(slug, fileName)}`;
}

export function infoFileName(channel: Channel): string {
  return channel === "stable" ? "info.json" : "info-beta.json";
}

export function checkUpdateFileName(channel: Channel): string {
  return channel === "stable" ? "check-update.json" : "check-update-beta.json";
}

/** What every versioned file of a plugin starts with: `<slug>-v1.2.0.zip`, `.sig`, `.sha256`. */
export function versionedFilePrefix(slug: string): string {
  return `${slug}-v`;
}

export function packageFileName(slug: string, version: string): string {
  return `${versionedFilePrefix(slug)}${version}.zip`;
}

/** The latest stable package under a name that never changes. */
export function latestPackageFileName(slug: string): string {
  return `${slug}-latest.zip`;
}

export function signatureFileName(fileName: string): string {
  return `${fileName}.sig`;
}

export function checksumFileName(fileName: string): string {
  return `${fileName}.sha256`;
}

/** The API's path below the Worker's origin: api_base is `<origin>/api`. */
export const API_PATH = "/api";

/** The api_base of a Worker answering at `origin` (scheme, host and port, no path). */
export function apiBaseFor(origin: string): string {
  return `${origin}${API_PATH}`;
}

/**
 * What is wrong with `value` as an api_base, or null when it names the Worker's API. The
 * Worker routes API_PATH at the root of its origin (worker/src/index.ts registers
 * `${API_PATH}/plugins/:slug/<action>`), so every URL apiUrl() builds from anything but
 * `<origin>/api` answers 404: an origin alone, another path, a path below /api.
 */
export function apiBaseProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "expected an http(s) URL";
  }
  if (url.pathname === API_PATH && value === apiBaseFor(url.origin)) return null;
  const example = url.protocol === "http:" || url.protocol === "https:" ? apiBaseFor(url.origin) : null;
  return (
    `expected the Worker's API URL ending in ${API_PATH}, such as ${example ?? apiBaseFor("https://updates.example.com")} ` +
    `(the Worker answers at <origin>${API_PATH}/plugins/<slug>/<action>/ and nowhere else)`
  );
}

/** Whether `value` is an api_base the Worker serves (see apiBaseProblem). */
export function isApiBase(value: string): boolean {
  return apiBaseProblem(value) === null;
}

/** The actions under `<api_base>/plugins/<slug>/`. */
export const API_ACTIONS = [
  "check-update",
  "info",
  "download",
  "download-url",
  "register",
  "health-check",
  "stats",
  "rollout",
] as const;
export type ApiAction = (typeof API_ACTIONS)[number];

/** An action's URL for a plugin; `query` starts with "?" when given. */
export function apiUrl(apiBase: string, slug: string, action: ApiAction, query = ""): string {
  return `${apiBase}/${pluginFolder(slug)}/${action}/${query}`;
}

export function downloadUrl(apiBase: string, slug: string, version: string): string {
  return apiUrl(apiBase, slug, "download", `?version=${encodeURIComponent(version)}`);
}

export function infoUrl(apiBase: string, slug: string): string {
  return apiUrl(apiBase, slug, "info");
}
