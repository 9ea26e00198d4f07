/**
 * The lifecycle statuses and the update channels, as the YAML inputs, the published documents
 * and the Worker all name them.
 */

export const STATUSES = ["draft", "testing", "staged", "released", "update_ready", "deprecated"] as const;
export type Status = (typeof STATUSES)[number];

export const CHANNELS = ["stable", "beta"] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: unknown): value is Channel {
  return (CHANNELS as readonly unknown[]).includes(value);
}

/**
 * Whether a site on `siteChannel` may be offered a release of `releaseChannel`: the beta
 * channel sees stable releases too, so a beta site gets the newest of both.
 */
export function channelSees(siteChannel: Channel, releaseChannel: Channel): boolean {
  return siteChannel === "beta" || releaseChannel === "stable";
}

/** What a plugin is built for; only wordpress packages carry the updater and a checked main file. */
export const PLATFORMS = ["wordpress", "geeklog", "custom", "shopify"] as const;
export type Platform = (typeof PLATFORMS)[number];
