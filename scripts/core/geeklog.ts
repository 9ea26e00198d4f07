/**
 * Geeklog as a platform: what a release says (patch or upgrade, its SQL and the tables to back
 * up), the update class Geeklog's repository client loads from the package (update.php), the
 * package's layout, and the repository index the listing, the Worker and `verify` read. The
 * wire format is the contract's (scripts/contract/geeklog.ts); this file fills it in. Pure.
 */
import semver from "semver";
import {
  GEEKLOG_INDEX_FORMAT,
  GEEKLOG_VERSION_MAX_LENGTH,
  type GeeklogIndex,
  type GeeklogListingEntry,
  type GeeklogUpdateItem,
  geeklogPath,
} from "../contract/index.ts";
import { sha256Hex } from "./digest.ts";
import { renderMarkdown } from "./markdown.ts";
import type { FieldPath } from "./parse-yaml.ts";
import type { PluginPlan, ReleasePlan } from "./plan.ts";
import { type Position, type Problem, problemAt } from "./problems.ts";
import { GEEKLOG_TABLE_KEY, type ReleaseDefinition, WORDPRESS_ONLY_RELEASE_FIELDS } from "./schema.ts";
import { phpString } from "./updater.ts";

/** What a Geeklog release is, derived from its YAML and the releases around it. */
export interface GeeklogRelease {
  kind: "patch" | "upgrade";
  /** What the plugins table records after it (pi_version): the version without build metadata. */
  geeklogVersion: string;
  /** The Geeklog version a site runs to be offered it; null for a first release (nothing to upgrade from). */
  from: string | null;
  /** A patch's update number (pi_update_count after it); null for an upgrade. */
  update: number | null;
  sql: string[];
  backupTables: string[];
  /** update.php: rendered from sql and backupTables, or the source's own. */
  updateClass: "rendered" | "own";
}

/** A release as the Geeklog rules see it (parse-tree.ts's Release, before the plan). */
export interface GeeklogRuleInput {
  file: string;
  version: string;
  definition: ReleaseDefinition;
  locate(path: FieldPath, part?: "key" | "value"): Position;
}

/** The build metadata a patch's version carries: `<version>+update.<n>`. */
const PATCH_BUILD = /^update\.(0|[1-9][0-9]*)$/;

/** `{$_TABLES['key']}` in SQL: a table of the plugin, written as Geeklog's own install SQL writes it. */
const TABLE_PLACEHOLDER = /\{\$_TABLES\['([^'\]]*)'\]\}/g;

/**
 * The Geeklog rules of a plugin's releases (sorted oldest first), every problem at its
 * file:line:col; the derived facts of each release that passes, by version. For another
 * platform: only that no release carries a geeklog block.
 */
