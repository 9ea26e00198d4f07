import { createHmac } from "node:crypto";

/** Must match worker/src/auth.ts downloadSignatureMessage(): slug, version, expiry. */
export function signDownloadUrl(input: {
  base: string;
  slug: string;
  version: string;
  expires: number;
  key: string;
}): string {
  const signature = createHmac("sha256", input.key)
    .update(`${input.slug}\n${input.version}\n${input.expires}`)
    .digest("hex");
  const query = new URLSearchParams({ version: input.version, expires: String(input.expires), signature });
  return `${input.base.replace(/\/+$/, "")}/api/plugins/${input.slug}/download/?${query}`;
}
