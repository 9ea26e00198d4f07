/** The original service's JSON shapes (seeds, "API Endpoints"): fields in their order. */
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
