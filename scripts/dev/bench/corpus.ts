/**
 * The benchmark's corpus: a plugin of realistic size (about 124 files, ~180 KB packages) with
 * N releases as git history, one commit per version changing three PHP files (and the version
 * in the main file), and releases/*.yaml pinned to those commits with the package's sha256 and
 * updater_version recorded as `feedwright promote` records them.
 *
 * Everything is deterministic: file contents come from a seeded generator and commits are
 * written by `git fast-import` with fixed authors and times, so commit ids (and packages) are
 * the same on every machine and for every N (commit k of a 100-release corpus is commit k of
 * the 1000-release one). The sha256s are computed once by a feedwright build of the releases as
 * `testing` (nothing is superseded then, so every release is packaged; the status is not in
 * the package's bytes) and kept in a table beside the corpora, keyed by commit and version.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Bump when anything here changes what a corpus holds: corpora and the sha256 table live under it. */
export const CORPUS_REVISION = "1";
export const CORPUS_SLUG = "bench-plugin";
/** A frozen updater version (site/updater/1 and 2 never change), so recorded sha256s stay valid. */
const CORPUS_UPDATER_VERSION = 2;
/** The bench's signing key: a fixed seed, pinned in plugin.yaml so the build has nothing to warn about. */
export const BENCH_SIGNING_SEED = createHash("sha256").update("feedwright bench signing key").digest("base64");

const PHP_FILES = 100;
const FUNCTIONS_PER_FILE = 6;
const API_BASE = "https://updates.bench.example/api";
const FIRST_COMMIT_TIME = Date.UTC(2015, 0, 5, 9, 0, 0) / 1000;
const DAY = 86_400;

export interface CorpusRelease {
  version: string;
  commit: string;
}

export interface Corpus {
  /** A git repository: `main` holds N releases, `pr` adds one more on top of it (a pull request). */
  dir: string;
  size: number;
  releases: CorpusRelease[];
  /** The release the `pr` branch adds. */
  added: CorpusRelease;
}

/** Version k (0-based): 1.0.0, 1.0.1, ... 1.99.9, 2.0.0: minor and patch stay within the schema's 99. */
export function corpusVersion(index: number): string {
  return `${1 + Math.floor(index / 1000)}.${Math.floor(index / 10) % 100}.${index % 10}`;
}

/** A small seeded generator (xorshift128+ on BigInt would be slower; mulberry32 is plenty). */
function random(seed: string): () => number {
  let state = createHash("sha256").update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  "settings",
  "request",
  "response",
  "option",
  "cache",
  "token",
  "sync",
  "queue",
  "post",
  "meta",
  "user",
  "field",
  "value",
  "status",
  "error",
  "result",
  "item",
  "batch",
  "remote",
  "local",
  "content",
  "image",
  "schedule",
  "event",
  "handler",
  "notice",
  "screen",
  "nonce",
  "capability",
  "payload",
];

function pick<T>(next: () => number, list: readonly T[]): T {
  return list[Math.floor(next() * list.length)] as T;
}

function identifier(next: () => number, parts = 2): string {
  return Array.from({ length: parts }, () => pick(next, WORDS)).join("_");
}

