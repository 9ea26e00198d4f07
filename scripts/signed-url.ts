import { createHmac } from "node:crypto";
import { API_PATH, apiUrl, downloadSignatureMessage, signedDownloadQuery } from "./contract/index.ts";

/**
 * `feedwright sign-url`: an expiring download URL the Worker accepts. Synchronous (node's HMAC)
 * for the command; the message and the URL are the contract's, which the Worker signs and
 * checks with WebCrypto (test/contract.test.ts checks the two give the same signature).
 */
export function signDownloadUrl(input: {
  base: string;
  slug: string;
  version: string;
  expires: number;
  key: string;
}): string {
  const signature = createHmac("sha256", input.key)
    .update(downloadSignatureMessage(input.slug, input.version, input.expires))
    .digest("hex");
  const apiBase = `${input.base.replace(/\/+$/, "")}${API_PATH}`;
  return apiUrl(apiBase, input.slug, "download", signedDownloadQuery(input.version, input.expires, signature));
}
