/**
 * The single source of truth for the YAML inputs: TypeScript types, validation (with messages
 * that point at file:line:col, see parse-tree.ts) and the JSON Schema files editors use all
 * come from these definitions.
 */
import { z } from "zod";

export const STATUSES = ["draft", "testing", "staged", "released", "update_ready", "deprecated"] as const;
export type Status = (typeof STATUSES)[number];

export const PLATFORMS = ["wordpress", "geeklog", "custom", "shopify"] as const;
export const CHANNELS = ["stable", "beta"] as const;
export type Channel = (typeof CHANNELS)[number];

/** What each status means for the build; SPEC section 1's table. */
export const STATUS_RULES: Record<
  Status,
  { built: boolean; channel: Channel | null; offered: boolean; needsReleaseDate: boolean }
> = {
  draft: { built: false, channel: null, offered: false, needsReleaseDate: false },
  testing: { built: true, channel: "beta", offered: true, needsReleaseDate: false },
  staged: { built: true, channel: "beta", offered: true, needsReleaseDate: false },
  released: { built: true, channel: "stable", offered: true, needsReleaseDate: true },
  update_ready: { built: true, channel: "stable", offered: true, needsReleaseDate: true },
  deprecated: { built: true, channel: "stable", offered: false, needsReleaseDate: true },
};

/** The lifecycle's order: a status only moves forward along it, or to deprecated. */
export const STATUS_ORDER: Record<Status, number> = {
  draft: 0,
  testing: 1,
  staged: 2,
  released: 3,
  update_ready: 4,
  deprecated: 5,
};

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const requirementVersion = z
  .string()
  .regex(/^\d+(\.\d+){0,2}$/, { message: 'expected a version like "7.4" or "6.5.2"' });
const httpsUrl = z.url({ protocol: /^https?$/, message: "expected an http(s) URL" });
const relativePath = z
  .string()
  .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, { message: "expected a relative path like my-plugin.php" })
  .refine((path) => !path.split("/").includes(".."), { message: "expected a path inside the plugin" });
/** base64 of a raw 32-byte key: 43 characters and one "=". */
const publicKey = z.string().regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/, {
  message: "expected base64 of a raw 32-byte Ed25519 public key (feedwright keys public prints one)",
});
const phpOptionName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,160}$/, { message: "expected a WordPress option name like my_plugin_api_key" });
const phpConstant = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, { message: "expected a PHP constant name like MY_PLUGIN_VERSION" });

