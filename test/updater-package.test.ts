/**
 * The updater in the package: rendered into every package at updater_path from plugin.yaml
 * only (so the package does not depend on the key a build signs with), part of the cache
 * key, required by the main file or the build fails, valid PHP (php -l on every PHP file of
 * every package), and the plugin.yaml fields it needs validated with file:line:col.
 * Its behaviour in WordPress is tested by `npm run test:wordpress` (test/wordpress/).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import semver from "semver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBuild } from "../scripts/build.ts";
// The Worker's own reading of versions: the contract's, which the Worker imports.
import { normaliseVersion, updaterConstants } from "../scripts/contract/index.ts";
import { parseReleaseTree } from "../scripts/core/parse-tree.ts";
import { compilePlan } from "../scripts/core/plan.ts";
import { parseSigningKey } from "../scripts/core/signing.ts";
import {
  checkUpdaterTemplate,
  phpNamePart,
  pinnedKeyWarnings,
  type RenderedUpdater,
  renderUpdater,
  UPDATER_ENTRY,
  type UpdaterVersion,
  updaterFolder,
} from "../scripts/core/updater.ts";
import { BENCH_SLUG, benchOutputFiles, benchSigningKey } from "../scripts/dev/bench-worker.ts";
import { generateSeed } from "../scripts/io/keys.ts";
import { readUpdaterVersions, UPDATER_VERSIONS_DIR } from "../scripts/io/updater-versions.ts";
import { memoryPlan } from "./support/memory-tree.ts";
import {
  createDemoRepo,
  DEMO_PLUGIN_YAML,
  demoMainFile,
  type ScratchRepo,
  TEST_ENV,
  TEST_SIGNING_KEY,
} from "./support/scratch-repo.ts";
import { runUpdaterPhp } from "./support/updater-php.ts";
import { VERSION_ORDER_CASES } from "./support/version-order-cases.ts";

const KEY = parseSigningKey(TEST_SIGNING_KEY);
const OTHER_KEY = parseSigningKey(generateSeed());
const UPDATER_PATH = "includes/feedwright-updater.php";
const REQUIRE_LINE = `require_once __DIR__ . '/${UPDATER_PATH}';\n`;

const UPDATER_VERSIONS = readUpdaterVersions();
/** The updater version new releases get. */
const NEWEST = UPDATER_VERSIONS[UPDATER_VERSIONS.length - 1] ?? { version: 0, files: [] };
/** Version 1, the single-file updater every package released before issue 10 carries. */
const FIRST = UPDATER_VERSIONS[0] ?? { version: 0, files: [] };

/** An updater version's files rendered for a plugin (the newest unless told). */
function renderNewest(plugin: Parameters<typeof renderUpdater>[0], updater: UpdaterVersion = NEWEST): RenderedUpdater {
  const rendered = renderUpdater(plugin, updater);
  if (!rendered) throw new Error("no updater");
  return rendered;
}

/** The source text of a version's PHP (its entry template and its classes), file by file in order. */
function sourceText(updater: UpdaterVersion): string {
  return updater.files.map((file) => file.text).join("\n");
}

/** Writes a rendered updater into `dir` as the package has it; returns the entry's path. */
function writeRendered(dir: string, rendered: RenderedUpdater): string {
  for (const file of rendered.files) {
    mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    writeFileSync(path.join(dir, file.path), file.content);
  }
  return path.join(dir, rendered.path);
}

/** All the text of a rendered updater, every file. */
function renderedText(rendered: RenderedUpdater): string {
  return rendered.files.map((file) => file.content.toString("utf8")).join("\n");
}

function pluginYaml(keys: string[]): string {
  return `${DEMO_PLUGIN_YAML}updater_path: ${UPDATER_PATH}\npublic_keys:\n${keys.map((key) => `  - "${key}"\n`).join("")}`;
}

/** The demo repository with the updater: both pinned sources require it. */
function createUpdaterRepo(keys: string[] = [KEY.publicKey]): ScratchRepo & { pins: Record<string, string> } {
  const repo = createDemoRepo();
  for (const version of ["1.0.0", "1.1.0"]) {
    repo.write("source/demo/demo.php", `${demoMainFile(version)}${REQUIRE_LINE}`);
    repo.pins[version] = repo.commit(`source ${version} requiring the updater`);
    const file = `releases/demo/${version}.yaml`;
    repo.write(file, repo.read(file).replace(/^source: .*$/m, `source: "${repo.pins[version]}"`));
  }
  repo.write("releases/demo/plugin.yaml", pluginYaml(keys));
  repo.commit("use the updater");
  return repo;
}

function unzipList(zip: string): string[] {
  return execFileSync("unzip", ["-Z1", zip], { encoding: "utf8" }).trim().split("\n");
}

