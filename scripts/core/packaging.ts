/**
 * Turning a plugin's source files into its distributable ZIP: which files go in, how the
 * version is stamped into the main file, and how the archive is written so that the same
 * inputs give the same bytes on every machine.
 */
import picomatch from "picomatch";
import { type ZipItem, zipSortedItems } from "./zip-writer.js";

/**
 * Development files never packaged: the list the service feedwright replaces left out of its
 * ZIPs, so a package built here holds the same files (README, Packaging).
 */
export const DEFAULT_EXCLUDES = [".git", "tests", "__pycache__", "*.bak", ".DS_Store", "*tester*"] as const;

/** Bump when anything here changes the bytes of a package: it is part of the cache key. */
export const PACKAGER_REVISION = "1";

/** White space as PHP's lexer knows it; `\s` would also take U+00A0 and U+0085, which PHP does not. */
const PHP_SPACE = "[ \\t\\r\\n]*";

/**
 * A pattern without a slash matches any single path segment (like .gitignore); one with a
 * slash matches the path from the plugin root. A match on a folder drops everything below it.
 */
export function createExcludeMatcher(extra: readonly string[]): (relativePath: string) => boolean {
  const patterns = [...DEFAULT_EXCLUDES, ...extra];
  const segmentMatchers = patterns.filter((p) => !p.includes("/")).map((p) => picomatch(p, { dot: true }));
  const pathMatchers = patterns
    .filter((p) => p.includes("/"))
    .map((p) => picomatch(p.replace(/^\/+/, "").replace(/\/+$/, ""), { dot: true }));
  return (relativePath) => {
    const segments = relativePath.split("/");
    if (segments.some((segment) => segmentMatchers.some((match) => match(segment)))) return true;
    return segments.some((_, index) => pathMatchers.some((match) => match(segments.slice(0, index + 1).join("/"))));
  };
}

/**
 * Why a path cannot be an entry of a package, or null when it can. A package is unzipped by
 * WordPress (ZipArchive or PclZip) on Linux, macOS and Windows servers and by people's own
 * tools, so an entry name must mean the same plain relative path to each of them. Refused:
 * - empty, absolute (leading "/"), or with an empty segment ("a//b", "a/");
 * - a segment of only dots and spaces: ".", "..", and "...", ". ." (Windows strips trailing
 *   dots and spaces, so those can turn into ".." there);
 * - a segment ending in a dot or a space, for the same reason ("evil.php." is "evil.php");
 * - a backslash: a folder separator on Windows, so "a\..\..\evil.php" climbs out there;
 * - a colon: a drive letter ("C:") or an NTFS stream name ("a.php:x") on Windows;
 * - a control character (U+0000 to U+001F, U+007F to U+009F): a newline splits the name in
 *   every listing and log, NUL ends it in C;
 * - U+FFFD: what a name that is not valid UTF-8 becomes when read, so the packaged name would
 *   not be the committed one.
 * Everything else (spaces, punctuation, any other Unicode) is a name like any other.
 */
export function describeUnsafePath(relativePath: string): string | null {
  // Nearly every path is plainly safe: one test, no allocation, for the thousands a build checks.
  if (PLAINLY_SAFE_PATH.test(relativePath)) return null;
  if (relativePath === "") return "it is empty";
  if (relativePath.startsWith("/")) return "it starts with /";
  for (const char of relativePath) {
    const code = char.codePointAt(0) ?? 0;
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f))
      return `it contains a control character (U+${code.toString(16).toUpperCase().padStart(4, "0")})`;
  }
  if (relativePath.includes("\\")) return "it contains a backslash (a folder separator on Windows)";
  if (relativePath.includes(":")) return "it contains a colon (a drive letter or a stream name on Windows)";
  if (relativePath.includes("\uFFFD")) return "it is not valid UTF-8 (or contains U+FFFD)";
  for (const segment of relativePath.split("/")) {
    if (segment === "") return "it has an empty segment";
    if (/^[. ]+$/.test(segment)) return `it has the segment ${JSON.stringify(segment)}`;
    if (/[. ]$/.test(segment))
      return `a segment ends in a dot or a space, which Windows drops (${JSON.stringify(segment)})`;
  }
  return null;
}