export const pluginSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Editors' pointer to this schema; ignored by the build."),
    name: z.string().min(1).describe("Display name, as in the plugin header."),
    slug: z
      .string()
      .regex(SLUG_PATTERN, {
        message: "expected lower-case letters, digits and dashes, starting with a letter or digit",
      })
      .max(64)
      .describe("Immutable identifier; names the folder inside the ZIP and every URL."),
    platform: z.enum(PLATFORMS).describe("wordpress, geeklog or custom (shopify is treated as custom)."),
    description: z.string().min(1),
    homepage: httpsUrl,
    author: z.string().min(1),
    author_homepage: httpsUrl.optional(),
    main_file: relativePath.describe("The file holding the plugin header and the version constant."),
    version_constant: phpConstant.describe("The PHP constant the main file defines as the version."),
    requires_php: requirementVersion,
    requires_wp: requirementVersion,
    tested_wp: requirementVersion,
    exclude: z.array(z.string().min(1)).default([]).describe("Globs added to the default list of dev files."),
    retain: z.number().int().min(0).max(100).default(3).describe("How many superseded releases stay downloadable."),
    api_base: httpsUrl.describe("Production API base; must appear in the packaged main file."),
    site_url: httpsUrl.optional().describe("Where the built folder is published; defaults to the origin of api_base."),
    channels: z.array(z.enum(CHANNELS)).min(1).default(["stable", "beta"]),
    private: z.boolean().default(false).describe("Downloads need a signed URL."),
    banners: z.strictObject({ low: httpsUrl.optional(), high: httpsUrl.optional() }).optional(),
    icons: z
      .strictObject({ "1x": httpsUrl.optional(), "2x": httpsUrl.optional(), svg: httpsUrl.optional() })
      .optional(),
    updater_path: relativePath
      .refine((path) => path.endsWith(".php"), { message: "expected a PHP file like includes/updater.php" })
      .optional()
      .describe(
        "Where the build writes feedwright's updater into every package; the main file must require it. Needs public_keys.",
      ),
    public_keys: z
      .array(publicKey)
      .min(1)
      .max(4)
      .optional()
      .describe(
        "Ed25519 public keys (base64 of the raw 32 bytes) the updater pins: the current key, plus the next one while rotating.",
      ),
    updater_credentials: z
      .strictObject({
        site_id_option: phpOptionName.optional().describe("Option holding the site id the API key was issued for."),
        api_key_option: phpOptionName.optional().describe("Option holding the site's API key."),
      })
      .optional()
      .describe(
        "Options of the plugin's own settings the updater reads to register and report health (default: its own options).",
      ),
  })
  .superRefine(
    (plugin, context) => {
      const given = (field: string) => (plugin as Record<string, unknown>)[field] !== undefined;
      if (given("updater_path") && !given("public_keys")) {
        context.addIssue({
          code: "custom",
          path: ["public_keys"],
          input: undefined,
          message:
            "required when updater_path is set (expected the list of public keys the updater trusts: feedwright keys public prints one)",
        });
      }
      if (given("updater_path") && plugin.platform !== "wordpress") {
        context.addIssue({
          code: "custom",
          path: ["updater_path"],
          input: plugin.updater_path,
          message: `expected only for platform wordpress (the updater is a WordPress plugin's), not ${String(plugin.platform)}`,
        });
      }
      if (given("updater_path") && plugin.updater_path === plugin.main_file) {
        context.addIssue({
          code: "custom",
          path: ["updater_path"],
          input: plugin.updater_path,
          message: "expected a file of its own, not main_file (the main file requires it)",
        });
      }
    },
    // Also when other fields have problems: every problem in one run.
    { when: () => true },
  )
  .describe("feedwright plugin definition: releases/<slug>/plugin.yaml");

export const releaseSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.string().min(1).describe("Semantic version; must equal the file name."),
    status: z.enum(STATUSES),
    changelog: z.string().default("").describe("Markdown; required for anything offered to sites."),
    released_at: z.iso
      .datetime({ offset: true, message: "expected an ISO 8601 time like 2026-01-09T12:00:00Z" })
      .optional(),
    requires_php: requirementVersion.optional(),
    requires_wp: requirementVersion.optional(),
    tested_wp: requirementVersion.optional(),
    force_update: z.boolean().default(false).describe("Security release: offered with autoupdate and force_update."),
    rollout: z.number().int().min(1).max(100).optional().describe("Percent of sites offered this release."),
    source: z
      .string()
      // Only a full id is immutable: a branch, a tag or an abbreviated id (which a new object
      // can make ambiguous) could later name other source.
      .regex(/^[0-9a-f]{40}$/, {
        message: "expected the full 40-digit lower-case id of a git commit (git rev-parse HEAD prints one)",
      })
      .optional()
      .describe("Full id (40 hex digits) of the git commit holding source/<slug> for this release."),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { message: "expected 64 lower-case hex digits" })
      .optional()
      .describe("Recorded checksum of the built ZIP; the build fails if a rebuild differs."),
    upgrade_notice: z.string().optional(),
    deprecation_reason: z.string().optional().describe("Told to sites still on a deprecated release."),
  })
  .describe("feedwright release definition: releases/<slug>/<version>.yaml");

export type PluginDefinition = z.output<typeof pluginSchema>;
export type ReleaseDefinition = z.output<typeof releaseSchema>;

export function generateJsonSchemas(): Record<"plugin" | "release", object> {
  return {
    // JSON Schema says what the refinement says: an updater needs the keys it pins.
    plugin: { ...z.toJSONSchema(pluginSchema, { io: "input" }), dependentRequired: { updater_path: ["public_keys"] } },
    release: z.toJSONSchema(releaseSchema, { io: "input" }),
  };
}