export function checkGeeklogReleases(
  platform: string,
  releases: readonly GeeklogRuleInput[],
  problems: Problem[],
): Map<string, GeeklogRelease> {
  const derived = new Map<string, GeeklogRelease>();
  const report = (release: GeeklogRuleInput, path: FieldPath, message: string, part?: "key" | "value") =>
    problems.push(problemAt(release.file, release.locate(path, part), message));
  if (platform !== "geeklog") {
    for (const release of releases)
      if (release.definition.geeklog !== undefined)
        report(release, ["geeklog"], `geeklog: only for a plugin of platform geeklog, not ${platform}`);
    return derived;
  }
  const isPatchFile = (release: GeeklogRuleInput) => release.definition.geeklog?.kind === "patch";
  // Versions a site can run: every release that is not a patch.
  const installable = releases.filter((release) => release.definition.geeklog && !isPatchFile(release));
  let highestUpdate: { update: number; release: GeeklogRuleInput } | null = null;
  for (const release of releases) {
    const before = problems.length;
    const { definition, version } = release;
    for (const [field, why] of Object.entries(WORDPRESS_ONLY_RELEASE_FIELDS)) {
      // The guard is pointed at by its key: a block mapping's value starts on the next line.
      if ((definition as Record<string, unknown>)[field] !== undefined)
        report(
          release,
          [field],
          `${field}: only for platform wordpress, not geeklog: ${why}`,
          field === "guard" ? "key" : "value",
        );
    }
    const geeklog = definition.geeklog;
    if (!geeklog) {
      report(
        release,
        ["version"],
        "geeklog: required in a Geeklog plugin's release (expected geeklog: {kind: upgrade} for a new version, or {kind: patch, update: <n>} for the same version with an update number), found nothing",
      );
      continue;
    }
    const parsed = semver.parse(version);
    if (!parsed) continue; // parse-tree reports the version itself
    const base = parsed.version;
    const build = parsed.build.join(".");
    if (base.length > GEEKLOG_VERSION_MAX_LENGTH) {
      report(
        release,
        ["version"],
        `version: Geeklog keeps a plugin's version in a VARCHAR(${GEEKLOG_VERSION_MAX_LENGTH}): expected at most ${GEEKLOG_VERSION_MAX_LENGTH} characters, found "${base}"`,
      );
    }
    if (geeklog.update_class === "own") {
      for (const field of ["sql", "backup_tables"] as const) {
        if (geeklog[field].length > 0)
          report(
            release,
            ["geeklog", field],
            `geeklog.${field}: with update_class: own, the source's update.php declares it (the build cannot check that the two agree), so leave it out`,
          );
      }
    }
    geeklog.sql.forEach((statement, index) => {
      const problem = sqlPlaceholderProblem(statement);
      if (problem) report(release, ["geeklog", "sql", index], `geeklog.sql[${index}]: ${problem}`);
    });
    let from: string | null = null;
    let update: number | null = null;
    if (geeklog.kind === "patch") {
      if (geeklog.from !== undefined)
        report(release, ["geeklog", "from"], "geeklog.from: only for an upgrade (a patch applies to its own version)");
      if (geeklog.update === undefined) {
        report(
          release,
          ["geeklog", "kind"],
          `geeklog.update: a patch needs its update number (what the plugins table's pi_update_count becomes; the version is then ${base}+update.<n>), found nothing`,
        );
        continue;
      }
      update = geeklog.update;
      const expected = `${base}+update.${update}`;
      if (version !== expected) {
        report(
          release,
          ["version"],
          `version: a patch of ${base} with update number ${update} is "${expected}" (and so is its file name), found "${version}"`,
        );
      }
      if (!installable.some((candidate) => candidate.version === base)) {
        report(
          release,
          ["version"],
          `version: a patch applies to a version sites run, but there is no release ${base} (${base}.yaml, kind upgrade) to patch`,
        );
      }
      if (highestUpdate && update <= highestUpdate.update) {
        report(
          release,
          ["geeklog", "update"],
          `geeklog.update: expected more than ${highestUpdate.update} (the update number of ${highestUpdate.release.version}): Geeklog's client keeps a plugin's update count through upgrades and offers only a higher one, found ${update}`,
        );
      }
      if (!highestUpdate || update > highestUpdate.update) highestUpdate = { update, release };
      from = base;
    } else {
      if (geeklog.update !== undefined)
        report(
          release,
          ["geeklog", "update"],
          "geeklog.update: only for a patch (an upgrade moves the version, not the update count)",
        );
      if (build !== "") {
        const same = installable.find((candidate) => candidate !== release && candidate.version === base);
        report(
          release,
          ["version"],
          same || PATCH_BUILD.test(build)
            ? `version: an upgrade must move to a higher version, and ${version} is ${base} to Geeklog (the version of ${same?.file ?? `${base}.yaml`}): for the same version with an update number, write kind: patch`
            : `version: Geeklog records the version without build metadata (+${build}): an upgrade's version is a plain version such as ${base}`,
        );
        continue;
      }
      const earlier = installable.filter(
        (candidate) =>
          candidate !== release && semver.lt(candidate.version, version) && !semver.prerelease(candidate.version),
      );
      if (geeklog.from !== undefined) {
        const named = installable.find((candidate) => candidate.version === geeklog.from);
        if (!named) {
          report(
            release,
            ["geeklog", "from"],
            `geeklog.from: expected the version of an earlier release of this plugin (${earlier.map((candidate) => candidate.version).join(", ") || "there is none"}), found "${geeklog.from}"`,
          );
        } else if (!semver.gt(version, named.version)) {
          report(
            release,
            ["version"],
            `version: an upgrade must move to a higher version than the one it upgrades from: ${version} is not higher than ${named.version} (geeklog.from)`,
          );
        }
        from = geeklog.from;
      } else {
        from = earlier.at(-1)?.version ?? null;
      }
    }
    if (problems.length > before) continue;
    derived.set(version, {
      kind: geeklog.kind,
      geeklogVersion: base,
      from,
      update,
      sql: geeklog.sql,
      backupTables: geeklog.backup_tables,
      updateClass: geeklog.update_class,
    });
  }
  return derived;
}

