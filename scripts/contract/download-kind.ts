/**
 * What started a package download, as the download request says it: `auto_update` (WordPress's
 * background update) or `manual` (a person: "Update now", a bulk update, a browser). The
 * updater inside the plugin adds `?kind=<kind>` to the download URL; the Worker records it
 * per download and in the daily figures, and answers 400 to any other value.
 */
export const DOWNLOAD_KINDS = ["auto_update", "manual"] as const;
export type DownloadKind = (typeof DOWNLOAD_KINDS)[number];

/** The query parameter of the download request that carries the kind. */
export const DOWNLOAD_KIND_PARAM = "kind";

export function isDownloadKind(value: string): value is DownloadKind {
  return (DOWNLOAD_KINDS as readonly string[]).includes(value);
}
