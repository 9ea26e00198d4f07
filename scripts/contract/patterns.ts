/**
 * What an identifier may look like, wherever one is accepted: in plugin.yaml, in
 * `feedwright sites`, and in every request to the Worker.
 */

/** A plugin slug: lower-case letters, digits and dashes, starting with a letter or digit. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
export const SLUG_MAX_LENGTH = 64;

export function isSlug(text: string): boolean {
  return text.length <= SLUG_MAX_LENGTH && SLUG_PATTERN.test(text);
}

/** The slug an API key is issued for that stands for every plugin. */
export const ANY_SLUG = "*";

/** A site id, as a site reports it and as an API key is issued for it. */
export const SITE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
export const SITE_ID_MAX_LENGTH = 128;

/** An API key as a site presents it (`Authorization: Api-Key <key>`). */
export const API_KEY_PATTERN = /^\S{8,256}$/;

/**
 * A version as a site reports its own (plugin, WordPress, PHP): SemVer or WordPress style
 * ("6.7"), with an optional leading "v" and a short prerelease.
 */
export const REPORTED_VERSION_PATTERN = /^v?\d{1,9}(\.\d{1,9}){0,2}(-[0-9A-Za-z.-]{1,40})?$/;

/** The Authorization scheme a site presents its API key with: `Authorization: Api-Key <key>`. */
export const API_KEY_SCHEME = "Api-Key";
