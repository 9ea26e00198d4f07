/**
 * Download URLs of a private plugin: HMAC-SHA-256 with the DOWNLOAD_URL_KEY secret over the
 * plugin, the version and the expiry time. `feedwright sign-url` and the Worker both sign
 * them, and the Worker checks them.
 */
import { hmacSha256Hex } from "./hex.ts";
import { apiUrl } from "./paths.ts";

/** What a download URL signature covers: the plugin, the version and the expiry time (epoch seconds). */
export function downloadSignatureMessage(slug: string, version: string, expires: number): string {
  return `${slug}\n${version}\n${expires}`;
}

export function signDownload(key: string, slug: string, version: string, expires: number): Promise<string> {
  return hmacSha256Hex(key, downloadSignatureMessage(slug, version, expires));
}

/** The query of a signed download URL. */
export function signedDownloadQuery(version: string, expires: number, signature: string): string {
  return `?version=${encodeURIComponent(version)}&expires=${expires}&signature=${signature}`;
}

/** A signed download URL, complete. */
export async function signedDownloadUrl(input: {
  apiBase: string;
  slug: string;
  version: string;
  expires: number;
  key: string;
}): Promise<string> {
  const signature = await signDownload(input.key, input.slug, input.version, input.expires);
  return apiUrl(input.apiBase, input.slug, "download", signedDownloadQuery(input.version, input.expires, signature));
}