/** Why a statement's `{$...}` is not a table placeholder the update class can fill in; null when fine. */
function sqlPlaceholderProblem(statement: string): string | null {
  const rest = statement.replace(TABLE_PLACEHOLDER, (whole, key: string) => (GEEKLOG_TABLE_KEY.test(key) ? "" : whole));
  const bad = /\{\$[^}]*\}?/.exec(rest);
  if (!bad) return null;
  return `expected tables written as {$_TABLES['key']} (a key of letters, digits and _) and no other {$...}, found ${JSON.stringify(bad[0].slice(0, 60))}`;
}

/** The three folders of a Geeklog plugin's source and where the client copies each on a site. */
export const GEEKLOG_FOLDERS = {
  admin: "public_html/admin/plugins/<name>/",
  public_html: "public_html/<name>/",
  plugins: "plugins/<name>/",
} as const;
export type GeeklogFolder = keyof typeof GEEKLOG_FOLDERS;

/** The file Geeklog's client loads from the top folder of the archive; the wiki calls it updates.php. */
export const GEEKLOG_UPDATE_FILE = "update.php";

/** The file every Geeklog plugin has, which tells the client's site the plugin is there. */
export const GEEKLOG_REQUIRED_FILE = "plugins/functions.inc";

/**
 * Why a source path cannot be in a Geeklog package; null when it can: only the three folders
 * the client copies, and update.php at the top (the author's own update class).
 */
export function geeklogSourcePathProblem(path: string): string | null {
  if (path === GEEKLOG_UPDATE_FILE) return null;
  const top = path.split("/")[0] ?? "";
  if (path.includes("/") && Object.hasOwn(GEEKLOG_FOLDERS, top)) return null;
  return `${JSON.stringify(path)} is outside admin/, public_html/ and plugins/, the folders Geeklog's client copies (add it to exclude, or move it)`;
}

/** A file the update class checks after the client copied it: folder, path inside it, SHA-1 of its bytes. */
export interface CopiedFile {
  folder: GeeklogFolder;
  path: string;
  sha1: string;
}

/**
 * update.php, rendered from the release: the class Geeklog's client loads (wiki: "a static
 * class named UpdatePlugin, that implements the PluginUpdateInterface"), with the SQL to run,
 * the tables to back up and the plugin's name, and an init() that checks every file of the
 * package arrived at its place with its bytes: the client's copy ignores failures (a folder
 * the web server cannot write), and init() returning false makes it restore and report the
 * update as failed instead of recording the new version. PHP 5.2 syntax, as Geeklog 1.6 ran
 * on; values enter only as PHP string literals (phpString).
 */
