/**
 * Exact download counts live in a SQLite Durable Object per plugin, where increments are
 * atomic; a KV key could lose concurrent increments. The same object keeps the release health
 * history (history.ts); its class keeps the name and binding it was deployed with, so the
 * counts it already holds carry on.
 */
import {
  DOWNLOAD_KIND_PARAM,
  DOWNLOAD_KINDS,
  type DownloadKind,
  isDownloadKind,
  VERIFY_REQUEST_HEADER,
} from "../../scripts/contract/index.ts";
import { badRequest } from "./errors.ts";
import { PluginHistory } from "./history.ts";

export type { DownloadKind } from "../../scripts/contract/index.ts";

export class DownloadCounter extends PluginHistory {}

/**
 * What started a download. The request says so with `?kind=auto_update|manual` (the updater
 * inside the plugin, from version 3); any other value is a 400, so a client that sends a kind
 * is never counted as something else. `?type=` (the original service's name) is read the same
 * way but never refused. Without either, a guess: WordPress core fetches with a
 * "WordPress/x.y; url" user agent, a person's browser does not (WordPress's "Update now"
 * fetches the same way, which is why the updater says it).
 */
export function downloadKind(request: Request, url: URL): DownloadKind {
  const declared = url.searchParams.get(DOWNLOAD_KIND_PARAM);
  if (declared !== null) {
    if (isDownloadKind(declared)) return declared;
    throw badRequest(
      `${DOWNLOAD_KIND_PARAM}: "${declared.slice(0, 40)}" is not one of ${DOWNLOAD_KINDS.join(", ")}`,
      "invalid_field",
    );
  }
  const legacy = url.searchParams.get("type");
  if (legacy !== null && isDownloadKind(legacy)) return legacy;
  return /^WordPress\//.test(request.headers.get("user-agent") ?? "") ? "auto_update" : "manual";
}

/**
 * Whether serving a package to this request is a download to count: a GET (a HEAD fetches
 * nothing) that is not `feedwright verify` checking the published packages (it says so with
 * the contract's VERIFY_REQUEST_HEADER; sending it gains nothing but not being counted).
 */
export function isCountedDownload(request: Request): boolean {
  return request.method === "GET" && !request.headers.has(VERIFY_REQUEST_HEADER);
}