/** One PHP function of ~500-700 bytes, different for every (file, function, revision). */
function phpFunction(file: number, fn: number, revision: number): string {
  const next = random(`php ${file} ${fn} ${revision}`);
  const name = `${identifier(next)}_${fn}`;
  const lines = [
    "\t/**",
    `\t * ${pick(next, ["Reads", "Writes", "Checks", "Sends", "Builds"])} the ${identifier(next, 3).replaceAll("_", " ")} (revision ${revision}).`,
    "\t */",
    `\tpublic function ${name}( $${identifier(next, 1)}, $args = array() ) {`,
  ];
  const statements = 4 + Math.floor(next() * 5);
  for (let i = 0; i < statements; i++) {
    const variable = identifier(next);
    switch (Math.floor(next() * 4)) {
      case 0:
        lines.push(`\t\t$${variable} = get_option( '${identifier(next, 3)}', ${Math.floor(next() * 1000)} );`);
        break;
      case 1:
        lines.push(
          `\t\tif ( empty( $args['${identifier(next, 1)}'] ) ) {`,
          `\t\t\treturn new \\WP_Error( '${identifier(next)}' );`,
          "\t\t}",
        );
        break;
      case 2:
        lines.push(`\t\t$${variable} = apply_filters( '${identifier(next, 3)}', $${variable} ?? null, $args );`);
        break;
      default:
        lines.push(`\t\tdo_action( '${identifier(next, 2)}', ${Math.floor(next() * 100000)} );`);
    }
  }
  lines.push("\t\treturn true;", "\t}", "");
  return lines.join("\n");
}

function phpFilePath(file: number): string {
  const folder = file < 60 ? "includes" : file < 85 ? "admin" : "public";
  return `${folder}/class-${WORDS[file % WORDS.length]}-${file}.php`;
}

function phpFile(file: number, revisions: number[]): string {
  const className = `Bench_${WORDS[file % WORDS.length]}_${file}`;
  return [
    "<?php",
    "/**",
    ` * ${className}: part of the benchmark plugin.`,
    " *",
    " * @package Bench_Plugin",
    " */",
    "",
    "defined( 'ABSPATH' ) || exit;",
    "",
    `class ${className} {`,
    ...revisions.map((revision, fn) => phpFunction(file, fn, revision)),
    "}",
    "",
  ].join("\n");
}

function mainFile(version: string): string {
  return `<?php
/**
 * Plugin Name: Bench Plugin
 * Description: A plugin of realistic size for feedwright's benchmark.
 * Version: ${version}
 * Requires PHP: 7.4
 * Author: Bench
 */

defined( 'ABSPATH' ) || exit;

define( 'BENCH_PLUGIN_VERSION', '${version}' );
define( 'BENCH_PLUGIN_API', '${API_BASE}' );

require_once __DIR__ . '/includes/feedwright-updater.php';
${Array.from({ length: PHP_FILES }, (_, file) => `require_once __DIR__ . '/${phpFilePath(file)}';`).join("\n")}
`;
}

/** Files that never change: scripts, styles, images (incompressible), a translation template, dev files. */
function staticFiles(): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (let i = 0; i < 6; i++) {
    const next = random(`js ${i}`);
    const body = Array.from(
      { length: 120 },
      () =>
        `  ${identifier(next)}: function (${identifier(next, 1)}) { return jQuery('.${identifier(next, 1)}').data('${identifier(next, 1)}'); },`,
    );
    files.set(
      `assets/js/${WORDS[i]}.js`,
      Buffer.from(`(function ($) {\nvar bench = {\n${body.join("\n")}\n};\n})(jQuery);\n`),
    );
  }
  for (let i = 0; i < 4; i++) {
    const next = random(`css ${i}`);
    const rules = Array.from(
      { length: 90 },
      () =>
        `.${identifier(next)} .${identifier(next, 1)} { margin: ${Math.floor(next() * 40)}px; color: #${Math.floor(
          next() * 0xffffff,
        )
          .toString(16)
          .padStart(6, "0")}; }`,
    );
    files.set(`assets/css/${WORDS[i + 6]}.css`, Buffer.from(`${rules.join("\n")}\n`));
  }
  for (let i = 0; i < 4; i++) {
    const next = random(`png ${i}`);
    const bytes = Buffer.alloc(5000 + i * 500);
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(next() * 256);
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
    files.set(`assets/images/${WORDS[i + 10]}.png`, bytes);
  }
  const next = random("pot");
  const entries = Array.from({ length: 260 }, () => `msgid "${identifier(next, 4).replaceAll("_", " ")}"\nmsgstr ""\n`);
  files.set("languages/bench-plugin.pot", Buffer.from(`# Bench Plugin\n${entries.join("\n")}`));
  files.set("readme.txt", Buffer.from("=== Bench Plugin ===\nStable tag: trunk\n\nA plugin of realistic size.\n"));
  files.set(
    "uninstall.php",
    Buffer.from("<?php\ndefined( 'WP_UNINSTALL_PLUGIN' ) || exit;\ndelete_option( 'bench_plugin' );\n"),
  );
  for (const folder of ["includes", "admin", "public", "assets"])
    files.set(`${folder}/index.php`, Buffer.from("<?php\n// Silence is golden.\n"));
  // Development files every package leaves out.
  files.set("tests/test-settings.php", Buffer.from("<?php\n// a test\n"));
  files.set("tests/bootstrap.php", Buffer.from("<?php\n// bootstrap\n"));
  files.set("bench-plugin.php.bak", Buffer.from("old\n"));
  return files;
}

