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

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const requirementVersion = z
  .string()
  .regex(/^\d+(\.\d+){0,2}$/, { message: 'expected a version like "7.4" or "6.5.2"' });
const httpsUrl = z.url({ protocol: /^https?$/, message: "expected an http(s) URL" });
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
    main_file: z
      .string()
      .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, { message: "expected a relative path like my-plugin.php" })
      .refine((path) => !path.split("/").includes(".."), { message: "expected a path inside the plugin" })
      .describe("The file holding the plugin header and the version constant."),
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
  })
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
      .regex(/^[0-9a-f]{7,64}$/, { message: "expected a git commit or tree id (hex)" })
      .optional()
      .describe("Git commit (or tree) holding source/<slug> for this release."),
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
    plugin: z.toJSONSchema(pluginSchema, { io: "input" }),
    release: z.toJSONSchema(releaseSchema, { io: "input" }),
  };
}