function unzipFile(zip: string, entry: string): string {
  return execFileSync("unzip", ["-p", zip, entry], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
}

function sha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

describe("the updater in every package", () => {
  let repo: ScratchRepo & { pins: Record<string, string> };
  let dist: string;
  beforeAll(async () => {
    repo = createUpdaterRepo();
    const result = await repo.feedwright("build", "--out", "dist", "--quiet");
    expect(result.stderr).not.toContain("problem");
    expect(result.stderr).not.toContain("warning");
    expect(result.code).toBe(0);
    dist = path.join(repo.root, "dist", "plugins", "demo");
  });
  afterAll(() => repo.cleanup());

  it("is written at updater_path, pinning exactly the keys plugin.yaml lists", () => {
    for (const version of ["1.0.0", "1.1.0"]) {
      const zip = path.join(dist, `demo-v${version}.zip`);
      const listed = unzipList(zip);
      expect(listed).toContain(`demo/${UPDATER_PATH}`);
      // Its classes in a folder beside it, each in the plugin's own namespace.
      const classes = NEWEST.files.filter((file) => file.path !== UPDATER_ENTRY);
      expect(classes.length).toBeGreaterThanOrEqual(5);
      for (const file of classes) {
        const entry = `demo/${updaterFolder(UPDATER_PATH)}/${file.path}`;
        expect(listed).toContain(entry);
        expect(unzipFile(zip, entry)).toMatch(/^namespace Feedwright_Updater_Demo;$/m);
      }
      const updater = unzipFile(zip, `demo/${UPDATER_PATH}`);
      expect(updater).toContain("namespace Feedwright_Updater_Demo;\n");
      expect(updater).toContain("final class Config {");
      expect(updater).toContain("const SLUG            = 'demo';");
      expect(updater).toContain("const SITE_URL        = 'https://api.example.com';");
      expect(updater).toContain("const API_BASE        = 'https://api.example.com/api';");
      expect(updater).toContain(`'${KEY.publicKey}',`);
      expect(updater.match(/^\t\t\t'[A-Za-z0-9+/]{43}=',$/gm)).toEqual([`\t\t\t'${KEY.publicKey}',`]);
    }
  });

  it("passes php -l in every PHP file of every package", () => {
    const out = mkdtempSync(path.join(tmpdir(), "feedwright-lint-"));
    try {
      const zips = readdirSync(dist).filter((name) => name.endsWith(".zip"));
      expect(zips.length).toBeGreaterThanOrEqual(2);
      let linted = 0;
      for (const zip of zips) {
        const folder = path.join(out, zip);
        execFileSync("unzip", ["-q", path.join(dist, zip), "-d", folder]);
        for (const entry of unzipList(path.join(dist, zip)).filter((name) => name.endsWith(".php"))) {
          const result = execFileSync("php", ["-l", path.join(folder, entry)], { encoding: "utf8" });
          expect(result).toContain("No syntax errors detected");
          linted += 1;
        }
      }
      expect(linted).toBeGreaterThanOrEqual(4);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("does not depend on the key the build signs with: another key, the same packages and a warning", async () => {
    const before = sha256(path.join(dist, "demo-v1.1.0.zip"));
    const other = await repo.feedwrightWithEnv(
      { ...TEST_ENV, FEEDWRIGHT_SIGNING_KEY: generateSeed() },
      "build",
      "--out",
      "dist-other",
      "--quiet",
    );
    expect(other.code).toBe(0);
    expect(sha256(path.join(repo.root, "dist-other", "plugins", "demo", "demo-v1.1.0.zip"))).toBe(before);
    // Cache entries are vouched for by the key of the build that made them (issue 9 item 2),
    // so a build with another key packages again: to the same bytes.
    expect(other.stderr).toContain("packaged 2");
    // ...but the build says that sites running the updater would refuse what it signed.
    expect(other.stderr).toMatch(
      /^warning: demo: this build signs with \S+, which is not in public_keys \(\S+\) of releases\/demo\/plugin\.yaml/m,
    );
  });

  it("is part of the cache key: new public_keys repackage everything, with the new keys inside", async () => {
    repo.write("releases/demo/plugin.yaml", pluginYaml([KEY.publicKey, OTHER_KEY.publicKey]));
    repo.commit("announce the next key");
    const result = await repo.feedwright("build", "--out", "dist");
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("packaged 2");
    const updater = unzipFile(path.join(dist, "demo-v1.1.0.zip"), `demo/${UPDATER_PATH}`);
    expect(updater).toContain(`'${OTHER_KEY.publicKey}',`);
    const again = await repo.feedwright("build", "--out", "dist");
    expect(again.stderr).toContain("reused from cache 2");
  });
});

describe("checks on the updater's inputs", () => {
  it("fails the build, at each release's source, when the packaged main file does not require the updater", async () => {
    const repo = createDemoRepo();
    try {
      repo.write("releases/demo/plugin.yaml", pluginYaml([KEY.publicKey]));
      repo.commit("updater without the require line");
      for (const args of [["build", "--out", "dist"], ["validate"]]) {
        const result = await repo.feedwright(...args);
        expect(result.code).toBe(1);
        const lines = result.stderr.trim().split("\n");
        for (const version of ["1.0.0", "1.1.0"]) {
          expect(lines).toContain(
            `releases/demo/${version}.yaml:4:9 source: packaged demo.php does not require the updater ${UPDATER_PATH} (updater_path): add require_once __DIR__ . '/${UPDATER_PATH}';`,
          );
        }
      }
    } finally {
      repo.cleanup();
    }
  });

  it.each([
    [
      "updater_path without public_keys",
      `updater_path: ${UPDATER_PATH}\n`,
      1,
      1,
      "public_keys: required when updater_path is set (expected the list of public keys the updater trusts: feedwright keys public prints one), found nothing",
    ],
    [
      "a public key that is not 32 bytes of base64",
      `updater_path: ${UPDATER_PATH}\npublic_keys:\n  - "c2hvcnQ="\n`,
      15,
      5,
      'public_keys.0: expected base64 of a raw 32-byte Ed25519 public key (feedwright keys public prints one), found "c2hvcnQ="',
    ],
    [
      "an updater_path that is not a PHP file",
      `updater_path: includes/updater.txt\npublic_keys:\n  - "${KEY.publicKey}"\n`,
      13,
      15,
      'updater_path: expected a PHP file like includes/updater.php, found "includes/updater.txt"',
    ],
    [
      "the main file as updater_path",
      `updater_path: demo.php\npublic_keys:\n  - "${KEY.publicKey}"\n`,
      13,
      15,
      'updater_path: expected a file of its own, not main_file (the main file requires it), found "demo.php"',
    ],
  ])("reports %s at its place in plugin.yaml", async (_name, extra, line, col, message) => {
    const repo = createDemoRepo();
    try {
      repo.write("releases/demo/plugin.yaml", `${DEMO_PLUGIN_YAML}${extra}`);
      const result = await repo.feedwright("validate");
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`releases/demo/plugin.yaml:${line}:${col} ${message}\n`);
    } finally {
      repo.cleanup();
    }
  });

  it("allows an updater only for WordPress plugins", async () => {
    const repo = createDemoRepo();
    try {
      repo.write(
        "releases/demo/plugin.yaml",
        `${DEMO_PLUGIN_YAML.replace("platform: wordpress", "platform: geeklog")}updater_path: ${UPDATER_PATH}\npublic_keys:\n  - "${KEY.publicKey}"\n`,
      );
      const result = await repo.feedwright("validate");
      expect(result.stderr).toContain(
        'releases/demo/plugin.yaml:13:15 updater_path: expected only for platform wordpress (the updater is a WordPress plugin\'s), not geeklog, found "includes/feedwright-updater.php"',
      );
    } finally {
      repo.cleanup();
    }
  });
});

describe("rendering", () => {
  const planFor = (slug: string, keys: string[]) => {
    const yaml = pluginYaml(keys).replace("slug: demo", `slug: ${slug}`);
    const parsed = parseReleaseTree({
      pluginDirs: [`releases/${slug}`],
      files: [{ path: `releases/${slug}/plugin.yaml`, text: yaml }],
    });
    expect(parsed.problems).toEqual([]);
    const plugin = compilePlan(parsed.plugins).plugins[0];
    if (!plugin) throw new Error("no plugin");
    return plugin;
  };

  it("names the PHP namespace and options after the slug, so two plugins on one site do not collide", () => {
    expect(phpNamePart("igny8-wp-bridge")).toBe("Igny8_Wp_Bridge");
    const first = renderNewest(planFor("shop-sync", [KEY.publicKey]));
    const second = renderNewest(planFor("shop-sync-pro", [KEY.publicKey]));
    for (const [rendered, name] of [
      [first, "Shop_Sync"],
      [second, "Shop_Sync_Pro"],
    ] as const) {
      // Every file, the classes included, declares the plugin's namespace and no other.
      for (const file of rendered.files) {
        const namespaces = file.content.toString("utf8").match(/^namespace .*$/gm);
        expect(namespaces, file.path).toEqual([`namespace Feedwright_Updater_${name};`]);
      }
    }
    expect(renderedText(first)).toContain("const PREFIX          = 'feedwright_shop_sync';");
    expect(renderedText(second)).toContain("const PREFIX          = 'feedwright_shop_sync_pro';");
    // Version 1 (one class), which released packages still carry.
    const firstV1 = renderedText(renderNewest(planFor("shop-sync", [KEY.publicKey]), FIRST));
    const secondV1 = renderedText(renderNewest(planFor("shop-sync-pro", [KEY.publicKey]), FIRST));
    expect(firstV1).toContain("final class Feedwright_Updater_Shop_Sync {");
    expect(firstV1).toContain("const PREFIX          = 'feedwright_shop_sync';");
    expect(secondV1).toContain("final class Feedwright_Updater_Shop_Sync_Pro {");
    expect(secondV1).toContain("const PREFIX          = 'feedwright_shop_sync_pro';");
  });

  it("renders valid PHP for a slug that starts with a digit (the namespace keeps the Feedwright_Updater_ prefix)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "feedwright-digit-"));
    try {
      const rendered = renderNewest(planFor("8-bridge", [KEY.publicKey]));
      writeRendered(dir, rendered);
      for (const file of rendered.files) {
        const result = execFileSync("php", ["-l", path.join(dir, file.path)], { encoding: "utf8" });
        expect(result).toContain("No syntax errors detected");
      }
      expect(rendered.files[0]?.content.toString("utf8")).toContain("namespace Feedwright_Updater_8_Bridge;\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ["the newest", NEWEST, "Config"],
    ["version 1", FIRST, "self"],
  ] as const)("gives no filter that could change the trusted keys (%s)", (_label, updater, owner) => {
    const text = renderedText(renderNewest(planFor("demo", [KEY.publicKey]), updater));
    const filters = [...text.matchAll(/apply_filters\(\s*([^,]+),/g)].map((match) => match[1]?.trim());
    expect(filters.sort()).toEqual(
      [
        `${owner}::PREFIX . '_feed_url'`,
        `${owner}::PREFIX . '_api_base'`,
        `${owner}::PREFIX . '_health_status'`,
        `${owner}::PREFIX . '_last_sync'`,
      ].sort(),
    );
  });

  it("warns when the build's key is not pinned, naming both", () => {
    const plugin = planFor("demo", [KEY.publicKey]);
    expect(pinnedKeyWarnings([plugin], [KEY])).toEqual([]);
    expect(pinnedKeyWarnings([plugin], [OTHER_KEY])).toEqual([
      `warning: demo: this build signs with ${OTHER_KEY.publicKey}, which is not in public_keys (${KEY.publicKey}) of releases/demo/plugin.yaml: sites running its updater will refuse these packages and this feed`,
    ]);
  });
});

/** The tokens of a PHP file, as PHP's own lexer sees them: [name, text] pairs. */
function phpTokens(file: string): [string, string][] {
  const out = execFileSync(
    "php",
    [
      "-r",
      '$t = token_get_all(file_get_contents($argv[1])); echo json_encode(array_map(function ($x) { return is_array($x) ? array(token_name($x[0]), $x[1]) : array("CHAR", $x); }, $t));',
      file,
    ],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(out);
}

/** Tokens that carry data rather than code: a hostile value may land only in these. */
const DATA_TOKENS = new Set(["T_COMMENT", "T_DOC_COMMENT", "T_CONSTANT_ENCAPSED_STRING", "T_WHITESPACE"]);

describe("issue 9 item 5: values rendered into the updater cannot become PHP code", () => {
  const base = () => {
    const parsed = parseReleaseTree({
      pluginDirs: ["releases/demo"],
      files: [{ path: "releases/demo/plugin.yaml", text: pluginYaml([KEY.publicKey]) }],
    });
    const plugin = compilePlan(parsed.plugins).plugins[0];
    if (!plugin) throw new Error("no plugin");
    return plugin;
  };
  const MARK = "phpinfo(/*MARK*/)";
  const hostile = [
    `https://api.example.com/x/*/${MARK};/*`,
    `https://api.example.com/?>${MARK}<?php /*`,
    `https://api.example.com/x'.${MARK}.'`,
    `https://api.example.com/x\\'.${MARK}.'\\`,
    `https://api.example.com/x\n*/ ${MARK}; /*\n`,
    `https://api.example.com/x\r\n?> ${MARK}`,
    `https://api.example.com/x\u0000*/${MARK}/*`,
    `https://api.example.com/x"{$${MARK}}"\${${MARK}}`,
    `https://api.example.com/x\u2028*/${MARK}/*é`,
  ];
  const render = (updater: UpdaterVersion, change: (plugin: ReturnType<typeof base>) => void) => {
    const plugin = base();
    change(plugin);
    return renderNewest(plugin, updater);
  };
  /** Where each version keeps the constants: version 1 in its one class, later ones in Config. */
  const constantsOf = (rendered: RenderedUpdater) =>
    rendered.version === 1 ? rendered.className : `\\${rendered.className}\\Config`;
  const codeTokens = (tokens: [string, string][]) => tokens.filter(([name]) => !DATA_TOKENS.has(name));

  it.each(
    [NEWEST, FIRST].flatMap((updater) =>
      hostile.map((value) => [JSON.stringify(value), `updater ${updater.version}`, updater, value] as const),
    ),
  )(
    "keeps %s in site_url, api_base, main_file, updater_path and option names inside strings and comments (%s)",
    (_label, _version, updater, value) => {
      const dir = mkdtempSync(path.join(tmpdir(), "feedwright-hostile-"));
      try {
        const benign = path.join(dir, "benign.php");
        const benignUpdater = render(updater, () => {});
        writeFileSync(benign, benignUpdater.files[0]?.content ?? "");
        const file = path.join(dir, "hostile.php");
        const hostileUpdater = render(updater, (plugin) => {
          const mutable = plugin as { siteUrl: string; apiBase: string; definition: Record<string, unknown> };
          mutable.siteUrl = value;
          mutable.apiBase = value;
          mutable.definition = {
            ...plugin.definition,
            main_file: value,
            updater_path: value,
            updater_credentials: { site_id_option: value, api_key_option: value },
          };
        });
        writeFileSync(file, hostileUpdater.files[0]?.content ?? "");
        // Nothing else carries a value: the classes are the same bytes either way.
        expect(hostileUpdater.files.slice(1).map((other) => other.content)).toEqual(
          benignUpdater.files.slice(1).map((other) => other.content),
        );
        expect(execFileSync("php", ["-l", file], { encoding: "utf8" })).toContain("No syntax errors detected");
        const tokens = phpTokens(file);
        // The same program: only the contents of strings and comments differ.
        expect(codeTokens(tokens)).toEqual(codeTokens(phpTokens(benign)));
        const carriers = tokens.filter(([, text]) => text.includes("MARK"));
        expect(carriers.length).toBeGreaterThan(0);
        for (const [name] of carriers)
          expect(["T_COMMENT", "T_DOC_COMMENT", "T_CONSTANT_ENCAPSED_STRING"]).toContain(name);
        // And the value survives: the constant holds exactly what was configured.
        const constant = execFileSync(
          "php",
          [
            "-r",
            `define('ABSPATH', '/'); require $argv[1]; echo json_encode(array(${constantsOf(hostileUpdater)}::SITE_URL, ${constantsOf(hostileUpdater)}::MAIN_FILE));`,
            file,
          ],
          { encoding: "utf8" },
        );
        expect(JSON.parse(constant)).toEqual([value, value]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it("refuses to render a slug or a public key that cannot be written safely", () => {
    for (const updater of [NEWEST, FIRST]) {
      expect(() =>
        render(updater, (plugin) => {
          (plugin as { slug: string }).slug = "x{ } phpinfo(); class y";
        }),
      ).toThrow(/not a PHP identifier/);
    }
  });

  it("renders every value of the template through a PHP context helper (no plain {{value}})", () => {
    expect(() => checkUpdaterTemplate("<?php // {{siteUrl}}\n")).toThrow(/line 1.*siteUrl.*through a context helper/);
    expect(() => checkUpdaterTemplate("<?php $a = {{{apiBase}}};\n")).toThrow(/apiBase/);
    expect(() => checkUpdaterTemplate("<?php $a = {{php (lookup this 'x')}};\n")).toThrow(/subexpression/);
    expect(() => checkUpdaterTemplate("<?php $a = {{php apiBase}}; // {{comment siteUrl}}\n")).not.toThrow();
    for (const version of UPDATER_VERSIONS) {
      const entry = version.files.find((file) => file.path === UPDATER_ENTRY);
      expect(() => checkUpdaterTemplate(entry?.text ?? "")).not.toThrow();
    }
  });
});

describe("issue 9 item 7: the updater reads only documents the signed feed vouches for", () => {
  const V2 = UPDATER_VERSIONS.find((updater) => updater.version === 2) ?? NEWEST;
  /** How each version names the files it reads: its own literals, or (version 3 on) the contract's constants. */
  const LITERAL_NAMES = (owner: string, channel: string) => ({
    feed: "'/feed.json'",
    signature: "'/feed.json.sig'",
    releases: `'/plugins/' . ${owner}::SLUG . '/releases.json'`,
    folder: `'/plugins/' . ${owner}::SLUG . '/'`,
    info: `$name     = 'beta' === ${channel} ? 'info-beta.json' : 'info.json';`,
  });
  const CONTRACT_NAMES = {
    feed: "'/' . Config::FEED_PATH",
    signature: "'/' . Config::FEED_SIGNATURE_PATH",
    info: "$name     = 'beta' === $this->settings->channel() ? Config::INFO_FILE_BETA : Config::INFO_FILE_STABLE;",
  };
  it.each([
    ["version 2", V2, LITERAL_NAMES("Config", "$this->settings->channel()")],
    ["version 1", FIRST, LITERAL_NAMES("self", "$this->channel()")],
  ] as const)(
    "fetches feed.json and its .sig, releases.json and info(-beta).json (each checked against the feed), and no check-update*.json (%s)",
    (_label, updater, names) => {
      // Every file of the version, in order: the feed's class reads before the installer's.
      const text = sourceText(updater);
      const reads = [...text.matchAll(/->http_get\(\s*([^;]+?)\s*\);/g)].map((match) => match[1]);
      expect(reads).toEqual([
        `$base . ${names.feed}`,
        `$base . ${names.signature}`,
        `$base . ${names.releases}`,
        `$base . ${names.folder} . $name`,
        // Only for a package the verified releases.json does not list.
        "$signature_url",
      ]);
      expect(text.match(/wp_remote_get\(|wp_safe_remote_get\(|download_url\(\s*\$/g)).toEqual([
        // http_get itself, the private download-url request, the package download.
        "wp_remote_get(",
        "wp_remote_get(",
        "wp_safe_remote_get(",
      ]);
      expect(text).toContain(names.info);
      expect(text).toContain("if ( ! hash_equals( $expected, hash( 'sha256', $text ) ) ) {");
      expect(text).not.toContain("check-update");
    },
  );

  it("issue 12: the newest reads feed.json and its .sig per check; info(-beta).json and deprecations.json only when shown, checked against the feed; no releases.json, no check-update*.json", () => {
    const text = sourceText(NEWEST);
    const reads = [...text.matchAll(/->http_get\(\s*([^;]+?)\s*\);/g)].map((match) => match[1]);
    expect(reads).toEqual([
      `$base . ${CONTRACT_NAMES.feed}`,
      `$base . ${CONTRACT_NAMES.signature}`,
      // vouched_document(): the details dialog's info document, a withdrawn version's reason.
      "$state['feed_url'] . '/' . Config::PLUGIN_FOLDER . '/' . $name",
      // Issue 14 item 4 (Holds::refresh()): the releases held back, asked only when the
      // verified feed offers this site a release (test/updater-downloads-and-holds.test.ts).
      "$this->url()",
      // Only for a package the verified feed does not list.
      "$signature_url",
    ]);
    expect(text.match(/->vouched_document\(\s*[^)]+\)/g)).toEqual([
      "->vouched_document( $name )",
      "->vouched_document( Config::DEPRECATIONS_FILE )",
    ]);
    expect(text).toContain(CONTRACT_NAMES.info);
    expect(text).toContain("if ( ! hash_equals( $expected, hash( 'sha256', $text ) ) ) {");
    expect(text).not.toContain("RELEASES_FILE");
    expect(text).not.toContain("check-update");
  });
});

describe("issue 9 item 10: one version order, SemVer 2.0.0, in the Worker and in the updater", () => {
  const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
  /** How the Worker orders versions (scripts/contract/offer.ts): normalised, then semver. */
  const workerCompare = (a: string, b: string) => {
    const left = normaliseVersion(a);
    const right = normaliseVersion(b);
    if (!left || !right) throw new Error(`the Worker does not read ${a} or ${b} as a version`);
    return semver.compare(left, right);
  };

  /**
   * The updater's version order, from a rendered updater, for the whole table in one php run:
   * Versions::compare() (version 2 on), compare_versions() of the one class (version 1).
   */
  const phpCompare = (
    cases: readonly (readonly [string, string, number])[],
    updater: UpdaterVersion = NEWEST,
  ): (number | null)[] => {
    const parsed = parseReleaseTree({
      pluginDirs: ["releases/demo"],
      files: [{ path: "releases/demo/plugin.yaml", text: pluginYaml([KEY.publicKey]) }],
    });
    const plugin = compilePlan(parsed.plugins).plugins[0];
    if (!plugin) throw new Error("no plugin");
    const compare =
      updater.version === 1 ? "array( $class, 'compare_versions' )" : "array( $class . '\\Versions', 'compare' )";
    return runUpdaterPhp<(number | null)[]>(plugin, {
      script: `echo json_encode( array_map( function ( $c ) use ( $class ) { return call_user_func( ${compare}, $c[0], $c[1] ); }, $input ) );`,
      input: cases,
      updater,
    });
  };

  it("has at least 40 cases, each also checked the other way round", () => {
    expect(VERSION_ORDER_CASES.length).toBeGreaterThanOrEqual(40);
  });

  it("orders every case of test/support/version-order-cases.ts as the Worker does (semver)", () => {
    const wrong = VERSION_ORDER_CASES.flatMap(([a, b, expected]) => [
      ...(sign(workerCompare(a, b)) === expected ? [] : [`${a} vs ${b}: ${workerCompare(a, b)}, expected ${expected}`]),
      ...(sign(workerCompare(b, a)) === -expected ? [] : [`${b} vs ${a}: expected ${-expected}`]),
    ]);
    expect(wrong).toEqual([]);
  });

  it.each([
    ["the newest", NEWEST],
    ["version 1", FIRST],
  ] as const)(
    "orders every case of test/support/version-order-cases.ts as the updater does (PHP, %s)",
    (_label, updater) => {
      const both = VERSION_ORDER_CASES.flatMap(([a, b, expected]) => [
        [a, b, expected] as const,
        [b, a, -expected] as const,
      ]);
      const results = phpCompare(both, updater);
      const wrong = both.flatMap(([a, b, expected], index) =>
        results[index] === expected ? [] : [`${a} vs ${b}: PHP says ${results[index]}, expected ${expected}`],
      );
      expect(wrong).toEqual([]);
    },
  );

  it("says 'not a version' (null) in PHP where the Worker reads no version either", () => {
    const texts = ["", "1.0.0-", "1.0.0-a..b", "01.0.0", "1.0.0-01", "1.0.0.0", "latest", "1.0.0\u0000", "1.0.0 -beta"];
    for (const updater of [NEWEST, FIRST]) {
      const results = phpCompare(
        texts.map((text) => [text, "1.0.0", 0] as const),
        updater,
      );
      expect(results).toEqual(texts.map(() => null));
    }
    expect(texts.map((text) => normaliseVersion(text))).toEqual(texts.map(() => null));
  });

  it("does not use PHP's version_compare for the versions of releases", () => {
    const text = UPDATER_VERSIONS.map(sourceText).join("\n");
    const calls = text
      .split("\n")
      .filter((line) => /version_compare\s*\(/.test(line) && !/^(\*|\/\/)/.test(line.trim()));
    expect(calls).toEqual([]);
  });
});

describe("issue 10 item 6: a released package keeps the updater version it was built with", () => {
  /** A copy of feedwright's updater versions, to "upgrade" without touching site/updater/. */
  function copyUpdaterVersions(): string {
    const dir = mkdtempSync(path.join(tmpdir(), "feedwright-updaters-"));
    for (const version of UPDATER_VERSIONS) {
      for (const file of version.files) {
        const target = path.join(dir, String(version.version), file.path);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, file.text);
      }
    }
    return dir;
  }

  /** Version N+1: the newest with a mark in its entry, as a new feedwright would ship it. */
  function addUpdaterVersion(dir: string, mark: string): number {
    const next = NEWEST.version + 1;
    for (const file of NEWEST.files) {
      const target = path.join(dir, String(next), file.path);
      mkdirSync(path.dirname(target), { recursive: true });
      const text = file.path === UPDATER_ENTRY ? file.text.replace("<?php\n", `<?php\n// ${mark}\n`) : file.text;
      writeFileSync(target, text);
    }
    return next;
  }

  const zipsOf = (dist: string) =>
    Object.fromEntries(
      readdirSync(path.join(dist, "plugins", "demo"))
        .filter((name) => name.startsWith("demo-v") && name.endsWith(".zip"))
        .map((name) => [name, sha256(path.join(dist, "plugins", "demo", name))]),
    );

  it("rebuilds every released package byte for byte after an updater upgrade; a new release gets the new updater", async () => {
    const repo = createUpdaterRepo();
    const updaters = copyUpdaterVersions();
    const build = (out: string, cacheDir: string) =>
      runBuild({ repoRoot: repo.root, outDir: path.join(repo.root, out), keys: [KEY], updaterDir: updaters, cacheDir });
    try {
      await build("dist-before", path.join(repo.root, "cache-before"));
      const before = zipsOf(path.join(repo.root, "dist-before"));
      expect(Object.keys(before).sort()).toEqual(["demo-v1.0.0.zip", "demo-v1.1.0.zip"]);
      // What promote records: the sha256 and the updater version of each released package.
      for (const version of ["1.0.0", "1.1.0"]) {
        const file = `releases/demo/${version}.yaml`;
        repo.write(
          file,
          `${repo.read(file)}updater_version: ${NEWEST.version}\nsha256: "${before[`demo-v${version}.zip`]}"\n`,
        );
      }
      repo.commit("record the released packages");

      const mark = "feedwright's next updater";
      const next = addUpdaterVersion(updaters, mark);
      repo.write("source/demo/demo.php", `${demoMainFile("1.2.0")}${REQUIRE_LINE}`);
      const pin = repo.commit("source 1.2.0");
      repo.write(
        "releases/demo/1.2.0.yaml",
        `version: "1.2.0"\nstatus: released\nreleased_at: "2026-03-01T00:00:00Z"\nsource: "${pin}"\nchangelog: Third.\n`,
      );
      repo.commit("release 1.2.0");
      // A fresh cache: the bytes are made again, not reused.
      const report = await build("dist-after", path.join(repo.root, "cache-after"));
      expect(report.packaged.map((entry) => entry.version).sort()).toEqual(["1.0.0", "1.1.0", "1.2.0"]);
      const after = zipsOf(path.join(repo.root, "dist-after"));
      expect(after["demo-v1.0.0.zip"]).toBe(before["demo-v1.0.0.zip"]);
      expect(after["demo-v1.1.0.zip"]).toBe(before["demo-v1.1.0.zip"]);
      const zip = (version: string) => path.join(repo.root, "dist-after", "plugins", "demo", `demo-v${version}.zip`);
      expect(unzipFile(zip("1.2.0"), `demo/${UPDATER_PATH}`)).toContain(`// ${mark}\n`);
      expect(unzipFile(zip("1.1.0"), `demo/${UPDATER_PATH}`)).not.toContain(mark);
      expect(next).toBe(NEWEST.version + 1);
    } finally {
      repo.cleanup();
      rmSync(updaters, { recursive: true, force: true });
    }
  });

  it("is part of the cache key: the same release under another updater version is packaged again", async () => {
    const repo = createUpdaterRepo();
    const updaters = copyUpdaterVersions();
    const cacheDir = path.join(repo.root, "cache");
    const build = () =>
      runBuild({
        repoRoot: repo.root,
        outDir: path.join(repo.root, "dist"),
        keys: [KEY],
        updaterDir: updaters,
        cacheDir,
      });
    try {
      expect((await build()).packaged).toHaveLength(2);
      expect((await build()).reused).toHaveLength(2);
      // Releases that record no updater version get the newest: packaged again, with it.
      addUpdaterVersion(updaters, "another updater");
      expect((await build()).packaged).toHaveLength(2);
      expect((await build()).reused).toHaveLength(2);
    } finally {
      repo.cleanup();
      rmSync(updaters, { recursive: true, force: true });
    }
  });

  it("reports a recorded sha256 without updater_version, and a version this feedwright does not ship, at file:line:col", async () => {
    const repo = createUpdaterRepo();
    try {
      const file = "releases/demo/1.0.0.yaml";
      const original = repo.read(file);
      repo.write(file, `${original}sha256: "${"0".repeat(64)}"\n`);
      const missing = await repo.feedwright("validate");
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain(
        `${file}:1:1 updater_version: required when sha256 is recorded: the updater version (site/updater/<N>/) the package was built with, which feedwright promote records with sha256 (1 for packages recorded before feedwright versioned its updater), found nothing\n`,
      );
      repo.write(file, `${original}updater_version: 999\n`);
      const unknown = await repo.feedwright("validate");
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain(
        `${file}:6:18 updater_version: expected an updater version this feedwright ships (${UPDATER_VERSIONS.map((version) => version.version).join(", ")}), found 999`,
      );
      // A plugin without an updater has no updater version to record.
      repo.write("releases/demo/plugin.yaml", DEMO_PLUGIN_YAML);
      repo.write(file, `${original}updater_version: 1\n`);
      const without = await repo.feedwright("validate");
      expect(without.code).toBe(1);
      expect(without.stderr).toContain(
        `${file}:6:18 updater_version: expected only when releases/demo/plugin.yaml sets updater_path (the package carries no updater), found 1\n`,
      );
    } finally {
      repo.cleanup();
    }
  });

  it("feedwright promote records the updater version with the sha256, and the build reproduces both", async () => {
    const repo = createUpdaterRepo();
    try {
      const result = await repo.feedwright(
        "promote",
        "demo",
        "1.1.0",
        "deprecated",
        "--reason",
        "Withdrawn in a test.",
      );
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`recorded updater_version ${NEWEST.version}`);
      const yaml = repo.read("releases/demo/1.1.0.yaml");
      expect(yaml).toMatch(new RegExp(`^updater_version: ${NEWEST.version}\\nsha256: "?[0-9a-f]{64}"?$`, "m"));
      repo.commit("deprecate 1.1.0");
      expect((await repo.feedwright("validate")).code).toBe(0);
    } finally {
      repo.cleanup();
    }
  });
});

/**
 * Every updater version that has been on main at a stop, by the digest of its files: a
 * released package records its version and must rebuild byte for byte, so a shipped version
 * never changes; a change to the updater is a new folder site/updater/<N+1>/. Only the newest
 * version may be missing here, while it is being written; it is added when it lands.
 */
const SHIPPED_UPDATER_DIGESTS: Record<number, string> = {
  1: "c616c4bd65047b218408735b65c47e7c6223e27e9579258051d1969d56c0b53d",
  2: "61a7f30e221098dfa34628735b4f0f44b95786c4b61088fc092674fc27e2caea",
  3: "6f6e6fa5a11ed28b599340318652334691274cbffbfd81f5a6f23ef5905b6090",
  4: "46af031a70ef157202e22fd4ca4e279adcdce34d17bacf466903fbb95ade535b",
};

function updaterDigest(updater: UpdaterVersion): string {
  const digest = createHash("sha256");
  for (const file of updater.files)
    digest.update(`${file.path}\n${createHash("sha256").update(file.text).digest("hex")}\n`);
  return digest.digest("hex");
}

describe("issue 10 item 6: shipped updater versions never change", () => {
  it("keeps every shipped version's files exactly as shipped", () => {
    for (const [version, digest] of Object.entries(SHIPPED_UPDATER_DIGESTS)) {
      const updater = UPDATER_VERSIONS.find((each) => each.version === Number(version));
      expect(updater, `site/updater/${version}/ is gone: releases built with it cannot be rebuilt`).toBeDefined();
      expect(updaterDigest(updater as UpdaterVersion), `site/updater/${version}/ changed: ship a new version`).toBe(
        digest,
      );
    }
  });

  it("leaves at most the newest version open", () => {
    const open = UPDATER_VERSIONS.filter((updater) => !(updater.version in SHIPPED_UPDATER_DIGESTS));
    expect(open.map((updater) => updater.version).filter((version) => version !== NEWEST.version)).toEqual([]);
  });
});

describe("issue 10 item 1: the updater takes the contract's constants from scripts/contract", () => {
  const plugin = memoryPlan({
    slug: "demo",
    pluginYaml: `updater_path: ${UPDATER_PATH}\npublic_keys:\n  - "${KEY.publicKey}"\n`,
    releases: [{ version: "1.0.0", status: "released" }],
  });

  it("renders updaterConstants() into Config, with the values the build and the Worker use", () => {
    const constants = updaterConstants("demo");
    const names: Record<keyof typeof constants, string> = {
      feedFormat: "FEED_FORMAT",
      feedPath: "FEED_PATH",
      feedSignaturePath: "FEED_SIGNATURE_PATH",
      pluginFolder: "PLUGIN_FOLDER",
      offerIndexFormat: "OFFER_INDEX_FORMAT",
      deprecationsFile: "DEPRECATIONS_FILE",
      infoFileStable: "INFO_FILE_STABLE",
      infoFileBeta: "INFO_FILE_BETA",
      siteIdPattern: "SITE_ID_PATTERN",
      apiKeyScheme: "API_KEY_SCHEME",
      rolloutBuckets: "ROLLOUT_BUCKETS",
      rolloutDigestBytes: "ROLLOUT_DIGEST_BYTES",
      rolloutSeparator: "ROLLOUT_SEPARATOR",
      rolloutSiteKeyPrefix: "ROLLOUT_SITE_KEY_PREFIX",
      apiPath: "API_PATH",
      downloadKindParam: "DOWNLOAD_KIND_PARAM",
      downloadKindAutoUpdate: "DOWNLOAD_KIND_AUTO",
      downloadKindManual: "DOWNLOAD_KIND_MANUAL",
      installedVersionParam: "INSTALLED_VERSION_PARAM",
      rolloutAction: "ROLLOUT_ACTION",
      rolloutHaltedCode: "ROLLOUT_HALTED_CODE",
    };
    const rendered = runUpdaterPhp<Record<string, string | number>>(plugin, {
      script: `$out = array(); foreach ( $input as $name ) { $out[ $name ] = constant( $class . '\\Config::' . $name ); } echo json_encode( $out );`,
      input: Object.values(names),
    });
    expect(rendered).toEqual(
      Object.fromEntries(Object.entries(names).map(([key, name]) => [name, constants[key as keyof typeof constants]])),
    );
  });

  it("writes none of the contract's strings as a literal in its classes (they read Config)", () => {
    const constants = updaterConstants("demo");
    const contractStrings = [
      constants.feedFormat,
      constants.feedPath,
      constants.offerIndexFormat,
      constants.deprecationsFile,
      constants.infoFileStable,
      constants.infoFileBeta,
      constants.apiKeyScheme,
      constants.rolloutSiteKeyPrefix,
      constants.apiPath,
      constants.downloadKindAutoUpdate,
      constants.downloadKindManual,
      constants.rolloutHaltedCode,
      `${constants.rolloutAction}/`,
      `${constants.downloadKindParam}=`,
      `${constants.installedVersionParam}=`,
      "plugins/",
      "A-Za-z0-9._:-",
    ];
    const found: string[] = [];
    for (const file of NEWEST.files.filter((each) => each.path.endsWith(".php"))) {
      const source = path.join(UPDATER_VERSIONS_DIR, String(NEWEST.version), file.path);
      for (const [name, text] of phpTokens(source)) {
        // A message to a person ("feed.json has expired") may name a file; a path or a value may not.
        if (name !== "T_CONSTANT_ENCAPSED_STRING" || text.includes(" ")) continue;
        for (const literal of contractStrings) if (text.includes(literal)) found.push(`${file.path}: ${text}`);
      }
    }
    expect(found).toEqual([]);
  });
});

describe("issue 10 item 5: the updater is real PHP, linted as it is written", () => {
  /** Every PHP source file of every shipped version: the classes, not the entry templates. */
  const sources = UPDATER_VERSIONS.flatMap((updater) =>
    updater.files
      .filter((file) => file.path.endsWith(".php"))
      .map((file) => path.join(UPDATER_VERSIONS_DIR, String(updater.version), file.path)),
  );
  const RULESET = path.join(UPDATER_VERSIONS_DIR, "phpcs.xml");
  const phpcs = (...targets: string[]) => {
    try {
      execFileSync("phpcs", ["-q", "--no-colors", "--report-width=1000", `--standard=${RULESET}`, ...targets], {
        encoding: "utf8",
      });
      return "";
    } catch (error) {
      return String((error as { stdout?: string }).stdout ?? error);
    }
  };

  it("passes php -l in every source file", () => {
    expect(sources.length).toBeGreaterThanOrEqual(5);
    for (const file of sources)
      expect(execFileSync("php", ["-l", file], { encoding: "utf8" })).toContain("No syntax errors detected");
  });

  it("passes PHP_CodeSniffer with site/updater/phpcs.xml (the newest version)", () => {
    expect(phpcs(path.join(UPDATER_VERSIONS_DIR, String(NEWEST.version)))).toBe("");
  });

  it("has a ruleset that finds what it forbids", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "feedwright-phpcs-"));
    try {
      const file = path.join(dir, "bad.php");
      writeFileSync(
        file,
        "<?php\n/**\n * A file.\n *\n * @package feedwright\n */\n\n$a = 1;\n\nfunction bad($x) {\n    $a = [1];\n    return @eval($x);\n}\n",
      );
      const report = phpcs(file);
      for (const finding of [
        "Missing doc comment for function bad()",
        "Short array syntax is not allowed",
        "Tabs must be used to indent lines; spaces are not allowed",
        "Silencing errors is forbidden",
        "Use of eval() is discouraged",
        "Expected 1 spaces after opening parenthesis",
      ])
        expect(report).toContain(finding);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /**
   * PHP 7.4 syntax, which the README promises, checked by token: Debian 12 ships only PHP 8.2,
   * whose php -l accepts what 7.4 would refuse. The tokens of 8.0 and later (match, enum,
   * readonly, ?->, #[...]), named arguments, union and mixed types, constructor promotion, a
   * trailing comma in a parameter list, catch without a variable, and 8.x-only functions.
   */
  function newerThan74(text: string): string[] {
    const dir = mkdtempSync(path.join(tmpdir(), "feedwright-php74-"));
    try {
      const file = path.join(dir, "source.php");
      writeFileSync(file, text);
      const tokens = phpTokens(file).filter(([name]) => !["T_WHITESPACE", "T_COMMENT", "T_DOC_COMMENT"].includes(name));
      const found: string[] = [];
      const forbidden = new Set([
        "T_MATCH",
        "T_ENUM",
        "T_READONLY",
        "T_NULLSAFE_OBJECT_OPERATOR",
        "T_ATTRIBUTE",
        "T_NAME_FULLY_QUALIFIED_ATTRIBUTE",
      ]);
      const newFunctions = new Set([
        "str_contains",
        "str_starts_with",
        "str_ends_with",
        "get_debug_type",
        "array_is_list",
        "fdiv",
      ]);
      let signature = -1; // depth of the parameter list being read, or -1 outside one
      let depth = 0;
      let inReturnType = false;
      for (const [index, [name, value]] of tokens.entries()) {
        const previous = tokens[index - 1];
        const next = tokens[index + 1];
        if (forbidden.has(name)) found.push(`${name} ${value}`);
        if (name === "T_STRING" && newFunctions.has(value) && next?.[1] === "(") found.push(`${value}()`);
        if (name === "T_STRING" && next?.[1] === ":" && (previous?.[1] === "(" || previous?.[1] === ","))
          found.push(`named argument ${value}:`);
        if (name === "T_CATCH") {
          const close = tokens.findIndex((token, at) => at > index && token[1] === ")");
          if (!tokens.slice(index, close).some(([kind]) => kind === "T_VARIABLE"))
            found.push("catch without a variable");
        }
        if (name === "T_FUNCTION" || name === "T_FN") signature = -2;
        if (value === "(") {
          if (signature === -2) signature = depth;
          depth += 1;
        }
        if (value === ")") {
          depth -= 1;
          if (signature === depth) {
            signature = -1;
            inReturnType = next?.[1] === ":";
            if (previous?.[1] === ",") found.push("trailing comma in a parameter list");
          }
        }
        if (value === "{" || value === ";" || name === "T_DOUBLE_ARROW") inReturnType = false;
        if (signature >= 0 || inReturnType) {
          if (value === "|") found.push("union type");
          if (name === "T_STRING" && value.toLowerCase() === "mixed") found.push("mixed type");
          if (["T_PUBLIC", "T_PRIVATE", "T_PROTECTED"].includes(name)) found.push("constructor promotion");
        }
      }
      return found;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("uses only PHP 7.4 syntax (the README's promise), in every source file and entry template", () => {
    const texts = UPDATER_VERSIONS.flatMap((updater) => updater.files.map((file) => [file.path, file.text] as const));
    const found = texts.flatMap(([file, text]) => newerThan74(text).map((what) => `${file}: ${what}`));
    expect(found).toEqual([]);
  });

  it("finds each PHP 8 construct it looks for", () => {
    const php8 = `<?php
#[Attribute]
enum Suit { case Hearts; }
final class A {
	public function __construct( private readonly int $x, ) {}
	public function b( int|string $y ): mixed {
		try { $z = match ( $y ) { 1 => 'a', default => 'b' }; } catch ( \\Exception ) {}
		return $this?->c( name: 1 ) . str_contains( 'a', 'b' );
	}
}
`;
    expect(newerThan74(php8).sort()).toEqual(
      [
        "T_ATTRIBUTE #[",
        "T_ENUM enum",
        "T_READONLY readonly",
        "constructor promotion",
        "trailing comma in a parameter list",
        "union type",
        "mixed type",
        "T_MATCH match",
        "catch without a variable",
        "T_NULLSAFE_OBJECT_OPERATOR ?->",
        "named argument name:",
        "str_contains()",
      ].sort(),
    );
  });
});

describe("issue 11 item 5: wp-config.php constants point a site at another feed, never at other keys", () => {
  const plugin = memoryPlan({
    slug: "demo",
    pluginYaml: `updater_path: ${UPDATER_PATH}\npublic_keys:\n  - "${KEY.publicKey}"\n`,
    releases: [{ version: "1.0.0", status: "released" }],
  });
  /** Just enough of WordPress for Settings: no filter changes anything. */
  const STUBS = `
function apply_filters( $hook, $value ) { return $value; }
function untrailingslashit( $text ) { return rtrim( $text, '/\\\\' ); }
function wp_parse_url( $url, $component = -1 ) { return parse_url( $url, $component ); }
`;
  interface Addresses {
    constants: { feed: string; api: string };
    feed: string;
    api: string;
    problem: string;
    feedSource: string;
    apiSource: string;
    keys: string[];
  }
  const addresses = (defines: Record<string, unknown>) =>
    runUpdaterPhp<Addresses>(plugin, {
      prelude: `${STUBS}${Object.entries(defines)
        .map(([name, value]) => `define( ${JSON.stringify(name)}, ${JSON.stringify(value)} );`)
        .join("\n")}`,
      script: `
$settings = $class . '\\Settings';
$config   = $class . '\\Config';
$s = new $settings();
echo json_encode( array(
	'constants'  => array( 'feed' => $settings::override_constant( 'FEED_URL' ), 'api' => $settings::override_constant( 'API_BASE' ) ),
	'feed'       => $s->feed_url(),
	'api'        => $s->api_base(),
	'problem'    => $s->override_problem(),
	'feedSource' => $s->source_of( 'FEED_URL' ),
	'apiSource'  => $s->source_of( 'API_BASE' ),
	'keys'       => $config::PUBLIC_KEYS,
) );`,
      input: null,
    });

  it("names the constants after the plugin's option prefix, and without them reads plugin.yaml's addresses", () => {
    const plain = addresses({});
    expect(plain.constants).toEqual({ feed: "FEEDWRIGHT_DEMO_FEED_URL", api: "FEEDWRIGHT_DEMO_API_BASE" });
    expect(plain).toMatchObject({
      feed: "https://api.example.com",
      api: "https://api.example.com/api",
      problem: "",
      feedSource: "the plugin",
      apiSource: "the plugin",
    });
  });

  it("FEED_URL moves the feed and, unless API_BASE says otherwise, the API to its origin", () => {
    expect(addresses({ FEEDWRIGHT_DEMO_FEED_URL: "http://127.0.0.1:8787/" })).toMatchObject({
      feed: "http://127.0.0.1:8787",
      api: "http://127.0.0.1:8787/api",
      problem: "",
      feedSource: "FEEDWRIGHT_DEMO_FEED_URL in wp-config.php",
      apiSource: "beside FEEDWRIGHT_DEMO_FEED_URL in wp-config.php",
    });
    expect(
      addresses({
        FEEDWRIGHT_DEMO_FEED_URL: "https://staging-cdn.example.com/feed",
        FEEDWRIGHT_DEMO_API_BASE: "https://staging-api.example.com/api",
      }),
    ).toMatchObject({
      feed: "https://staging-cdn.example.com/feed",
      api: "https://staging-api.example.com/api",
      apiSource: "FEEDWRIGHT_DEMO_API_BASE in wp-config.php",
    });
  });

  it("refuses to check at all with a constant that is not an http(s) URL, and says which", () => {
    for (const bad of ["127.0.0.1:8787", "ftp://example.com", "https://example.com/?a=1", 8787]) {
      const result = addresses({ FEEDWRIGHT_DEMO_FEED_URL: bad });
      expect(result.problem, String(bad)).toBe(
        "FEEDWRIGHT_DEMO_FEED_URL in wp-config.php is not an http(s) URL such as https://updates.example.com.",
      );
      expect(result.feed).toBe("https://api.example.com");
    }
    expect(addresses({ FEEDWRIGHT_DEMO_API_BASE: "nope" }).problem).toContain("FEEDWRIGHT_DEMO_API_BASE");
  });

  it("changes where, never whom: the trusted keys are the pinned ones whatever is defined", () => {
    const keys = addresses({ FEEDWRIGHT_DEMO_FEED_URL: "http://127.0.0.1:8787" }).keys;
    expect(keys).toEqual([KEY.publicKey]);
    const source = sourceText(NEWEST);
    // The only keys a signature is checked against: Config's, and those a trusted feed announced.
    expect(source.match(/[=(,]\s*Config::PUBLIC_KEYS/g)).toHaveLength(1);
    expect(source).not.toMatch(/apply_filters\([^)]*key/i);
  });
});

describe("issue 11 item 8: 'tested up to' compared by major.minor, as the update-checker library does", () => {
  const plugin = memoryPlan({
    slug: "demo",
    pluginYaml: `updater_path: ${UPDATER_PATH}\npublic_keys:\n  - "${KEY.publicKey}"\n`,
    releases: [{ version: "1.0.0", status: "released" }],
  });
  /** tested_wp, this site's WordPress (then core updates on offer), what is written, whether core's dialog warns. */
  const CASES: [tested: string, wordpress: string[], expected: string, warns: boolean][] = [
    ["6.1", ["6.1.9"], "6.1.9", false],
    ["6.1", ["6.1"], "6.1.0", false],
    ["6.1", ["6.1.9", "6.1.10"], "6.1.10", false],
    ["6.1", ["6.2.1"], "6.1", true],
    ["6.7", ["6.1.9"], "6.7", false],
    ["6.7", ["6.1.9", "6.7.1"], "6.7.1", false],
    ["6.1", ["6.0.3", "6.1.2"], "6.1.2", false],
    ["6.7.1", ["6.7.2"], "6.7.1", true],
    ["", ["6.1.9"], "", false],
  ];

  it.each(CASES)(
    "tested %s on WordPress %j is written %s (the dialog warns: %s)",
    (tested, wordpress, expected, warns) => {
      const result = runUpdaterPhp<{ tested: string; warns: boolean; warnsBefore: boolean }>(plugin, {
        script: `
$tested = call_user_func( array( $class . '\\Versions', 'tested_up_to' ), $input['tested'], $input['wordpress'] );
// wp-admin/includes/plugin-install.php: the dialog warns unless the site's version <= tested.
$warns  = function ( $value ) use ( $input ) {
	return '' !== $value && ! version_compare( $input['wordpress'][0], $value, '<=' );
};
echo json_encode( array( 'tested' => $tested, 'warns' => $warns( $tested ), 'warnsBefore' => $warns( $input['tested'] ) ) );`,
        input: { tested, wordpress },
      });
      expect(result).toMatchObject({ tested: expected, warns });
      if (tested === "6.1" && wordpress[0] === "6.1.9") expect(result.warnsBefore).toBe(true);
    },
  );
});

describe("issue 12: a check costs two requests and a few KB, and the site keeps a few KB, whatever the history", () => {
  const V2 = UPDATER_VERSIONS.find((updater) => updater.version === 2) ?? NEWEST;
  /** The bench plugin's updater, pinning the key its feed is signed with. */
  const plugin = memoryPlan({
    slug: BENCH_SLUG,
    pluginYaml: `updater_path: ${UPDATER_PATH}\npublic_keys:\n  - "${benchSigningKey().publicKey}"\n`,
    releases: [{ version: "1.0.0", status: "released" }],
  });
  /** Just enough of WordPress for a check: options in memory, HTTP from the published folder, counted. */
  const STUBS = `
class WP_Error {
	private $message;
	public function __construct( $code = '', $message = '' ) { $this->message = $message; }
	public function get_error_message() { return $this->message; }
}
$GLOBALS['fw'] = array( 'options' => array(), 'requests' => array(), 'bytes' => 0, 'files' => array() );
function is_wp_error( $thing ) { return $thing instanceof WP_Error; }
function apply_filters( $hook, $value ) { return $value; }
function untrailingslashit( $text ) { return rtrim( $text, '/\\\\' ); }
function wp_parse_url( $url, $component = -1 ) { return parse_url( $url, $component ); }
function get_option( $name, $default = false ) { return array_key_exists( $name, $GLOBALS['fw']['options'] ) ? $GLOBALS['fw']['options'][ $name ] : $default; }
function update_option( $name, $value, $autoload = null ) { $GLOBALS['fw']['options'][ $name ] = $value; return true; }
function wp_remote_get( $url, $args = array() ) {
	$GLOBALS['fw']['requests'][] = $url;
	$path = ltrim( (string) parse_url( $url, PHP_URL_PATH ), '/' );
	if ( ! isset( $GLOBALS['fw']['files'][ $path ] ) ) {
		return array( 'code' => 404, 'body' => '' );
	}
	$GLOBALS['fw']['bytes'] += strlen( $GLOBALS['fw']['files'][ $path ] );
	return array( 'code' => 200, 'body' => $GLOBALS['fw']['files'][ $path ] );
}
function wp_remote_retrieve_response_code( $response ) { return $response['code']; }
function wp_remote_retrieve_body( $response ) { return $response['body']; }
`;
  interface CheckFigures {
    ok: boolean;
    requests: string[];
    bytes: number;
    option: number;
    offer: string | null;
    reason?: { requests: string[]; again: string[]; text: string; option: number };
  }
  /** One check (Feed::refresh()) against the bench feed of N releases, by an updater version. */
  const checkAt = (count: number, updater: UpdaterVersion): CheckFigures => {
    const files = Object.fromEntries(
      benchOutputFiles(count)
        .filter((file) => "content" in file && /(\.json|\.sig)$/.test(file.path) && !file.path.endsWith(".zip.sig"))
        .map((file) => [file.path, "content" in file ? Buffer.from(file.content).toString("base64") : ""]),
    );
    return runUpdaterPhp<CheckFigures>(plugin, {
      prelude: STUBS,
      updater,
      input: files,
      script: `
foreach ( $input as $path => $content ) {
	$GLOBALS['fw']['files'][ $path ] = base64_decode( $content );
}
$config  = $class . '\\Config';
$store   = $class . '\\State_Store';
$feed    = $class . '\\Feed';
$feed    = new $feed( new ( $class . '\\Settings' )(), new $store() );
$ok      = true === $feed->refresh();
$state   = get_option( $config::PREFIX . '_state' );
$figures = array(
	'ok'       => $ok,
	'requests' => $GLOBALS['fw']['requests'],
	'bytes'    => $GLOBALS['fw']['bytes'],
	'option'   => strlen( serialize( $state ) ),
	'offer'    => null,
	'error'    => $state['last_error'],
);
if ( method_exists( $feed, 'deprecation_reason' ) ) {
	$offer = call_user_func( array( $class . '\\Offer', 'choose' ), ( new $store() )->candidates( 'stable' ), '1.0.0', '8.2.0', '6.7', function () { return 'site-a'; } );
	$figures['offer'] = null === $offer ? null : $offer['version'];
	// A site on a withdrawn release reads why once, when the Plugins screen shows it.
	$GLOBALS['fw']['requests'] = array();
	$text  = $feed->deprecation_reason( '1.3.9' );
	$first = $GLOBALS['fw']['requests'];
	$GLOBALS['fw']['requests'] = array();
	$feed->deprecation_reason( '1.3.9' );
	$figures['reason'] = array(
		'requests' => $first,
		'again'    => $GLOBALS['fw']['requests'],
		'text'     => $text,
		'option'   => strlen( serialize( get_option( $config::PREFIX . '_state' ) ) ),
	);
}
echo json_encode( $figures );
`,
    });
  };

  it("updater makes ≤ 2 requests per check and stores a bounded option, at 100 and 1000 releases (version 2 for comparison)", () => {
    const figures = [100, 1000].map((count) => ({ count, v3: checkAt(count, NEWEST), v2: checkAt(count, V2) }));
    for (const { count, v2, v3 } of figures) {
      console.info(
        `issue 12, ${count} releases: updater ${NEWEST.version}: ${v3.requests.length} requests, ${v3.bytes} bytes read, option ${v3.option} bytes; ` +
          `updater 2: ${v2.requests.length} requests, ${v2.bytes} bytes read, option ${v2.option} bytes`,
      );
      expect(v3, JSON.stringify(v3).slice(0, 400)).toMatchObject({ ok: true });
      expect(v3.requests.map((url) => new URL(url).pathname)).toEqual(["/feed.json", "/feed.json.sig"]);
      expect(v3.bytes).toBeLessThanOrEqual(8 * 1024);
      expect(v3.option).toBeLessThanOrEqual(8 * 1024);
      // The newest release asks PHP 8.1, rolls out to 25%: site-a is offered it or the one below.
      expect(v3.offer).toMatch(/^\d+\.\d+\.\d+$/);
      expect(v3.reason?.requests.map((url) => new URL(url).pathname)).toEqual([
        `/plugins/${BENCH_SLUG}/deprecations.json`,
      ]);
      expect(v3.reason?.again).toEqual([]);
      expect(v3.reason?.text).toContain("Version 1.3.9 could lose queued orders");
      expect(v3.reason?.option).toBeLessThanOrEqual(v3.option + 512);
      // What it replaces: four requests, and the whole release list read and kept.
      expect(v2.requests).toHaveLength(4);
      expect(v2.option).toBeGreaterThan(v3.option);
    }
    const [hundred, thousand] = figures;
    // 900 more releases: only the withdrawn versions' list grows (22 more of them).
    expect((thousand?.v3.bytes ?? 0) - (hundred?.v3.bytes ?? 0)).toBeLessThan(22 * 16);
    expect((thousand?.v3.option ?? 0) - (hundred?.v3.option ?? 0)).toBeLessThan(22 * 32);
    expect(thousand?.v2.option).toBeGreaterThan(1024 * 1024);
  });
});