/** The three PHP files (and the function in each) version `index` changes. */
function changedBy(index: number): [number, number][] {
  const first = (index * 37) % PHP_FILES;
  return [0, 31, 67].map((offset) => [(first + offset) % PHP_FILES, index % FUNCTIONS_PER_FILE]);
}

class FastImport {
  private readonly parts: Buffer[] = [];
  private mark = 0;

  data(bytes: Buffer | string): void {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, "utf8");
    this.parts.push(Buffer.from(`data ${buffer.length}\n`), buffer, Buffer.from("\n"));
  }

  commit(ref: string, from: string | null, time: number, message: string, files: Map<string, Buffer>): number {
    this.mark += 1;
    const who = `Bench <bench@example.invalid> ${time} +0000`;
    this.parts.push(Buffer.from(`commit ${ref}\nmark :${this.mark}\nauthor ${who}\ncommitter ${who}\n`));
    this.data(message);
    if (from) this.parts.push(Buffer.from(`from ${from}\n`));
    for (const [file, bytes] of files) {
      this.parts.push(Buffer.from(`M 100644 inline ${file}\n`));
      this.data(bytes);
    }
    this.parts.push(Buffer.from("\n"));
    return this.mark;
  }

  run(repo: string): void {
    const result = spawnSync("git", ["fast-import", "--quiet", "--date-format=raw"], {
      cwd: repo,
      input: Buffer.concat(this.parts),
      stdio: ["pipe", "ignore", "pipe"],
    });
    if (result.status !== 0) throw new Error(`git fast-import failed: ${result.stderr.toString()}`);
  }
}

const git = (repo: string, ...args: string[]) =>
  execFileSync("git", args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

function initRepository(dir: string): void {
  mkdirSync(dir, { recursive: true });
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "user.email", "bench@example.invalid");
  git(dir, "config", "user.name", "Bench");
  git(dir, "config", "commit.gpgsign", "false");
}

/** The source of version `index` on top of the state in `revisions`, which it advances. */
function sourceChange(index: number, revisions: number[][]): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const version = corpusVersion(index);
  files.set(`source/${CORPUS_SLUG}/${CORPUS_SLUG}.php`, Buffer.from(mainFile(version)));
  if (index === 0) {
    for (const [file, bytes] of staticFiles()) files.set(`source/${CORPUS_SLUG}/${file}`, bytes);
    for (let file = 0; file < PHP_FILES; file++)
      files.set(`source/${CORPUS_SLUG}/${phpFilePath(file)}`, Buffer.from(phpFile(file, revisions[file] ?? [])));
    return files;
  }
  for (const [file, fn] of changedBy(index)) {
    const fileRevisions = revisions[file] ?? [];
    fileRevisions[fn] = index;
    files.set(`source/${CORPUS_SLUG}/${phpFilePath(file)}`, Buffer.from(phpFile(file, fileRevisions)));
  }
  return files;
}

function commitTime(index: number): number {
  return FIRST_COMMIT_TIME + index * 7 * DAY;
}

