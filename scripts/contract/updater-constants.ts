/**
 * What the PHP updater (site/updater/) needs of the contract, as plain strings and numbers a
 * template renderer can write into PHP: the updater computes the same bucket, reads the same
 * files and checks the same site ids as the build and the Worker, so it is given them from
 * here rather than keeping its own copies.
 */

import { DOWNLOAD_KIND_PARAM, type DownloadKind } from "./download-kind.ts";
import { API_PATH, DEPRECATIONS_FILE, FEED_PATH, FEED_SIGNATURE_PATH, infoFileName, pluginFolder } from "./paths.ts";
import { API_KEY_SCHEME, SITE_ID_PATTERN } from "./patterns.ts";
import { FEED_FORMAT, OFFER_INDEX_FORMAT } from "./published.ts";
import { ROLLOUT } from "./rollout.ts";
import { INSTALLED_VERSION_PARAM } from "./rollout-guard.ts";

export function updaterConstants(slug: string) {
  return {
    feedFormat: FEED_FORMAT,
    feedPath: FEED_PATH,
    feedSignaturePath: FEED_SIGNATURE_PATH,
    /** The plugin's folder below the feed URL, no trailing slash. */
    pluginFolder: pluginFolder(slug),
    /** The offer index the feed carries per plugin (what a check decides from). */
    offerIndexFormat: OFFER_INDEX_FORMAT,
    /** Why withdrawn releases were withdrawn: read only by a site on one. */
    deprecationsFile: DEPRECATIONS_FILE,
    infoFileStable: infoFileName("stable"),
    infoFileBeta: infoFileName("beta"),
    /** For preg_match: the delimiters and the D modifier are the template's. */
    siteIdPattern: SITE_ID_PATTERN.source,
    apiKeyScheme: API_KEY_SCHEME,
    rolloutBuckets: ROLLOUT.buckets,
    rolloutDigestBytes: ROLLOUT.digestBytes,
    rolloutSeparator: ROLLOUT.separator,
    rolloutSiteKeyPrefix: ROLLOUT.siteKeyPrefix,
    /** The API's path below an origin: a feed URL set in wp-config.php puts the API at its origin + this. */
    apiPath: API_PATH,
    /** The download request's parameters (updater 4): what started it, and the version the site runs. */
    downloadKindParam: DOWNLOAD_KIND_PARAM,
    /** Its values: WordPress's automatic background update, and a person's update. */
    downloadKindAutoUpdate: "auto_update" satisfies DownloadKind,
    downloadKindManual: "manual" satisfies DownloadKind,
    installedVersionParam: INSTALLED_VERSION_PARAM,
    /** The API action listing the releases whose rollout is halted (GET, public), and the error code of a refused download. */
    rolloutAction: "rollout",
    rolloutHaltedCode: "rollout_halted",
  } as const;
}
