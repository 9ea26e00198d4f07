/**
 * Geeklog's plugin repository, as the repository client of Geeklog (its admin/plugins.php and
 * pluginupdater class, from the 2009 repository work; copied unchanged under test/geeklog/)
 * calls it, and as the build, the Worker and `feedwright verify` serve and check it:
 *
 * - the client registers a repository only at a URL matching `^http://[a-zA-Z0-9\-\./_\-]+/repository/main`
 *   (plain http, no port) whose `status.rep` answers 200 with PHP's serialize(200);
 * - it pulls `<repository>/cmd/list.php`: `<repository>` of `<plugin>` elements, every value
 *   written into its own SQL unescaped (so a quote or a backslash in one breaks it);
 * - it posts `<repository>/cmd/nchkpdate.php?cmd=2` with the form field REPOSITORY_ARRAY_PATCHES,
 *   `serialize(array(listing id => array(version, update count)))`, and reads `<patch>` and
 *   `<upgrade>` elements back;
 * - it downloads `patches/get_patch.php?pid=`, `upgrades/get_upgrade.php?pid=` and
 *   `get.php?pid=`, following a redirect to the archive.
 *
 * The listing and status.rep are static files the build writes; the check and the downloads
 * are the Worker's (they depend on the query). Everything they share is here, written once.
 */
import { type PhpValue, parsePhpSerialized } from "./php-serialized.ts";

/** The repository's folder in the published folder: the client needs the path to end in /repository/main. */
export const GEEKLOG_REPOSITORY_FOLDER = "geeklog/repository/main";

/** The files and endpoints below the repository URL, as the client names them. */
export const GEEKLOG_ENDPOINTS = {
  status: "status.rep",
  listing: "cmd/list.php",
  check: "cmd/nchkpdate.php",
  get: "get.php",
  patch: "patches/get_patch.php",
  upgrade: "upgrades/get_upgrade.php",
} as const;
export type GeeklogEndpoint = keyof typeof GEEKLOG_ENDPOINTS;

/** An endpoint's path in the published folder (and below the Worker's origin, without the leading slash). */
export function geeklogPath(endpoint: GeeklogEndpoint): string {
  return `${GEEKLOG_REPOSITORY_FOLDER}/${GEEKLOG_ENDPOINTS[endpoint]}`;
}

/** What the Worker reads to answer the check and the downloads: every listed version and update, by id. */
export const GEEKLOG_INDEX_PATH = "geeklog/repository.json";
export const GEEKLOG_INDEX_FORMAT = "feedwright-geeklog/1";

/** status.rep: PHP's serialize(200), which the client unserializes and compares with 200. */
export const GEEKLOG_STATUS_BODY = "i:200;";

/** The check: `?cmd=2`, form field REPOSITORY_ARRAY_PATCHES. */
export const GEEKLOG_CHECK_COMMAND = "2";
export const GEEKLOG_CHECK_FIELD = "REPOSITORY_ARRAY_PATCHES";

/** The archive extension the client's unpacker reads the type from. */
export const GEEKLOG_ARCHIVE_EXTENSION = ".zip";

/**
 * The client's own test of a repository URL (admin/plugins.php, add_repository(), an ereg
 * without an end anchor), as a JavaScript pattern: plain http, a host and path of letters,
 * digits, `-`, `.`, `/` and `_` (so no port), then /repository/main.
 */
export const GEEKLOG_REPOSITORY_URL_PATTERN = /^http:\/\/[a-zA-Z0-9\-./_]+\/repository\/main/;

/**
 * The repository URL a Geeklog site adds for a feed served at `siteUrl`: the same host and
 * path on plain http (the client accepts nothing else), or why there is none (a port, which
 * the client's pattern refuses).
 */
export function geeklogRepositoryUrl(siteUrl: string): { url: string; problem: string | null } {
  const site = new URL(siteUrl);
  const path = site.pathname.replace(/\/+$/, "");
  const url = `http://${site.hostname}${path}/${GEEKLOG_REPOSITORY_FOLDER}`;
  if (site.port !== "")
    return {
      url,
      problem: `the Geeklog client accepts no port in a repository URL: serve the feed at ${site.hostname} on port 80 (plain http)`,
    };
  if (!GEEKLOG_REPOSITORY_URL_PATTERN.test(url))
    return { url, problem: "the Geeklog client accepts only letters, digits, - . / _ in a repository URL" };
  return { url, problem: null };
}

/**
 * A Geeklog plugin's name in the plugins table (pi_name, VARCHAR(30)): the client builds
 * paths and SQL from it unescaped, so only lower-case letters, digits and underscores.
 */
export const GEEKLOG_PLUGIN_NAME_PATTERN = /^[a-z][a-z0-9_]{0,29}$/;

/** The plugins table keeps pi_version in a VARCHAR(20). */
export const GEEKLOG_VERSION_MAX_LENGTH = 20;

/**
 * Characters the client writes unescaped where they break it, for each text the listing and
 * the check carry: into SQL inside single quotes (`'`, `\`), into its admin pages as HTML
 * (`<`, `>`), and, for a name, into a form value it splits on commas and quotes with `'`.
 */
