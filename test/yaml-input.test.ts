/**
 * What the input checks of issue 9 (items 5, 8 and 12) still accept: the refusals are in
 * validation.test.ts; here, that real inputs pass and that the limits are documented where
 * editors and readers see them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isApiBase } from "../scripts/contract/index.ts";
import { parseReleaseTree } from "../scripts/core/parse-tree.ts";
import { firstInvalidUtf8Byte, parseYaml } from "../scripts/core/parse-yaml.ts";
import { pluginSchema, TEXT_LIMITS } from "../scripts/core/schema.ts";
import { loadReleaseTree } from "../scripts/io/load-tree.ts";
import { createDemoRepo, DEMO_PLUGIN_YAML } from "./support/scratch-repo.ts";

const ROOT = path.resolve(import.meta.dirname, "..");

describe("YAML input that is accepted", () => {
  it("issue 9 item 8: a UTF-8 byte-order mark at the very start is accepted, and not published", async () => {
    const repo = createDemoRepo();
    try {
      for (const file of ["releases/demo/plugin.yaml", "releases/demo/1.1.0.yaml"]) {
        repo.write(file, `\ufeff${repo.read(file)}`);
      }
      const result = await repo.feedwright("build", "--out", "dist", "--quiet");
      expect(result.code, result.stderr).toBe(0);
      const releases = readFileSync(path.join(repo.root, "dist/plugins/demo/releases.json"), "utf8");
      expect(releases).toContain("1.1.0");
      expect(releases.includes("\ufeff")).toBe(false);
    } finally {
      repo.cleanup();
    }
  });

  it("issue 9 item 8: text in any script (é, 中文, emoji) is valid UTF-8 and kept as written", () => {
    const text = "changelog: Café — 中文 🚀\n";
    const parsed = parseYaml("x.yaml", new TextEncoder().encode(text));
    expect(parsed.problems).toEqual([]);
    expect(parsed.value).toEqual({ changelog: "Café — 中文 🚀" });
  });

  it("issue 9 item 8: the first malformed UTF-8 sequence is found where TextDecoder's fatal mode fails", () => {
    const cases: [number[], number][] = [
      [[0x61, 0x62], -1],
      [[0x61, 0xe9, 0x2e], 1], // Latin-1 é
      [[0xc0, 0xaf], 0], // overlong "/"
      [[0xe0, 0x80, 0xaf], 0], // overlong
      [[0xed, 0xa0, 0x80], 0], // a UTF-16 surrogate
      [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
      [[0x61, 0xe2, 0x82], 1], // cut short at the end
      [[0xe2, 0x82, 0xac, 0xff], 3], // € then a byte that never starts a character
      [[0xf0, 0x9f, 0x9a, 0x80], -1], // 🚀
    ];
    for (const [bytes, expected] of cases) {
      const array = Uint8Array.from(bytes);
      expect(firstInvalidUtf8Byte(array), bytes.join(",")).toBe(expected);
      let fatal = false;
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(array);
      } catch {
        fatal = true;
      }
      expect(fatal, bytes.join(",")).toBe(expected !== -1);
    }
  });

  it("issue 9 item 5: URLs that plugins really use are accepted", () => {
    const base = {
      name: "Demo",
      slug: "demo",
      platform: "wordpress",
      description: "A plugin.",
      homepage: "https://example.com",
      author: "Example",
      main_file: "demo.php",
      version_constant: "DEMO_VERSION",
      requires_php: "7.4",
      requires_wp: "6.0",
      tested_wp: "6.7",
      api_base: "https://api.example.com/api",
    };
    const good: Record<string, unknown>[] = [
      { api_base: "http://127.0.0.1:8787/api" },
      { api_base: "https://updates.example.com:8443/api" },
      { api_base: "https://xn--bcher-kva.example/api" },
      { site_url: "https://updates.example.com" },
      { site_url: "https://cdn.example.com/feeds/demo" },
      { homepage: "https://example.com/" },
      { homepage: "https://example.com/plugins/demo?ref=wp#install" },
      { homepage: "https://example.com/~me/%C3%A9t%C3%A9" },
      { author_homepage: "https://medium.com/@example" },
      { banners: { low: "https://cdn.example.com/banner.png?w=772&h=250", high: "https://cdn.example.com/b.png" } },
      { icons: { "1x": "https://cdn.example.com/i.png", svg: "http://cdn.example.com/i.svg" } },
    ];
    for (const change of good) {
      const result = pluginSchema.safeParse({ ...base, ...change });
      expect(result.error?.issues, JSON.stringify(change)).toBeUndefined();
    }
  });

  it("issue 11 item 2: editors' JSON Schema and validate agree on which api_base is the Worker's API", () => {
    const pattern = new RegExp(
      (
        JSON.parse(readFileSync(path.join(ROOT, "releases/plugin.schema.json"), "utf8")) as {
          properties: { api_base: { pattern: string } };
        }
      ).properties.api_base.pattern,
    );
    const values = [
      "https://api.example.com/api",
      "http://127.0.0.1:8787/api",
      "https://updates.example.com:8443/api",
      "http://127.0.0.1:8841",
      "https://api.example.com",
      "https://updates.example.com/v1/wp-updates",
      "https://updates.example.com/feeds/api",
      "https://updates.example.com/api/v2",
      "https://updates.example.com/apis",
    ];
    const demoPlugin = parse(DEMO_PLUGIN_YAML) as Record<string, unknown>;
    const accepted = values.filter((value) => isApiBase(value));
    expect(accepted).toEqual([
      "https://api.example.com/api",
      "http://127.0.0.1:8787/api",
      "https://updates.example.com:8443/api",
    ]);
    for (const value of values) {
      expect(pattern.test(value), value).toBe(accepted.includes(value));
      const parsed = pluginSchema.safeParse({ ...demoPlugin, api_base: value });
      expect(parsed.success, value).toBe(accepted.includes(value));
    }
  });

  it("issue 9 items 5, 8 and 12: this repository's example validates", async () => {
    const parsed = parseReleaseTree(await loadReleaseTree(ROOT));
    expect(parsed.problems).toEqual([]);
    expect(parsed.plugins.map((plugin) => plugin.slug)).toEqual(["hello-geeklog", "igny8-wp-bridge"]);
  });

  it("issue 9 item 12: the demo plugin.yaml of the tests still parses as plain fields", () => {
    expect(parseYaml("plugin.yaml", Buffer.from(DEMO_PLUGIN_YAML)).problems).toEqual([]);
  });
});

describe("documented limits", () => {
  it("issue 9 item 12: the JSON Schema files carry the length limits as maxLength", () => {
    const read = (name: string) =>
      JSON.parse(readFileSync(path.join(ROOT, "releases", name), "utf8")) as {
        properties: Record<string, { maxLength?: number; maxItems?: number }>;
      };
    const release = read("release.schema.json").properties;
    const plugin = read("plugin.schema.json").properties;
    expect(release.changelog?.maxLength).toBe(TEXT_LIMITS.markdown);
    expect(release.upgrade_notice?.maxLength).toBe(TEXT_LIMITS.notice);
    expect(release.deprecation_reason?.maxLength).toBe(TEXT_LIMITS.notice);
    expect(plugin.description?.maxLength).toBe(TEXT_LIMITS.markdown);
    expect(plugin.name?.maxLength).toBe(TEXT_LIMITS.name);
    expect(plugin.api_base?.maxLength).toBe(TEXT_LIMITS.url);
    expect(plugin.exclude?.maxItems).toBe(TEXT_LIMITS.patterns);
  });

  it("issue 9 item 12: the README states each limit", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    expect(readme).toContain("at most 65536 characters");
    expect(readme).toContain("at most 4096 characters");
    expect(readme).toContain("at most 200 characters");
    expect(readme).toContain("at most 2048 characters");
    expect(readme).toContain("at most 1 MiB");
  });
});