/**
 * What describeUnsafePath accepts, as one pattern: segments of characters that are neither a
 * control character, a backslash, a colon nor U+FFFD, each ending in something other than a dot
 * or a space (so none is empty or only dots and spaces), joined by single slashes.
 */
const SAFE_SEGMENT = "[^/\\x00-\\x1f\\x7f-\\x9f\\\\:\\uFFFD]*[^/\\x00-\\x1f\\x7f-\\x9f\\\\:\\uFFFD. ]";
const PLAINLY_SAFE_PATH = new RegExp(`^${SAFE_SEGMENT}(?:/${SAFE_SEGMENT})*$`);

/**
 * Two entries that would claim the same place when unpacked, or null: the same path twice (a
 * crafted git tree can hold two entries of one name, and which one an unzipper keeps is up to
 * it), or a path that is a file and also the folder of another.
 */
export function describePathClash(paths: readonly string[]): string | null {
  const files = new Set<string>();
  for (const file of paths) {
    if (files.has(file)) return `${JSON.stringify(file)} is there twice`;
    files.add(file);
  }
  // Each folder is looked up once: one that is not a file the first time is not one later either.
  const folders = new Set<string>();
  for (const file of paths) {
    for (let at = file.indexOf("/"); at !== -1; at = file.indexOf("/", at + 1)) {
      const folder = file.slice(0, at);
      if (folders.has(folder)) continue;
      if (files.has(folder))
        return `${JSON.stringify(folder)} is both a file and the folder of ${JSON.stringify(file)}`;
      folders.add(folder);
    }
  }
  return null;
}

export interface StampResult {
  text: string;
  problems: string[];
}

/**
 * Write the version into the plugin header's `Version:` line and the version constant's
 * define(). Either one missing is a problem, not something to skip: WordPress reads the
 * header, the plugin's own code reads the constant.
 */
