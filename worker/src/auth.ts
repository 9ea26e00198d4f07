/**
 * Credentials: site API keys (stored only as SHA-256 in KV, compared in constant time),
 * the admin token for statistics, and HMAC-signed, expiring download URLs.
 */
import { ApiError } from "./errors.ts";

export interface ApiKeyRecord {
  /** SHA-256 (hex) of the whole key. */
  sha256: string;
  site_id: string;
  /** The plugin the key is for, or "*" for every plugin. */
  slug: string;
  created_at: string;
}

const encoder = new TextEncoder();

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** KV key of an API key's record: a prefix of its hash, so the key itself is never stored. */
export async function apiKeyStorageKey(apiKey: string): Promise<string> {
  return `apikey:${(await sha256Hex(apiKey)).slice(0, 16)}`;
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  if (left.byteLength !== right.byteLength) {
    crypto.subtle.timingSafeEqual(left, left); // same work either way
    return false;
  }
  return crypto.subtle.timingSafeEqual(left, right);
}

/** The site an `Authorization: Api-Key <key>` header belongs to, or a 401. */
export async function authenticateSite(request: Request, kv: KVNamespace, slug: string): Promise<ApiKeyRecord> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Api-Key\s+(\S{8,256})$/i.exec(header.trim());
  if (!match?.[1]) {
    throw new ApiError(401, "unauthorized", "expected an Authorization: Api-Key <key> header", {
      "www-authenticate": "Api-Key",
    });
  }
  const apiKey = match[1];
  const record = await kv.get<ApiKeyRecord>(await apiKeyStorageKey(apiKey), "json");
  const presented = await sha256Hex(apiKey);
  if (!record || !constantTimeEqual(presented, record.sha256) || (record.slug !== "*" && record.slug !== slug)) {
    throw new ApiError(401, "unauthorized", "unknown or revoked API key", { "www-authenticate": "Api-Key" });
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

async function hmacHex(key: string, message: string): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    encoder.encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message));
  return [...new Uint8Array(signature)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** What a download URL signature covers: the plugin, the version and the expiry time. */
export function downloadSignatureMessage(slug: string, version: string, expires: number): string {
  return `${slug}\n${version}\n${expires}`;
}

export async function signDownload(key: string, slug: string, version: string, expires: number): Promise<string> {
  return hmacHex(key, downloadSignatureMessage(slug, version, expires));
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