export function renderGeeklogUpdateClass(input: {
  pluginName: string;
  title: string;
  release: GeeklogRelease;
  files: readonly CopiedFile[];
}): string {
  const { release } = input;
  const list = (items: readonly string[], indent: string) =>
    items.length === 0 ? "array()" : `array(\n${items.map((item) => `${indent}    ${item},\n`).join("")}${indent})`;
  const sql = release.sql.map(sqlExpression);
  const files = input.files.map(
    (file) => `array(${phpString(file.folder)}, ${phpString(file.path)}, ${phpString(file.sha1)})`,
  );
  const what =
    release.kind === "patch"
      ? `patch ${release.geeklogVersion} update ${release.update}`
      : release.from
        ? `upgrade from ${release.from} to ${release.geeklogVersion}`
        : `version ${release.geeklogVersion}`;
  return `<?php
// ${phpCommentText(input.title)}: ${what}.
// Written by feedwright from the release's YAML. Geeklog's repository client loads this file
// from the archive's top folder, backs up the tables named in $_SQL_PTABLES, runs $_SQL_DATA,
// copies admin/, public_html/ and plugins/ to the plugin's folders, then calls init().

class UpdatePlugin implements PluginUpdateInterface
{
    public static $_SQL_DATA = array();
    public static $_SQL_PTABLES = ${list(release.backupTables.map(phpString), "    ")};
    public static $PLUGIN_NAME = ${phpString(input.pluginName)};

    // What this update is, for Geeklog's error log.
    public static $FEEDWRIGHT_TITLE = ${phpString(input.title)};

    // Every file of the package: folder, path inside it, SHA-1 of its bytes.
    public static $FEEDWRIGHT_FILES = ${list(files, "    ")};

    // A table of the plugin by its key in $_TABLES, or with the site's prefix when the
    // running plugin does not know it yet (a table this update creates).
    public static function table($key)
    {
        global $_TABLES, $_DB_table_prefix;
        return isset($_TABLES[$key]) ? $_TABLES[$key] : $_DB_table_prefix . $key;
    }

    // Called after the SQL and the copies: false (a file missing or different) makes the
    // client restore and report the update as failed.
    public static function init()
    {
        global $_CONF;
        $places = array(
            'admin' => $_CONF['path_html'] . 'admin/plugins/' . self::$PLUGIN_NAME . '/',
            'public_html' => $_CONF['path_html'] . self::$PLUGIN_NAME . '/',
            'plugins' => $_CONF['path'] . 'plugins/' . self::$PLUGIN_NAME . '/',
        );
        foreach (self::$FEEDWRIGHT_FILES as $file) {
            $target = $places[$file[0]] . $file[1];
            if (!is_file($target) || sha1_file($target) !== $file[2]) {
                self::log('update.php found ' . $target . ' missing or not as packaged: the update is not recorded');
                return false;
            }
        }
        self::log('update.php found all ' . count(self::$FEEDWRIGHT_FILES) . ' files in place');
        return true;
    }

    // A line in Geeklog's error log (logs/error.log), where a site administrator looks.
    private static function log($message)
    {
        if (function_exists('COM_errorLog')) {
            COM_errorLog(self::$FEEDWRIGHT_TITLE . ': ' . $message, 1);
        }
    }
}

UpdatePlugin::$_SQL_DATA = ${list(sql, "")};
`;
}

/** A statement as a PHP expression: its text, with each table placeholder the site's table name. */
function sqlExpression(statement: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const match of statement.matchAll(TABLE_PLACEHOLDER)) {
    const at = match.index ?? 0;
    if (at > last) parts.push(phpString(statement.slice(last, at)));
    parts.push(`UpdatePlugin::table(${phpString(match[1] ?? "")})`);
    last = at + match[0].length;
  }
  if (last < statement.length || parts.length === 0) parts.push(phpString(statement.slice(last)));
  return parts.join(" . ");
}

/** Text for a `//` comment: printable ASCII only, no `?>`. */
function phpCommentText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?").replace(/\?>/g, "? >");
}

/**
 * An id for the listing or an update: the first 31 bits of SHA-256 over what it names, so it
 * stays the same from build to build (a site keeps the listing it last pulled) and fits the
 * client's INT column. Never 0.
 */
