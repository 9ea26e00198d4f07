/**
 * The single source of truth for the YAML inputs: TypeScript types, validation (with messages
 * that point at file:line:col, see parse-tree.ts) and the JSON Schema files editors use all
 * come from these definitions.
 */
import { z } from "zod";
import {
  API_PATH,
  apiBaseProblem,
  CHANNELS,
  type Channel,
  GEEKLOG_PLUGIN_NAME_PATTERN,
  GEEKLOG_VERSION_MAX_LENGTH,
  geeklogUnsafeCharacter,
  PLATFORMS,
  SLUG_MAX_LENGTH,
  SLUG_PATTERN,
  STATUSES,
  type Status,
} from "../contract/index.ts";
import { ASSET_PATH_PATTERN, isAssetPath } from "./plugin-assets.ts";

/**
 * What each status means for the build: whether it is packaged, which channel's sites are
 * offered it, and whether it needs a release date.
 */
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

const requirementVersion = z
  .string()
  .regex(/^\d+(\.\d+){0,2}$/, { message: 'expected a version like "7.4" or "6.5.2"' });

/**
 * Upper bounds on free text, in characters. Every published document and page carries these
 * texts, and the Worker holds releases.json in memory per isolate, so one runaway field must
 * not grow them without bound; a real plugin stays far below each. The README's field tables
 * list them; the JSON Schema files carry them as maxLength.
 */
export const TEXT_LIMITS = {
  /** Markdown of one release's changelog, and of the plugin description. */
  markdown: 65536,
  /** upgrade_notice and deprecation_reason: a sentence or two shown with an update. */
  notice: 4096,
  /** Names: the plugin's name and its author. */
  name: 200,
  /** Any URL. */
  url: 2048,
  /** One exclude glob, and how many there may be. */
  pattern: 1024,
  patterns: 256,
} as const;

/** Letters, digits, "-._~" and percent escapes: the characters any URL may show unescaped. */
const URL_SAFE = "A-Za-z0-9._~";
/**
 * api_base and site_url: scheme, host, port and a path, nothing else. These two are joined
 * with paths into every document and written into the PHP updater inside each package, so a
 * quote, `*` or `;` in them must never get that far.
 */
const BASE_URL_CHARACTERS = new RegExp(`^(?:[${URL_SAFE}:/-]|%[0-9A-Fa-f]{2})*$`);
/** Other URLs (homepage, banners, icons) may also carry a query, a fragment and "@" in a path. */
const LINK_URL_CHARACTERS = new RegExp(`^(?:[${URL_SAFE}:/?#@&=+,;-]|%[0-9A-Fa-f]{2})*$`);

/**
 * Why `value` is not an http(s) URL written exactly as a browser reads it, or null when it is:
 * `new URL(value).href` gives the same text back (a bare origin may leave out the final "/"),
 * no user name or password, and only characters that mean the same everywhere they are
 * copied to (HTML, JSON, PHP). `base` also refuses a query, a fragment and a trailing slash,
 * since paths are appended to it.
 */
