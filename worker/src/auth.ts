/**
 * Credentials: site API keys (stored only as SHA-256 in KV, compared in constant time),
 * the admin token for statistics, and HMAC-signed, expiring download URLs.
 */
import {
  ANY_SLUG,
  API_KEY_PATTERN,
  API_KEY_SCHEME,
  type ApiKeyRecord,
  apiKeyStorageKey,
  sha256HexOf,
  signDownload,
} from "../../scripts/contract/index.ts";
import { ApiError } from "./errors.ts";

const encoder = new TextEncoder();

export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  if (left.byteLength !== right.byteLength) {
    crypto.subtle.timingSafeEqual(left, left); // same work either way
    return false;
  }
  return crypto.subtle.timingSafeEqual(left, right);
}

const API_KEY_HEADER = new RegExp(`^${API_KEY_SCHEME}\\s+(\\S+)$`, "i");

/** The site an `Authorization: Api-Key <key>` header belongs to, or a 401. */
export async function authenticateSite(request: Request, kv: KVNamespace, slug: string): Promise<ApiKeyRecord> {
  const header = request.headers.get("authorization") ?? "";
  const match = API_KEY_HEADER.exec(header.trim());
  if (!match?.[1] || !API_KEY_PATTERN.test(match[1])) {
    throw new ApiError(401, "unauthorized", `expected an Authorization: ${API_KEY_SCHEME} <key> header`, {
      "www-authenticate": API_KEY_SCHEME,
    });
  }
  const apiKey = match[1];
  const record = await kv.get<ApiKeyRecord>(await apiKeyStorageKey(apiKey), "json");
  const presented = await sha256HexOf(apiKey);
  if (!record || !constantTimeEqual(presented, record.sha256) || (record.slug !== ANY_SLUG && record.slug !== slug)) {
    throw new ApiError(401, "unauthorized", "unknown or revoked API key", { "www-authenticate": API_KEY_SCHEME });
  }
  return record;
}

export function requireAdmin(request: Request, token: string | undefined): void {
  if (!token) throw new ApiError(403, "forbidden", "statistics are disabled: the ADMIN_TOKEN secret is not set");
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) throw new ApiError(401, "unauthorized", "expected an Authorization: Bearer <admin token> header");
  if (!constantTimeEqual(match[1], token)) throw new ApiError(403, "forbidden", "wrong admin token");
}

export async function checkSignedDownload(
  url: URL,
  key: string | undefined,
  slug: string,
  version: string,
  nowSeconds: number,
): Promise<void> {
  if (!key)
    throw new ApiError(403, "forbidden", "private downloads are disabled: the DOWNLOAD_URL_KEY secret is not set");
  const expires = url.searchParams.get("expires");
  const signature = url.searchParams.get("signature");
  if (!expires || !signature) {
    throw new ApiError(
      401,
      "signature_required",
      "this plugin is private: download with a signed URL (expires, signature)",
    );
  }
  if (!/^\d{1,12}$/.test(expires) || Number(expires) < nowSeconds) {
    throw new ApiError(403, "signature_expired", "this download URL has expired");
  }
  const expected = await signDownload(key, slug, version, Number(expires));
  if (!constantTimeEqual(signature.toLowerCase(), expected)) {
    throw new ApiError(403, "signature_invalid", "this download URL's signature does not match");
  }
}