export const GEEKLOG_UNSAFE_CHARACTERS = {
  text: { "'": "SQL", "\\": "SQL", "<": "HTML", ">": "HTML" },
  name: { "'": "SQL", "\\": "SQL", "<": "HTML", ">": "HTML", '"': "HTML", ",": "its form value" },
} as const satisfies Record<string, Record<string, string>>;

/** The first character of `text` the client cannot carry, with where it breaks; null when there is none. */
export function geeklogUnsafeCharacter(
  text: string,
  kind: keyof typeof GEEKLOG_UNSAFE_CHARACTERS,
): { character: string; index: number; breaks: string } | null {
  const rules: Record<string, string> = GEEKLOG_UNSAFE_CHARACTERS[kind];
  for (let index = 0; index < text.length; index += 1) {
    const character = text.charAt(index);
    const breaks = Object.hasOwn(rules, character) ? rules[character] : undefined;
    if (breaks !== undefined) return { character, index, breaks };
  }
  return null;
}

/** One version of a plugin in the listing: what a site running it is found by (name and version). */
export interface GeeklogListingEntry {
  /** The listing id (plugin_id), 1 to 2^31-1. */
  id: number;
  slug: string;
  /** The feedwright release it came from. */
  version: string;
  /** What the plugins table records (pi_version). */
  geeklog_version: string;
  name: string;
  plugin_name: string;
  description: string;
  author: string;
  /** Geeklog and PHP versions it needs, as text ("Geeklog 1.6.0, PHP 5.2"). */
  requirements: string;
  /** 1 when the release declares SQL or tables (the listing's "db"). */
  db: 0 | 1;
  state: string;
  /** The package file in plugins/<slug>/, null when it is no longer kept. */
  file: string | null;
}

/** A patch or upgrade a site may be offered. */
export interface GeeklogUpdateItem {
  /** The item id (pid of get_patch.php / get_upgrade.php; the form field name on the client). */
  id: number;
  kind: "patch" | "upgrade";
  slug: string;
  version: string;
  /** The version it leaves the plugins table at. */
  geeklog_version: string;
  /** The Geeklog version a site must run to be offered it. */
  from: string;
  /** A patch's update number (the plugins table's pi_update_count after it); null for an upgrade. */
  update: number | null;
  /** The plugin's display name (an upgrade), or the patch's ("<name> <version> update <n>"). */
  name: string;
  plugin_name: string;
  /** HTML (the rendered changelog), shown by the client as it is. */
  description: string;
  severity: string;
  file: string;
}

/** geeklog/repository.json: every listed version and offered update of the feed's Geeklog plugins. */
export interface GeeklogIndex {
  format: typeof GEEKLOG_INDEX_FORMAT;
  listing: GeeklogListingEntry[];
  items: GeeklogUpdateItem[];
}