function checkHttpUrl(value: string, kind: "base" | "api" | "link"): string | null {
  const characters = kind === "link" ? LINK_URL_CHARACTERS : BASE_URL_CHARACTERS;
  const allowed =
    kind === "link"
      ? "letters, digits and - . _ ~ : / ? # @ & = + , ; (and %XX escapes)"
      : "letters, digits and - . _ ~ : / (and %XX escapes)";
  if (value.length > TEXT_LIMITS.url) {
    return `expected at most ${TEXT_LIMITS.url} characters, found a text of ${value.length}`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "expected an http(s) URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "expected an http(s) URL";
  if (url.username || url.password) return "expected a URL without a user name or password";
  if (kind !== "link") {
    if (value.includes("?")) return "expected no query (?...): paths are appended to this URL";
    if (value.includes("#")) return "expected no fragment (#...): paths are appended to this URL";
    if (value.endsWith("/")) {
      return `expected no trailing slash (${JSON.stringify(value.replace(/\/+$/, ""))}): paths are appended to this URL`;
    }
  }
  if (!characters.test(value)) {
    // Often the browser's own escaping is the fix: a space becomes %20, "é" %C3%A9.
    const escaped = kind === "link" ? url.href : url.href.replace(/\/$/, "");
    const fix = characters.test(escaped) ? ` (as a browser writes it: ${JSON.stringify(escaped)})` : "";
    return `expected only ${allowed} in this URL${fix}`;
  }
  const bareOrigin = url.pathname === "/" && !url.search && !url.hash && `${url.href}` === `${value}/`;
  if (url.href !== value && !bareOrigin) {
    return `expected the URL as a browser reads it (${JSON.stringify(url.href)})`;
  }
  // The contract's rule, the one the Worker's routes follow: api_base is <origin>/api.
  return kind === "api" ? apiBaseProblem(value) : null;
}

function httpUrl(kind: "base" | "api" | "link") {
  const characters = kind === "link" ? LINK_URL_CHARACTERS : BASE_URL_CHARACTERS;
  return z
    .string()
    .superRefine((value, context) => {
      const problem = checkHttpUrl(value, kind);
      if (problem) context.addIssue({ code: "custom", input: value, message: problem });
    })
    .meta({
      format: "uri",
      maxLength: TEXT_LIMITS.url,
      // For editors: the same characters, and for api_base an origin followed by /api.
      pattern: kind === "api" ? `^(?=${characters.source.slice(1, -1)}$)https?://[^/]+${API_PATH}$` : characters.source,
    });
}

/**
 * An icon or banner: an image in the plugin's own assets/ folder (`assets/icon-256x256.png`),
 * which the build publishes with the feed and the pages show, or the URL of one elsewhere,
 * which only info.json carries (the pages load nothing from another origin).
 */
const imageReference = z
  .string()
  .superRefine((value, context) => {
    const refuse = (message: string) => context.addIssue({ code: "custom", input: value, message });
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) {
      if (!isAssetPath(value)) {
        refuse(
          "expected an image in the plugin's assets/ folder, like assets/icon-256x256.png (.png, .jpg, .jpeg, .gif, .webp or .svg), or an http(s) URL",
        );
      }
      return;
    }
    const problem = checkHttpUrl(value, "link");
    if (problem) refuse(problem);
  })
  .meta({
    anyOf: [
      { pattern: ASSET_PATH_PATTERN.source },
      { format: "uri", maxLength: TEXT_LIMITS.url, pattern: LINK_URL_CHARACTERS.source },
    ],
  });
const httpsUrl = httpUrl("link");
const baseUrl = httpUrl("base");
const apiBaseUrl = httpUrl("api");
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
/** A key of Geeklog's $_TABLES (the table's name without the site's prefix), as its plugins name tables. */
export const GEEKLOG_TABLE_KEY = /^[A-Za-z0-9_]{1,64}$/;
/** Limits of a Geeklog release's SQL: statements, and characters of one. */
export const GEEKLOG_SQL_LIMITS = { statements: 256, characters: 65536, tables: 64 } as const;

/**
 * The fields only WordPress reads, each with why: a Geeklog plugin.yaml that sets one is
 * refused at it (a field that would do nothing is a mistake to point out, not to drop).
 */
export const WORDPRESS_ONLY_FIELDS = {
  main_file: "Geeklog's plugin file is plugins/functions.inc in the source",
  version_constant: "the Geeklog repository records the version in its plugins table",
  requires_wp: "use geeklog.requires_geeklog",
  tested_wp: "use geeklog.requires_geeklog",
  updater_path: "the Geeklog repository client installs the updates",
  public_keys: "they are pinned by feedwright's WordPress updater",
  updater_credentials: "they are read by feedwright's WordPress updater",
  banners: "they are shown in WordPress's details dialog",
  icons: "they are shown in WordPress's details dialog",
} as const;

/** The release fields only WordPress (or the Worker's WordPress check) reads. */
export const WORDPRESS_ONLY_RELEASE_FIELDS = {
  requires_wp: "use geeklog.requires_geeklog",
  tested_wp: "use geeklog.requires_geeklog",
  rollout: "the Geeklog client sends no site id to place a site in a rollout",
  guard: "a Geeklog release has no rollout for a guard to halt",
} as const;

