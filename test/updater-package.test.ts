/**
 * The updater in the package: rendered into every package at updater_path from plugin.yaml
 * only (so the package does not depend on the key a build signs with), part of the cache
 * key, required by the main file or the build fails, valid PHP (php -l on every PHP file of
 * every package), and the plugin.yaml fields it needs validated with file:line:col.
 * Its behaviour in WordPress is tested by `npm run test:wordpress` (test/wordpress/).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReleaseTree } from "../scripts/core/parse-tree.ts";
import { compilePlan } from "../scripts/core/plan.ts";
import { parseSigningKey } from "../scripts/core/signing.ts";
import { phpNamePart, pinnedKeyWarnings, renderUpdater } from "../scripts/core/updater.ts";
import { generateSeed } from "../scripts/keys.ts";
import {
  createDemoRepo,
  DEMO_PLUGIN_YAML,
  demoMainFile,
  type ScratchRepo,
  TEST_ENV,
  TEST_SIGNING_KEY,
} from "./support/scratch-repo.ts";

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
    const first = renderUpdater(planFor("shop-sync", [KEY.publicKey]))?.content.toString("utf8") ?? "";
    const second = renderUpdater(planFor("shop-sync-pro", [KEY.publicKey]))?.content.toString("utf8") ?? "";
    expect(first).toContain("final class Feedwright_Updater_Shop_Sync {");
    expect(first).toContain("const PREFIX          = 'feedwright_shop_sync';");
    expect(second).toContain("final class Feedwright_Updater_Shop_Sync_Pro {");
    expect(second).toContain("const PREFIX          = 'feedwright_shop_sync_pro';");
  });

  it("gives no filter that could change the trusted keys", () => {
    const text = renderUpdater(planFor("demo", [KEY.publicKey]))?.content.toString("utf8") ?? "";
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