function releasedAt(index: number): string {
  return new Date((commitTime(index) + 3600) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function pluginYaml(publicKey: string): string {
  return `name: Bench Plugin
slug: ${CORPUS_SLUG}
platform: wordpress
description: A plugin of realistic size for feedwright's benchmark.
homepage: https://bench.example
author: Bench
main_file: ${CORPUS_SLUG}.php
version_constant: BENCH_PLUGIN_VERSION
requires_php: "7.4"
requires_wp: "6.0"
tested_wp: "6.7"
api_base: ${API_BASE}
retain: 100
channels: [stable, beta]
updater_path: includes/feedwright-updater.php
public_keys:
  - "${publicKey}"
`;
}

interface ReleaseFields {
  index: number;
  commit: string;
  status: string;
  sha256?: string;
}

function releaseYaml({ index, commit, status, sha256 }: ReleaseFields): string {
  const next = random(`changelog ${index}`);
  return [
    `version: ${corpusVersion(index)}`,
    `status: ${status}`,
    `released_at: "${releasedAt(index)}"`,
    `source: "${commit}"`,
    `updater_version: ${CORPUS_UPDATER_VERSION}`,
    ...(sha256 ? [`sha256: "${sha256}"`] : []),
    `changelog: "- ${pick(next, ["Fixes", "Improves", "Speeds up", "Adds"])} the ${identifier(next, 2).replaceAll("_", " ")}."`,
    "",
  ].join("\n");
}

/** Where corpora and the sha256 table are kept between runs of the bench. */
export function corpusRoot(): string {
  return path.join(tmpdir(), `feedwright-bench-corpus-${CORPUS_REVISION}`);
}

type Sha256Table = Record<string, string>;

function readTable(root: string): Sha256Table {
  const file = path.join(root, "sha256.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Sha256Table) : {};
}

function writeTable(root: string, table: Sha256Table): void {
  const file = path.join(root, "sha256.json");
  writeFileSync(`${file}.tmp`, `${JSON.stringify(table, null, 1)}\n`);
  renameSync(`${file}.tmp`, file);
}

export interface CorpusTools {
  /** Runs the feedwright CLI with these arguments in `cwd`; throws when it fails. */
  feedwright(cwd: string, args: string[]): void;
  publicKey: string;
  log(message: string): void;
}

/**
 * The sha256 of each release's package, computed by a feedwright build of them all as
 * `testing` in a scratch clone (as `feedwright promote` does: a build, then releases.json).
 */
function recordSha256s(
  repo: string,
  releases: { index: number; commit: string }[],
  tools: CorpusTools,
): Map<number, string> {
  const root = corpusRoot();
  const table = readTable(root);
  const keyOf = (release: { index: number; commit: string }) => `${release.commit} ${corpusVersion(release.index)}`;
  const missing = releases.filter((release) => !table[keyOf(release)]);
  if (missing.length > 0) {
    tools.log(`computing the sha256 of ${missing.length} package(s) with a feedwright build (kept for later runs)`);
    const scratch = mkdtempSync(path.join(tmpdir(), "feedwright-bench-record-"));
    try {
      git(tmpdir(), "clone", "-q", "--no-checkout", repo, scratch);
      mkdirSync(path.join(scratch, "releases", CORPUS_SLUG), { recursive: true });
      writeFileSync(path.join(scratch, "releases", CORPUS_SLUG, "plugin.yaml"), pluginYaml(tools.publicKey));
      for (const release of missing)
        writeFileSync(
          path.join(scratch, "releases", CORPUS_SLUG, `${corpusVersion(release.index)}.yaml`),
          releaseYaml({ ...release, status: "testing" }),
        );
      git(scratch, "add", "releases");
      git(scratch, "-c", "user.name=Bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "record");
      tools.feedwright(scratch, ["build", "--quiet", "--out", "dist"]);
      const document = JSON.parse(
        readFileSync(path.join(scratch, "dist", "plugins", CORPUS_SLUG, "releases.json"), "utf8"),
      ) as { releases: { version: string; sha256: string | null }[] };
      for (const release of missing) {
        const listed = document.releases.find((candidate) => candidate.version === corpusVersion(release.index));
        if (!listed?.sha256) throw new Error(`the record build did not package ${corpusVersion(release.index)}`);
        table[keyOf(release)] = listed.sha256;
      }
      writeTable(root, table);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return new Map(releases.map((release) => [release.index, table[keyOf(release)] ?? ""]));
}

/**
 * The corpus of `size` releases: made once (and kept under corpusRoot()), then reused. Returns
 * where it is and what it holds.
 */
export function ensureCorpus(size: number, tools: CorpusTools): Corpus {
  const dir = path.join(corpusRoot(), `releases-${size}`);
  const done = path.join(dir, ".git", "feedwright-bench-corpus.json");
  if (existsSync(done)) return { dir, ...(JSON.parse(readFileSync(done, "utf8")) as Omit<Corpus, "dir">) };
  rmSync(dir, { recursive: true, force: true });
  tools.log(`generating the corpus of ${size} releases in ${dir}`);
  initRepository(dir);
  // 1. One commit per version: the source history.
  const revisions = Array.from({ length: PHP_FILES }, () => Array.from({ length: FUNCTIONS_PER_FILE }, () => 0));
  const history = new FastImport();
  for (let index = 0; index < size; index++)
    history.commit(
      "refs/heads/main",
      null,
      commitTime(index),
      `source ${corpusVersion(index)}\n`,
      sourceChange(index, revisions),
    );
  history.run(dir);
  const commits = git(dir, "rev-list", "--reverse", "main").split("\n");
  const releases = commits.map((commit, index) => ({ index, commit }));
  // 2. The releases, recorded as promote records them; the newest is update_ready.
  const sha256s = recordSha256s(dir, releases, tools);
  const releaseFiles = new Map<string, Buffer>([
    [`releases/${CORPUS_SLUG}/plugin.yaml`, Buffer.from(pluginYaml(tools.publicKey))],
  ]);
  for (const release of releases)
    releaseFiles.set(
      `releases/${CORPUS_SLUG}/${corpusVersion(release.index)}.yaml`,
      Buffer.from(
        releaseYaml({
          ...release,
          status: release.index === size - 1 ? "update_ready" : "released",
          sha256: sha256s.get(release.index) ?? "",
        }),
      ),
    );
  // 3. The pull request: one more version's source, then its release.
  const withReleases = new FastImport();
  const releasesCommit = withReleases.commit(
    "refs/heads/main",
    "refs/heads/main^0",
    commitTime(size),
    "releases\n",
    releaseFiles,
  );
  // A mark: "refs/heads/main^0" would name main as it was before this import.
  withReleases.commit(
    "refs/heads/pr",
    `:${releasesCommit}`,
    commitTime(size) + DAY,
    `source ${corpusVersion(size)}\n`,
    sourceChange(size, revisions),
  );
  withReleases.run(dir);
  const added = { index: size, commit: git(dir, "rev-parse", "pr") };
  const addedSha256 = recordSha256s(dir, [added], tools).get(size) ?? "";
  const pullRequest = new FastImport();
  pullRequest.commit(
    "refs/heads/pr",
    "refs/heads/pr^0",
    commitTime(size) + 2 * DAY,
    `release ${corpusVersion(size)}\n`,
    new Map([
      [
        `releases/${CORPUS_SLUG}/${corpusVersion(size)}.yaml`,
        Buffer.from(releaseYaml({ ...added, status: "released", sha256: addedSha256 })),
      ],
    ]),
  );
  pullRequest.run(dir);
  git(dir, "checkout", "-q", "main");
  const described: Omit<Corpus, "dir"> = {
    size,
    releases: releases.map((release) => ({ version: corpusVersion(release.index), commit: release.commit })),
    added: { version: corpusVersion(size), commit: added.commit },
  };
  writeFileSync(done, JSON.stringify(described));
  return { dir, ...described };
}
