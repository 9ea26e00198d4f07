/**
 * Where a site falls for a release's partial rollout: a stable bucket 0..99 per site and
 * release, so the same site stays in (or out) as a release's rollout percentage grows, and
 * different releases sample different sites.
 *
 * bucket = (first ROLLOUT.digestBytes bytes of SHA-256(message), big-endian) mod ROLLOUT.buckets
 * message = slug, version and the site's key, joined by ROLLOUT.separator
 * site key = ROLLOUT.siteKeyPrefix + site id (or ROLLOUT.addressKeyPrefix + address when the
 *            site sends no id; only the Worker sees an address)
 *
 * The PHP updater computes the same bucket itself; ROLLOUT is what its template is given.
 */
import { sha256Bytes } from "./hex.ts";

export const ROLLOUT = {
  buckets: 100,
  digestBytes: 4,
  separator: "\n",
  siteKeyPrefix: "site:",
  addressKeyPrefix: "ip:",
} as const;

/** The key a site is bucketed by: its id when it sends one, else its address. */
export function rolloutSiteKey(site: { siteId: string } | { address: string }): string {
  return "siteId" in site ? `${ROLLOUT.siteKeyPrefix}${site.siteId}` : `${ROLLOUT.addressKeyPrefix}${site.address}`;
}

export function rolloutBucketMessage(slug: string, version: string, siteKey: string): string {
  return [slug, version, siteKey].join(ROLLOUT.separator);
}

/** The bucket from the SHA-256 digest of the message (for callers that hash synchronously). */
export function bucketOfDigest(digest: Uint8Array): number {
  let value = 0;
  for (let index = 0; index < ROLLOUT.digestBytes; index++) value = value * 256 + (digest[index] ?? 0);
  return value % ROLLOUT.buckets;
}

/** 0..99: where the site with `siteKey` (see rolloutSiteKey) falls for one release of a plugin. */
export async function rolloutBucket(slug: string, version: string, siteKey: string): Promise<number> {
  return bucketOfDigest(await sha256Bytes(rolloutBucketMessage(slug, version, siteKey)));
}

/** Whether a release at `rollout` percent is offered to a site in `bucket`. */
export function inRollout(rollout: number, bucket: number): boolean {
  return rollout >= ROLLOUT.buckets || bucket < rollout;
}
