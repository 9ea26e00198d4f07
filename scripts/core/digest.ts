/**
 * Hex digests of exact bytes (or UTF-8 text): the one place the build hashes for a checksum or
 * an id. Synchronous, for packages of megabytes; the contract hashes with WebCrypto
 * (scripts/contract/hex.ts) because the Worker has nothing else, and WebCrypto is asynchronous.
 */
import { createHash } from "node:crypto";

export function sha256Hex(bytes: string | Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** releases.json lists an MD5 beside the SHA-256 for clients that check one; trust rests on the SHA-256 and the signatures. */
export function md5Hex(bytes: string | Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}
