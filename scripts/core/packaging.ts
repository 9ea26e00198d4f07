/**
 * Turning a plugin's source files into its distributable ZIP: which files go in, how the
 * version is stamped into the main file, and how the archive is written so that the same
 * inputs give the same bytes on every machine.
 */
import { Writable } from "node:stream";
import { type EntryData, ZipArchive } from "archiver";
import picomatch from "picomatch";

/** The original service's dev-file list (seeds: "How ZIP Files Are Created"). */
export const DEFAULT_EXCLUDES = [".git", "tests", "__pycache__", "*.bak", ".DS_Store", "*tester*"] as const;

/** Bump when anything here changes the bytes of a package: it is part of the cache key. */
export const PACKAGER_REVISION = "1";

const FILE_MODE = 0o644;
const DIRECTORY_MODE = 0o755;

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
    `(define\\(\\s*['"]${escapeRegExp(versionConstant)}['"]\\s*,\\s*)(['"])[^'"]*\\2(\\s*\\))`,
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

/** What the build checks in the packaged main file (the seeds' post-release grep, automated). */
export function checkPackagedMainFile(
  text: string,
  expected: { version: string; versionConstant: string; apiBase: string; updaterPath?: string | null },
): string[] {
  const problems: string[] = [];
  const header = /^[ \t/*#]*Version:[ \t]*([^\r\n]*?)[ \t]*$/im.exec(text)?.[1];
  if (header !== expected.version)
    problems.push(`names version ${JSON.stringify(header ?? null)} in its header, not ${expected.version}`);
  const constant = new RegExp(
    `define\\(\\s*['"]${escapeRegExp(expected.versionConstant)}['"]\\s*,\\s*['"]([^'"]*)['"]`,
  ).exec(text)?.[1];
  if (constant !== expected.version)
    problems.push(
      `defines ${expected.versionConstant} as ${JSON.stringify(constant ?? null)}, not ${expected.version}`,
    );
  if (!text.includes(expected.apiBase)) problems.push(`does not contain the api_base ${expected.apiBase}`);
  if (expected.updaterPath && !text.includes(expected.updaterPath))
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
 * no extra fields. archiver's file()/directory() would read mtimes and order from the disk.
 */
export async function writeDeterministicZip(topFolder: string, entries: ZipEntry[], date: Date): Promise<Buffer> {
  const folders = new Set<string>([""]);
  for (const entry of entries) {
    const parts = entry.path.split("/");
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join("/"));
  }
  const items = [
    ...[...folders].map((folder) => ({
      name: folder === "" ? `${topFolder}/` : `${topFolder}/${folder}/`,
      content: null,
    })),
    ...entries.map((entry) => ({ name: `${topFolder}/${entry.path}`, content: entry.content })),
  ].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));

  const archive = new ZipArchive({ zlib: { level: 9 }, forceLocalTime: false });
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const finished = new Promise<void>((resolve, reject) => {
    sink.on("finish", resolve);
    archive.on("error", reject);
    archive.on("warning", reject);
  });
  archive.pipe(sink);
  for (const item of items) {
    if (item.content === null) {
      archive.append(Buffer.alloc(0), {
        name: item.name,
        date,
        mode: DIRECTORY_MODE,
        type: "directory",
      } satisfies EntryData);
    } else {
      archive.append(item.content, { name: item.name, date, mode: FILE_MODE });
    }
  }
  await archive.finalize();
  await finished;
  return Buffer.concat(chunks);
}
