/**
 * The Worker's API errors, as a client sees them: `{"error": {"code", "message"}}` with an
 * HTTP status. A code is one of these, so a misspelt code fails type-checking.
 */
export const API_ERROR_CODES = [
  "bad_request",
  "invalid_field",
  "invalid_version",
  "malformed_json",
  /** A Geeklog check whose REPOSITORY_ARRAY_PATCHES is not PHP-serialized plain data of the expected shape. */
  "malformed_serialized",
  "unauthorized",
  "signature_required",
  "forbidden",
  "signature_expired",
  "signature_invalid",
  "not_found",
  "unknown_plugin",
  "no_release",
  // No longer answered: the Worker reads only offers.json, which lists the packages published,
  // so a release beyond `retain` answers no_release like any version without a package. Kept
  // so a client that names it still type-checks.
  "not_retained",
  "plugin_inactive",
  /** 409: the release's rollout is halted (rollout-guard.ts); its package goes only to sites already on it. */
  "rollout_halted",
  "method_not_allowed",
  "payload_too_large",
  "rate_limited",
  "internal",
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string };
}