/** name, description and author for Geeklog: the characters its client writes unescaped where they break it. */
function refuseGeeklogUnsafeText(
  plugin: { name?: unknown; description?: unknown; author?: unknown },
  context: z.core.$RefinementCtx,
): void {
  for (const field of ["name", "description", "author"] as const) {
    const value = plugin[field];
    if (typeof value !== "string") continue;
    const unsafe = geeklogUnsafeCharacter(value, field === "name" ? "name" : "text");
    if (!unsafe) continue;
    const where =
      unsafe.breaks === "SQL"
        ? "into SQL (its plugin_repository_list table)"
        : unsafe.breaks === "HTML"
          ? "into its admin pages as HTML"
          : "into a form value it splits on commas";
    context.addIssue({
      code: "custom",
      path: [field],
      input: value,
      message: `the Geeklog repository client writes this text unescaped ${where}, so it must not contain ${JSON.stringify(unsafe.character)} (found at character ${unsafe.index + 1})`,
    });
  }
}

const phpConstant = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, { message: "expected a PHP constant name like MY_PLUGIN_VERSION" });

export const pluginSchema = z
  .strictObject({
    $schema: z
      .string()
      .max(TEXT_LIMITS.url)
      .optional()
      .describe("Editors' pointer to this schema; ignored by the build."),
    name: z.string().min(1).max(TEXT_LIMITS.name).describe("Display name, as in the plugin header."),
    slug: z
      .string()
      .regex(SLUG_PATTERN, {
        message: "expected lower-case letters, digits and dashes, starting with a letter or digit",
      })
      .max(SLUG_MAX_LENGTH)
      .describe("Immutable identifier; names the folder inside the ZIP and every URL."),
    platform: z.enum(PLATFORMS).describe("wordpress, geeklog or custom (shopify is treated as custom)."),
    description: z
      .string()
      .min(1)
      .max(TEXT_LIMITS.markdown)
      .describe("Markdown; shown in the details dialog and the pages."),
    homepage: httpsUrl,
    author: z.string().min(1).max(TEXT_LIMITS.name),
    author_homepage: httpsUrl.optional(),
    main_file: relativePath
      .optional()
      .describe("The file holding the plugin header and the version constant (WordPress; required there)."),
    version_constant: phpConstant
      .optional()
      .describe("The PHP constant the main file defines as the version (WordPress; required there)."),
    requires_php: requirementVersion,
    requires_wp: requirementVersion.optional().describe("WordPress only; required there."),
    tested_wp: requirementVersion.optional().describe("WordPress only; required there."),
    exclude: z
      .array(z.string().min(1).max(TEXT_LIMITS.pattern))
      .max(TEXT_LIMITS.patterns)
      .default([])
      .describe("Globs added to the default list of dev files."),
    retain: z.number().int().min(0).max(100).default(3).describe("How many superseded releases stay downloadable."),
    api_base: apiBaseUrl.describe(
      `The Worker's API URL: its origin followed by ${API_PATH} (e.g. https://updates.example.com${API_PATH}), without a trailing slash; must appear in the packaged main file.`,
    ),
    site_url: baseUrl
      .optional()
      .describe(
        "Where the built folder is published, without a trailing slash, query or fragment; defaults to the origin of api_base.",
      ),
    channels: z
      .array(z.enum(CHANNELS))
      .min(1)
      .default([...CHANNELS]),
    private: z.boolean().default(false).describe("Downloads need a signed URL."),
    active: z
      .boolean()
      .default(true)
      .describe(
        "false: the plugin stays in git and on its pages, but no site is offered anything and nothing is downloadable.",
      ),
    banners: z
      .strictObject({ low: imageReference.optional(), high: imageReference.optional() })
      .optional()
      .describe("Banner images (772x250 and 1544x500): assets/<file> in the plugin's folder, or URLs."),
    icons: z
      .strictObject({
        "1x": imageReference.optional(),
        "2x": imageReference.optional(),
        svg: imageReference.optional(),
      })
      .optional()
      .describe("Icons (128x128, 256x256, SVG): assets/<file> in the plugin's folder, or URLs."),
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
    geeklog: z
      .strictObject({
        name: z
          .string()
          .regex(GEEKLOG_PLUGIN_NAME_PATTERN, {
            message:
              "expected a Geeklog plugin name: lower-case letters, digits and _, starting with a letter, at most 30",
          })
          .describe(
            "The plugin's name in Geeklog's plugins table (pi_name): its folders are admin/plugins/<name>, <name> and plugins/<name>.",
          ),
        requires_geeklog: requirementVersion.describe("The lowest Geeklog version it runs on, e.g. 1.6.0."),
      })
      .optional()
      .describe("Geeklog only (and required there): the plugin's name in Geeklog and the Geeklog it needs."),
  })
  .superRefine(
    (plugin, context) => {
      // Also run when other fields have problems: a text or a list in place of the mapping is one.
      if (typeof plugin !== "object" || plugin === null || Array.isArray(plugin)) return;
      const given = (field: string) => (plugin as Record<string, unknown>)[field] !== undefined;
      const knownPlatform = (PLATFORMS as readonly unknown[]).includes(plugin.platform);
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
      if (plugin.platform === "geeklog") {
        for (const [field, why] of Object.entries(WORDPRESS_ONLY_FIELDS)) {
          if (!given(field)) continue;
          context.addIssue({
            code: "custom",
            path: [field],
            input: (plugin as Record<string, unknown>)[field],
            message: `only for platform wordpress, not geeklog: ${why}`,
          });
        }
        if (plugin.private === true) {
          context.addIssue({
            code: "custom",
            path: ["private"],
            input: true,
            message:
              "expected false for platform geeklog: the Geeklog repository client cannot send an API key for a signed download URL",
          });
        }
        if (!given("geeklog")) {
          context.addIssue({
            code: "custom",
            path: ["geeklog"],
            input: undefined,
            message:
              "required for platform geeklog (expected geeklog: {name: <the plugin's name in Geeklog>, requires_geeklog: <version>})",
          });
        }
        refuseGeeklogUnsafeText(plugin, context);
      } else {
        if (given("geeklog")) {
          context.addIssue({
            code: "custom",
            path: ["geeklog"],
            input: plugin.geeklog,
            message: `only for platform geeklog, not ${String(plugin.platform)}`,
          });
        }
        for (const field of ["main_file", "version_constant", "requires_wp", "tested_wp"] as const) {
          if (given(field)) continue;
          context.addIssue({
            code: "custom",
            path: [field],
            input: undefined,
            message: knownPlatform
              ? `required for platform ${String(plugin.platform)}`
              : "required field is missing (expected a text)",
          });
        }
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
    $schema: z.string().max(TEXT_LIMITS.url).optional(),
    // The semver package reads no version longer than 256 characters.
    version: z.string().min(1).max(256).describe("Semantic version; must equal the file name."),
    status: z.enum(STATUSES),
    changelog: z
      .string()
      .max(TEXT_LIMITS.markdown)
      .default("")
      .describe("Markdown; required for anything offered to sites."),
    released_at: z.iso
      .datetime({ offset: true, message: "expected an ISO 8601 time like 2026-01-09T12:00:00Z" })
      .optional(),
    requires_php: requirementVersion.optional(),
    requires_wp: requirementVersion.optional(),
    tested_wp: requirementVersion.optional(),
    force_update: z.boolean().default(false).describe("Security release: offered with autoupdate and force_update."),
    rollout: z.number().int().min(1).max(100).optional().describe("Percent of sites offered this release."),
    guard: z
      .strictObject({
        // Whole points: judgeGuard compares exactly by cross-multiplying integers, which a
        // fraction such as 0.57 (56.99999999999999 when multiplied by 100) would not be.
        max_error_rise_points: z
          .number()
          .int()
          .min(0)
          .max(100)
          .describe(
            "Whole percentage points the error share among sites on this release may exceed the share on the release before it (its baseline); more halts the rollout.",
          ),
        min_sites: z
          .number()
          .int()
          .min(1)
          .max(10_000_000)
          .describe("The guard judges only once at least this many sites on this release have reported."),
      })
      .optional()
      .describe(
        "Rollout guard (only with rollout below 100, not on a deprecated release, not for Geeklog): the Worker halts this release's rollout when its sites report errors this much more often than on the release before it.",
      ),
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
    updater_version: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        "The feedwright updater version (site/updater/<N>/) the package was built with; recorded with sha256 when the plugin has updater_path. Without it: the newest.",
      ),
    upgrade_notice: z.string().max(TEXT_LIMITS.notice).optional().describe("Short text shown with the update."),
    deprecation_reason: z
      .string()
      .max(TEXT_LIMITS.notice)
      .optional()
      .describe("Told to sites still on a deprecated release."),
    geeklog: z
      .strictObject({
        kind: z
          .enum(["upgrade", "patch"])
          .describe(
            "upgrade: a new version (the plugins table's pi_version); patch: the same version with an update number (pi_update_count).",
          ),
        update: z
          .number()
          .int()
          .min(1)
          .max(999_999_999)
          .optional()
          .describe(
            "A patch's update number (required for a patch): the version is <version>+update.<update>; higher than every earlier patch's.",
          ),
        from: z
          .string()
          .min(1)
          .max(GEEKLOG_VERSION_MAX_LENGTH)
          .optional()
          .describe("An upgrade's version it upgrades from (default: the release before it)."),
        sql: z
          .array(z.string().min(1).max(GEEKLOG_SQL_LIMITS.characters))
          .max(GEEKLOG_SQL_LIMITS.statements)
          .default([])
          .describe(
            "SQL statements the client runs, in order; write a table as {$_TABLES['key']} (the site's prefix is added).",
          ),
        backup_tables: z
          .array(
            z.string().regex(GEEKLOG_TABLE_KEY, {
              message: "expected a key of Geeklog's $_TABLES: letters, digits and _",
            }),
          )
          .max(GEEKLOG_SQL_LIMITS.tables)
          .default([])
          .describe("Keys of Geeklog's $_TABLES the client backs up before it runs the SQL."),
        update_class: z
          .enum(["rendered", "own"])
          .default("rendered")
          .describe(
            "rendered: the build writes update.php from sql and backup_tables; own: the source's update.php is used (checked with php -l), and sql and backup_tables stay empty.",
          ),
        requires_geeklog: requirementVersion.optional().describe("Overrides the plugin's."),
      })
      .optional()
      .describe("Geeklog only (and required there): patch or upgrade, the SQL to run and the tables to back up."),
  })
  .describe("feedwright release definition: releases/<slug>/<version>.yaml");