export function stampVersion(text: string, version: string, versionConstant: string): StampResult {
  const problems: string[] = [];
  let stamped = text;
  const header = /^([ \t/*#]*Version:[ \t]*)([^\r\n]*?)([ \t]*)$/im;
  if (header.test(stamped)) {
    stamped = stamped.replace(
      header,
      (_, before: string, _old: string, after: string) => `${before}${version}${after}`,
    );
  } else {
    problems.push('has no "Version:" line in its plugin header');
  }
  const constant = new RegExp(
    `(define\\(${PHP_SPACE}['"]${escapeRegExp(versionConstant)}['"]${PHP_SPACE},${PHP_SPACE})(['"])[^'"]*\\2(${PHP_SPACE}\\))`,
    "g",
  );
  const defines = stamped.match(constant)?.length ?? 0;
  if (defines === 0) {
    problems.push(`has no define('${versionConstant}', '...')`);
  } else {
    stamped = stamped.replace(
      constant,
      (_, before: string, quote: string, after: string) => `${before}${quote}${version}${quote}${after}`,
    );
  }
  return { text: stamped, problems };
}

/**
 * stampVersion on a file's bytes, so that only the version's bytes change. The bytes are read
 * as latin1, which maps each byte to one character and back again exactly; the header and the
 * define are ASCII, which Latin-1, UTF-8 (with or without a BOM) and Windows-1252 all write
 * the same way. Decoding as UTF-8 instead would turn every byte that is not UTF-8 (0xE9, "é"
 * in Latin-1) into U+FFFD and write that back as EF BF BD.
 */
export function stampVersionInBytes(
  bytes: Buffer,
  version: string,
  versionConstant: string,
): { bytes: Buffer; problems: string[] } {
  const stamped = stampVersion(bytes.toString("latin1"), asLatin1(version), asLatin1(versionConstant));
  return { bytes: Buffer.from(stamped.text, "latin1"), problems: stamped.problems };
}

/** A string's UTF-8 bytes as a latin1 string: what it looks like inside text read as latin1. */
function asLatin1(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

/**
 * What the build checks in the packaged main file before anything is published: the header
 * and the version constant say the release's version (else WordPress would offer the update
 * again after installing it), the api_base is the one the feed is for, and the updater is
 * loaded. Bytes are searched byte for byte (see stampVersionInBytes), text as text.
 */
export function checkPackagedMainFile(
  content: string | Buffer,
  expected: { version: string; versionConstant: string; apiBase: string; updaterPath?: string | null },
): string[] {
  const problems: string[] = [];
  const text = typeof content === "string" ? content : content.toString("latin1");
  const contains = (needle: string) => text.includes(typeof content === "string" ? needle : asLatin1(needle));
  const header = /^[ \t/*#]*Version:[ \t]*([^\r\n]*?)[ \t]*$/im.exec(text)?.[1];
  if (header !== expected.version)
    problems.push(`names version ${JSON.stringify(header ?? null)} in its header, not ${expected.version}`);
  const constant = new RegExp(
    `define\\(${PHP_SPACE}['"]${escapeRegExp(expected.versionConstant)}['"]${PHP_SPACE},${PHP_SPACE}['"]([^'"]*)['"]`,
  ).exec(text)?.[1];
  if (constant !== expected.version)
    problems.push(
      `defines ${expected.versionConstant} as ${JSON.stringify(constant ?? null)}, not ${expected.version}`,
    );
  if (!contains(expected.apiBase)) problems.push(`does not contain the api_base ${expected.apiBase}`);
  if (expected.updaterPath && !contains(expected.updaterPath))
    problems.push(
      `does not require the updater ${expected.updaterPath} (updater_path): add require_once __DIR__ . '/${expected.updaterPath}';`,
    );
  return problems;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export interface ZipEntry {
  /** Path inside the archive, without the top-level folder. */
  path: string;
  content: Buffer;
}

/**
 * Write a ZIP whose bytes depend only on the entries, the folder name and the date:
 * entries sorted bytewise with their parent folders, one fixed time (UTC) and fixed modes,
 * no extra fields, each file deflated at level 9, laid out as zip-writer.js says. Synchronous
 * and pure; scripts/io/zip-pool.ts runs the second half (zipSortedItems) on other cores.
 */
export function zipDeterministically(topFolder: string, entries: ZipEntry[], date: Date): Buffer {
  return zipSortedItems(sortZipItems(topFolder, entries), date.getTime());
}

/**
 * The entries as the ZIP holds them, refused when any could land outside the plugin's folder:
 * every entry and its parent folders under `topFolder`, sorted bytewise by name.
 */
export function sortZipItems(topFolder: string, entries: ZipEntry[]): ZipItem[] {
  // The source readers refuse these with a position in the input; this is the last line of
  // defence, so nothing that could land outside the plugin's folder is ever archived.
  for (const name of [topFolder, ...entries.map((entry) => `${topFolder}/${entry.path}`)]) {
    const unsafe = describeUnsafePath(name);
    if (unsafe !== null || name.split("/")[0] !== topFolder || topFolder.includes("/"))
      throw new Error(
        `refusing to write the ZIP entry ${JSON.stringify(name)}: ${unsafe ?? "it is not inside the top folder"}`,
      );
  }
  const clash = describePathClash(entries.map((entry) => entry.path));
  if (clash !== null) throw new Error(`refusing to write a ZIP in which ${clash}`);
  const folders = new Set<string>([""]);
  for (const entry of entries) {
    const parts = entry.path.split("/");
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join("/"));
  }
  return [
    ...[...folders].map((folder) => ({
      name: Buffer.from(folder === "" ? `${topFolder}/` : `${topFolder}/${folder}/`, "utf8"),
      content: null,
    })),
    ...entries.map((entry) => ({ name: Buffer.from(`${topFolder}/${entry.path}`, "utf8"), content: entry.content })),
  ].sort((a, b) => Buffer.compare(a.name, b.name));
}

/** zipDeterministically, for callers that await it. */
export async function writeDeterministicZip(topFolder: string, entries: ZipEntry[], date: Date): Promise<Buffer> {
  return zipDeterministically(topFolder, entries, date);
}