export function geeklogId(kind: "listing" | "item", slug: string, version: string): number {
  const digest = sha256Hex(`feedwright geeklog\n${kind}\n${slug}\n${version}`);
  return Number.parseInt(digest.slice(0, 8), 16) & 0x7fffffff || 1;
}

/** What a Geeklog release needs: Geeklog and PHP. */
export function geeklogRequirements(plugin: PluginPlan, release: ReleasePlan): { geeklog: string; php: string } {
  return {
    geeklog: release.definition.geeklog?.requires_geeklog ?? plugin.definition.geeklog?.requires_geeklog ?? "",
    php: release.definition.requires_php ?? plugin.definition.requires_php,
  };
}

/** Releases a Geeklog site is listed and offered: built, on the stable channel's statuses. */
function isListed(release: ReleasePlan): boolean {
  return release.built && release.status !== "testing" && release.status !== "staged" && release.geeklog !== null;
}

/**
 * geeklog/repository.json: every version a site may run (listing) and every update it may be
 * offered (items), across the feed's Geeklog plugins. Throws when two ids collide (the build
 * reports it; a 31-bit id makes that rare enough to fix by hand, by a new version).
 */
export function renderGeeklogIndex(plugins: readonly PluginPlan[]): GeeklogIndex | null {
  const geeklogPlugins = plugins.filter((plugin) => plugin.definition.platform === "geeklog");
  if (geeklogPlugins.length === 0) return null;
  const listing: GeeklogListingEntry[] = [];
  const items: GeeklogUpdateItem[] = [];
  for (const plugin of geeklogPlugins) {
    const { definition } = plugin;
    const pluginName = definition.geeklog?.name ?? plugin.slug;
    for (const release of plugin.releases.filter(isListed)) {
      const geeklog = release.geeklog;
      if (!geeklog) continue;
      const requirements = geeklogRequirements(plugin, release);
      if (geeklog.kind === "upgrade") {
        listing.push({
          id: geeklogId("listing", plugin.slug, release.version),
          slug: plugin.slug,
          version: release.version,
          geeklog_version: geeklog.geeklogVersion,
          name: definition.name,
          plugin_name: pluginName,
          description: definition.description,
          author: definition.author,
          requirements: `Geeklog ${requirements.geeklog}, PHP ${requirements.php}`,
          db: geeklog.sql.length > 0 || geeklog.backupTables.length > 0 ? 1 : 0,
          state: release.status,
          file: release.packaged ? release.fileName : null,
        });
      }
      if (!release.packaged || release.channel !== "stable" || geeklog.from === null) continue;
      items.push({
        id: geeklogId("item", plugin.slug, release.version),
        kind: geeklog.kind,
        slug: plugin.slug,
        version: release.version,
        geeklog_version: geeklog.geeklogVersion,
        from: geeklog.from,
        update: geeklog.update,
        name:
          geeklog.kind === "patch"
            ? `${definition.name} ${geeklog.geeklogVersion} update ${geeklog.update}`
            : definition.name,
        plugin_name: pluginName,
        description: renderMarkdown(release.definition.changelog),
        severity: release.definition.force_update ? "security" : "normal",
        file: release.fileName,
      });
    }
  }
  const seen = new Map<number, string>();
  for (const [id, what] of [
    ...listing.map((entry) => [entry.id, `${entry.slug} ${entry.version} (listing)`] as const),
    ...items.map((item) => [item.id, `${item.slug} ${item.version} (${item.kind})`] as const),
  ]) {
    const other = seen.get(id);
    if (other) throw new Error(`Geeklog ids collide: ${other} and ${what} both have id ${id}`);
    seen.set(id, what);
  }
  return { format: GEEKLOG_INDEX_FORMAT, listing, items };
}

/** The repository's published files besides the index: status.rep and the listing. */
export const GEEKLOG_STATIC_PATHS = { status: geeklogPath("status"), listing: geeklogPath("listing") } as const;