export type PluginDefinition = z.output<typeof pluginSchema>;
export type ReleaseDefinition = z.output<typeof releaseSchema>;

export function generateJsonSchemas(): Record<"plugin" | "release", object> {
  const wordpressOnly = Object.fromEntries(Object.keys(WORDPRESS_ONLY_FIELDS).map((field) => [field, false]));
  return {
    plugin: {
      ...z.toJSONSchema(pluginSchema, { io: "input" }),
      // JSON Schema says what the refinement says: an updater needs the keys it pins; a
      // Geeklog plugin needs its geeklog block and none of WordPress's fields, any other
      // platform WordPress's fields and no geeklog block.
      dependentRequired: { updater_path: ["public_keys"] },
      if: { properties: { platform: { const: "geeklog" } }, required: ["platform"] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else keywords, not a promise
      then: { required: ["geeklog"], properties: { ...wordpressOnly, private: { const: false } } },
      else: {
        required: ["main_file", "version_constant", "requires_wp", "tested_wp"],
        properties: { geeklog: false },
      },
    },
    release: {
      ...z.toJSONSchema(releaseSchema, { io: "input" }),
      // What the build checks of a guard (parse-tree.ts): a partial rollout, and a release
      // that is not withdrawn. (That a Geeklog release has none depends on plugin.yaml.)
      dependentSchemas: {
        guard: {
          required: ["rollout"],
          properties: { rollout: { maximum: 99 }, status: { not: { const: "deprecated" } } },
        },
      },
    },
  };
}
