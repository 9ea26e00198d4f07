/**
 * Ed25519 signatures in WordPress core's format: the signature is over the raw 48-byte
 * SHA-384 digest of the file, base64-encoded, one per line (what `verify_file_signature()`
 * checks). Public keys travel as base64 of the raw 32 bytes, which is what a plugin pins.
 * Keys are always passed in; nothing here reads the environment or the disk.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";
import { sha256Hex } from "./digest.ts";
import { KeyFormatError } from "./errors.ts";

export interface SigningKey {
  /** Short, stable name of the key: the first 16 hex digits of SHA-256(public key). */
  id: string;
  /** base64 of the raw 32-byte public key. */
  publicKey: string;
  privateKey: KeyObject;
}

export interface PublicKey {
  id: string;
  publicKey: string;
}

// DER prefixes that wrap a raw 32-byte Ed25519 key as PKCS#8 / SPKI for node:crypto.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");
const SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/**
 * Accepts base64 of a 32-byte seed (what `feedwright keys generate` prints) or of a 64-byte
 * libsodium secret key (seed followed by the public key).
 */
export function parseSigningKey(text: string): SigningKey {
  const trimmed = text.trim();
  const raw = Buffer.from(trimmed, "base64");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || (raw.length !== 32 && raw.length !== 64)) {
    throw new KeyFormatError("expected base64 of a 32-byte Ed25519 seed (or a 64-byte libsodium secret key)");
  }
  return signingKeyFromSeed(raw.subarray(0, 32));
}

export function signingKeyFromSeed(seed: Buffer): SigningKey {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  const publicKey = spki.subarray(SPKI_PREFIX.length).toString("base64");
  return { id: keyIdOf(publicKey), publicKey, privateKey };
}

export function parsePublicKey(text: string): PublicKey {
  const raw = Buffer.from(text.trim(), "base64");
  if (raw.length !== 32) throw new KeyFormatError("expected base64 of a raw 32-byte Ed25519 public key");
  const publicKey = raw.toString("base64");
  return { id: keyIdOf(publicKey), publicKey };
}

export function keyIdOf(publicKey: string): string {
  return sha256Hex(Buffer.from(publicKey, "base64")).slice(0, 16);
}

export function sha384(bytes: Buffer): Buffer {
  return createHash("sha384").update(bytes).digest();
}

/** base64 Ed25519 signature over SHA-384(bytes): one line of a WordPress .sig file. */
export function signFile(bytes: Buffer, key: SigningKey): string {
  return sign(null, sha384(bytes), key.privateKey).toString("base64");
}

export function verifyFileSignature(bytes: Buffer, signature: string, publicKey: string): boolean {
  const signatureBytes = Buffer.from(signature.trim(), "base64");
  if (signatureBytes.length !== 64) return false;
  const key = createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, Buffer.from(publicKey, "base64")]),
    format: "der",
    type: "spki",
  });
  return verify(null, sha384(bytes), key, signatureBytes);
}

/** The .sig file: one signature per signing key (the current one, then a next one when rotating). */
export function renderSignatureFile(bytes: Buffer, keys: SigningKey[]): string {
  return keys.map((key) => `${signFile(bytes, key)}\n`).join("");
}

/** Which of the trusted keys made one of the lines of a .sig file; null when none did. */
export function findValidSignature(bytes: Buffer, signatureFile: string, trusted: PublicKey[]): PublicKey | null {
  const lines = signatureFile.split("\n").filter((line) => line.trim() !== "");
  for (const key of trusted) {
    if (lines.some((line) => verifyFileSignature(bytes, line, key.publicKey))) return key;
  }
  return null;
}
