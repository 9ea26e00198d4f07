/**
 * How a site's API key is kept in the Worker's KV namespace (INSTALLATIONS): never the key,
 * only its SHA-256. `feedwright sites` writes these records; the Worker reads them.
 */
import { sha256HexOf } from "./hex.ts";

export const API_KEY_STORAGE_PREFIX = "apikey:";

/** What `feedwright sites list` reads without reading the values: who the key is for. */
export interface ApiKeyMetadata {
  site_id: string;
  /** The plugin the key is for, or "*" (ANY_SLUG) for every plugin. */
  slug: string;
  created_at: string;
}

/** The stored value of an API key's KV entry. */
export interface ApiKeyRecord extends ApiKeyMetadata {
  /** SHA-256 (hex) of the whole key. */
  sha256: string;
}

/** KV key of an API key's record: a prefix of its hash, so the key itself is never stored. */
export async function apiKeyStorageKey(apiKey: string): Promise<string> {
  return `${API_KEY_STORAGE_PREFIX}${(await sha256HexOf(apiKey)).slice(0, 16)}`;
}

/** Everything stored for one API key: where, the record, and the metadata beside it. */
export async function apiKeyEntry(
  apiKey: string,
  metadata: ApiKeyMetadata,
): Promise<{ key: string; record: ApiKeyRecord; metadata: ApiKeyMetadata }> {
  return {
    key: await apiKeyStorageKey(apiKey),
    record: { sha256: await sha256HexOf(apiKey), ...metadata },
    metadata,
  };
}
