/**
 * The updater in the package: rendered into every package at updater_path from plugin.yaml
 * only (so the package does not depend on the key a build signs with), part of the cache
 * key, required by the main file or the build fails, valid PHP (php -l on every PHP file of
 * every package), and the plugin.yaml fields it needs validated with file:line:col.
 * Its behaviour in WordPress is tested by `npm run test:wordpress` (test/wordpress/).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import semver from "semver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The Worker's own reading of versions: the contract's, which the Worker imports.
import { normaliseVersion } from "../scripts/contract/index.ts";
import { parseReleaseTree } from "../scripts/core/parse-tree.ts";
import { compilePlan } from "../scripts/core/plan.ts";
import { parseSigningKey } from "../scripts/core/signing.ts";
import { checkUpdaterTemplate, phpNamePart, pinnedKeyWarnings, renderUpdater } from "../scripts/core/updater.ts";
import { generateSeed } from "../scripts/io/keys.ts";
import { readUpdaterTemplate, UPDATER_TEMPLATE } from "../scripts/io/updater-template.ts";
import {
  createDemoRepo,
  DEMO_PLUGIN_YAML,
  demoMainFile,
  type ScratchRepo,
  TEST_ENV,
  TEST_SIGNING_KEY,
} from "./support/scratch-repo.ts";
import { VERSION_ORDER_CASES } from "./support/version-order-cases.ts";

const KEY = parseSigningKey(TEST_SIGNING_KEY);
const OTHER_KEY = parseSigningKey(generateSeed());
const UPDATER_PATH = "includes/feedwright-updater.php";
const REQUIRE_LINE = `require_once __DIR__ . '/${UPDATER_PATH}';\n`;

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
      expect(unzipList(zip)).toContain(`demo/${UPDATER_PATH}`);
      const updater = unzipFile(zip, `demo/${UPDATER_PATH}`);
      expect(updater).toContain("final class Feedwright_Updater_Demo {");
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

  it("names the PHP class and options after the slug, so two plugins on one site do not collide", () => {
    expect(phpNamePart("igny8-wp-bridge")).toBe("Igny8_Wp_Bridge");
    const first =
      renderUpdater(planFor("shop-sync", [KEY.publicKey]), readUpdaterTemplate())?.content.toString("utf8") ?? "";
    const second =
      renderUpdater(planFor("shop-sync-pro", [KEY.publicKey]), readUpdaterTemplate())?.content.toString("utf8") ?? "";
    expect(first).toContain("final class Feedwright_Updater_Shop_Sync {");
    expect(first).toContain("const PREFIX          = 'feedwright_shop_sync';");
    expect(second).toContain("final class Feedwright_Updater_Shop_Sync_Pro {");
    expect(second).toContain("const PREFIX          = 'feedwright_shop_sync_pro';");
  });

  it("gives no filter that could change the trusted keys", () => {
    const text = renderUpdater(planFor("demo", [KEY.publicKey]), readUpdaterTemplate())?.content.toString("utf8") ?? "";
    const filters = [...text.matchAll(/apply_filters\(\s*([^,]+),/g)].map((match) => match[1]?.trim());
    expect(filters).toEqual([
      "self::PREFIX . '_feed_url'",
      "self::PREFIX . '_api_base'",
      "self::PREFIX . '_health_status'",
      "self::PREFIX . '_last_sync'",
    ]);
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
  const render = (change: (plugin: ReturnType<typeof base>) => void) => {
    const plugin = base();
    change(plugin);
    const rendered = renderUpdater(plugin, readUpdaterTemplate());
    if (!rendered) throw new Error("no updater");
    return rendered.content;
  };
  const codeTokens = (tokens: [string, string][]) => tokens.filter(([name]) => !DATA_TOKENS.has(name));

  it.each(hostile.map((value) => [JSON.stringify(value), value]))(
    "keeps %s in site_url, api_base, main_file, updater_path and option names inside strings and comments",
    (_label, value) => {
      const dir = mkdtempSync(path.join(tmpdir(), "feedwright-hostile-"));
      try {
        const benign = path.join(dir, "benign.php");
        writeFileSync(
          benign,
          render(() => {}),
        );
        const file = path.join(dir, "hostile.php");
        writeFileSync(
          file,
          render((plugin) => {
            const mutable = plugin as { siteUrl: string; apiBase: string; definition: Record<string, unknown> };
            mutable.siteUrl = value;
            mutable.apiBase = value;
            mutable.definition = {
              ...plugin.definition,
              main_file: value,
              updater_path: value,
              updater_credentials: { site_id_option: value, api_key_option: value },
            };
          }),
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
            `define('ABSPATH', '/'); require $argv[1]; echo json_encode(array(Feedwright_Updater_Demo::SITE_URL, Feedwright_Updater_Demo::MAIN_FILE));`,
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
    expect(() =>
      render((plugin) => {
        (plugin as { slug: string }).slug = "x{ } phpinfo(); class y";
      }),
    ).toThrow(/not a PHP identifier/);
  });

  it("renders every value of the template through a PHP context helper (no plain {{value}})", () => {
    expect(() => checkUpdaterTemplate("<?php // {{siteUrl}}\n")).toThrow(/line 1.*siteUrl.*through a context helper/);
    expect(() => checkUpdaterTemplate("<?php $a = {{{apiBase}}};\n")).toThrow(/apiBase/);
    expect(() => checkUpdaterTemplate("<?php $a = {{php (lookup this 'x')}};\n")).toThrow(/subexpression/);
    expect(() => checkUpdaterTemplate("<?php $a = {{php apiBase}}; // {{comment siteUrl}}\n")).not.toThrow();
    expect(() => checkUpdaterTemplate(readFileSync(UPDATER_TEMPLATE, "utf8"))).not.toThrow();
  });
});

describe("issue 9 item 7: the updater reads only documents the signed feed vouches for", () => {
  it("fetches feed.json and its .sig, releases.json and info(-beta).json (each checked against the feed), and no check-update*.json", () => {
    const text = readFileSync(UPDATER_TEMPLATE, "utf8");
    const reads = [...text.matchAll(/\$this->http_get\(\s*([^;]+?)\s*\);/g)].map((match) => match[1]);
    expect(reads).toEqual([
      "$base . '/feed.json'",
      "$base . '/feed.json.sig'",
      "$base . '/plugins/' . self::SLUG . '/releases.json'",
      "$base . '/plugins/' . self::SLUG . '/' . $name",
      // Only for a package the verified releases.json does not list.
      "$signature_url",
    ]);
    expect(text).toContain("$name     = 'beta' === $this->channel() ? 'info-beta.json' : 'info.json';");
    expect(text).toContain("if ( ! hash_equals( $expected, hash( 'sha256', $text ) ) ) {");
    expect(text).not.toContain("check-update");
  });
});

describe("issue 9 item 10: one version order, SemVer 2.0.0, in the Worker and in the updater", () => {
  const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
  /** How the Worker orders versions (worker/src/check-update.ts): normalised, then semver. */
  const workerCompare = (a: string, b: string) => {
    const left = normaliseVersion(a);
    const right = normaliseVersion(b);
    if (!left || !right) throw new Error(`the Worker does not read ${a} or ${b} as a version`);
    return semver.compare(left, right);
  };

  /** The updater's compare_versions(), from a rendered updater, for the whole table in one php run. */
  const phpCompare = (cases: readonly (readonly [string, string, number])[]): (number | null)[] => {
    const dir = mkdtempSync(path.join(tmpdir(), "feedwright-order-"));
    try {
      const parsed = parseReleaseTree({
        pluginDirs: ["releases/demo"],
        files: [{ path: "releases/demo/plugin.yaml", text: pluginYaml([KEY.publicKey]) }],
      });
      const plugin = compilePlan(parsed.plugins).plugins[0];
      const rendered = plugin && renderUpdater(plugin, readUpdaterTemplate());
      if (!rendered) throw new Error("no updater");
      // Not at updater_path, so boot() returns before touching WordPress.
      const file = path.join(dir, "updater.php");
      writeFileSync(file, rendered.content);
      writeFileSync(path.join(dir, "cases.json"), JSON.stringify(cases));
      const out = execFileSync(
        "php",
        [
          "-r",
          `define('ABSPATH', '/'); require $argv[1]; $out = array(); foreach (json_decode(file_get_contents($argv[2]), true) as $c) { $out[] = ${rendered.className}::compare_versions($c[0], $c[1]); } echo json_encode($out);`,
          file,
          path.join(dir, "cases.json"),
        ],
        { encoding: "utf8" },
      );
      return JSON.parse(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

  it("orders every case of test/support/version-order-cases.ts as the updater's compare_versions() does (PHP)", () => {
    const both = VERSION_ORDER_CASES.flatMap(([a, b, expected]) => [
      [a, b, expected] as const,
      [b, a, -expected] as const,
    ]);
    const results = phpCompare(both);
    const wrong = both.flatMap(([a, b, expected], index) =>
      results[index] === expected ? [] : [`${a} vs ${b}: PHP says ${results[index]}, expected ${expected}`],
    );
    expect(wrong).toEqual([]);
  });

  it("says 'not a version' (null) in PHP where the Worker reads no version either", () => {
    const texts = ["", "1.0.0-", "1.0.0-a..b", "01.0.0", "1.0.0-01", "1.0.0.0", "latest", "1.0.0\u0000", "1.0.0 -beta"];
    const results = phpCompare(texts.map((text) => [text, "1.0.0", 0] as const));
    expect(results).toEqual(texts.map(() => null));
    expect(texts.map((text) => normaliseVersion(text))).toEqual(texts.map(() => null));
  });

  it("does not use PHP's version_compare for the versions of releases", () => {
    const text = readFileSync(UPDATER_TEMPLATE, "utf8");
    const calls = text
      .split("\n")
      .filter((line) => /version_compare\s*\(/.test(line) && !/^(\*|\/\/)/.test(line.trim()));
    expect(calls).toEqual([]);
  });
});