/** Text for inside an XML element: the client's XMLReader gives it back as one text node. */
export function xmlText(value: string | number): string {
  return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** `<name>value</name>`, never self-closed: the client reads the node after each start tag as its value. */
function element(name: string, value: string | number): string {
  return `<${name}>${xmlText(value)}</${name}>`;
}

/**
 * cmd/list.php: every listed version, in the element order the client's reference server
 * wrote. Sizes, votes and downloads are not counted here (a static file): 0.
 */
export function renderGeeklogListing(index: Pick<GeeklogIndex, "listing">): string {
  const plugins = index.listing.map((entry) =>
    [
      "<plugin>",
      element("id", entry.id),
      element("name", entry.name),
      element("fname", entry.plugin_name),
      element("version", entry.geeklog_version),
      element("db", entry.db),
      element("dependencies", ""),
      element("soft_dep", entry.requirements),
      element("short_des", entry.description),
      element("credits", entry.author),
      element("vett", 0),
      element("downloads", 0),
      // The one-click install of a new plugin (get.php into plugin_upload()) wants Geeklog's
      // plugin-archive layout, not the update layout packages have: download and copy by hand.
      element("install", 0),
      element("state", entry.state),
      element("ext", GEEKLOG_ARCHIVE_EXTENSION),
      "</plugin>",
    ].join("\n"),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<repository>\n${plugins.map((plugin) => `${plugin}\n`).join("")}</repository>\n`;
}

/** What a site runs, per listing id, as its check says. */
export interface GeeklogInstalled {
  id: number;
  version: string;
  updateCount: number;
}

/**
 * The check's form field, read strictly: PHP-serialized `array(id => array(version, count))`
 * with integer ids, a version of at most 20 characters and a count that is a whole number (the
 * client sends the database's text, or null for a plugin never patched). A problem names what
 * is wrong; nothing of the text is ever evaluated.
 */
export function readGeeklogInstalled(text: string): { installed: GeeklogInstalled[] } | { problem: string } {
  let value: PhpValue;
  try {
    value = parsePhpSerialized(text, { maxDepth: 2, maxElements: 2000, maxStringBytes: 64 });
  } catch (error) {
    return { problem: `not PHP-serialized plain data: ${(error as Error).message}` };
  }
  if (!(value instanceof Map)) return { problem: "expected a serialized array of plugin id => (version, count)" };
  const installed: GeeklogInstalled[] = [];
  for (const [key, entry] of value) {
    const id = typeof key === "number" ? key : /^[1-9][0-9]{0,9}$/.test(key) ? Number(key) : Number.NaN;
    if (!Number.isSafeInteger(id) || id < 1 || id > 2 ** 31 - 1)
      return { problem: `expected plugin ids from 1 to 2147483647, found ${JSON.stringify(key).slice(0, 40)}` };
    const version = entry instanceof Map ? entry.get(0) : undefined;
    const count = entry instanceof Map ? entry.get(1) : undefined;
    if (!(entry instanceof Map) || entry.size !== 2 || version === undefined || count === undefined)
      return { problem: `plugin ${id}: expected array(version, update count)` };
    if (typeof version !== "string" || version === "" || version.length > GEEKLOG_VERSION_MAX_LENGTH)
      return { problem: `plugin ${id}: expected a version of 1 to ${GEEKLOG_VERSION_MAX_LENGTH} characters` };
    const updateCount =
      count === null
        ? 0
        : typeof count === "number"
          ? count
          : /^(0|[1-9][0-9]{0,8})$/.test(String(count))
            ? Number(count)
            : Number.NaN;
    if (!Number.isSafeInteger(updateCount) || updateCount < 0)
      return { problem: `plugin ${id}: expected a whole update count, found ${JSON.stringify(count).slice(0, 40)}` };
    installed.push({ id, version, updateCount });
  }
  return { installed };
}

/** What one check offers: at most one item, with the listing entry it answers for. */
export interface GeeklogOffer {
  item: GeeklogUpdateItem;
  /** The listing id the site sent for the plugin. */
  pluginId: number;
}

/**
 * The one patch or upgrade a check offers, or null. The client installs every checked item
 * in one request, loading each item's update.php, and a second `class UpdatePlugin` is a fatal
 * redeclaration: so one item per answer, and the page the client shows after installing
 * checks again and offers the next. For the first plugin the site sent (in its order) that
 * has one: the lowest update number above the site's count among the patches of the version
 * it runs, else the newest upgrade from that version.
 */
export function decideGeeklogOffer(index: GeeklogIndex, installed: readonly GeeklogInstalled[]): GeeklogOffer | null {
  for (const site of installed) {
    const entry = index.listing.find((candidate) => candidate.id === site.id);
    if (!entry) continue;
    const mine = index.items.filter((item) => item.slug === entry.slug && item.from === site.version);
    const patch = mine
      .filter((item) => item.kind === "patch" && (item.update ?? 0) > site.updateCount)
      .sort((a, b) => (a.update ?? 0) - (b.update ?? 0))[0];
    if (patch) return { item: patch, pluginId: site.id };
    // Newest last in the index (the build writes them in version order).
    const upgrade = mine.filter((item) => item.kind === "upgrade").at(-1);
    if (upgrade) return { item: upgrade, pluginId: site.id };
  }
  return null;
}

/** The check's answer (cmd/nchkpdate.php?cmd=2), in the element order the reference server wrote. */
export function renderGeeklogCheckAnswer(offer: GeeklogOffer | null): string {
  const parts: string[] = [];
  if (offer?.item.kind === "patch") {
    const { item } = offer;
    parts.push(
      [
        "<patch>",
        element("id", item.id),
        element("name", item.name),
        element("plugin_id", offer.pluginId),
        element("applies_num", "eq"),
        element("version", item.from),
        element("severity", item.severity),
        element("automatic_install", 1),
        element("ext", GEEKLOG_ARCHIVE_EXTENSION),
        element("description", item.description),
        element("update_number", item.update ?? 0),
        "</patch>",
      ].join("\n"),
    );
  } else if (offer) {
    const { item } = offer;
    parts.push(
      [
        "<upgrade>",
        element("upgrade_version", item.geeklog_version),
        element("upgrade_name", item.name),
        element("upgrade_version2", item.from),
        element("upgrade_pluginid", offer.pluginId),
        element("upgrade_id", item.id),
        element("upgrade_autoinstall", 1),
        element("upgrade_ext", GEEKLOG_ARCHIVE_EXTENSION),
        element("upgrade_des", item.description),
        "</upgrade>",
      ].join("\n"),
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<repository>\n${parts.map((part) => `${part}\n`).join("")}</repository>\n`;
}

/** Which file a download endpoint's pid names, or null: get.php takes a listing id, the others an item id. */
export function findGeeklogDownload(
  index: GeeklogIndex,
  endpoint: "get" | "patch" | "upgrade",
  pid: number,
): { slug: string; version: string; file: string | null } | null {
  if (endpoint === "get") {
    const entry = index.listing.find((candidate) => candidate.id === pid);
    return entry ? { slug: entry.slug, version: entry.version, file: entry.file } : null;
  }
  const item = index.items.find((candidate) => candidate.id === pid && candidate.kind === endpoint);
  return item ? { slug: item.slug, version: item.version, file: item.file } : null;
}
