/**
 * The JSON shapes sites running the original service's plugin read (README, "The Worker: the
 * original API"): fields in their order. Written here apart from scripts/contract/published.ts
 * on purpose, so the tests hold the contract to what those sites expect rather than to itself.
 */
export const CHECK_UPDATE_FIELDS = [
  "update_available",
  "current_version",
  "latest_version",
  "latest_version_code",
  "download_url",
  "changelog",
  "info_url",
  "force_update",
  "checksum",
] as const;

export const INFO_FIELDS = [
  "name",
  "slug",
  "version",
  "author",
  "homepage",
  "description",
  "changelog",
  "download_url",
  "file_size",
  "requires_php",
  "tested_wp",
] as const;
