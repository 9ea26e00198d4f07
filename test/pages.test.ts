/**
 * The pages and the plugin's images as pure functions of the plan (scripts/core/pages.ts,
 * scripts/core/plugin-assets.ts): what the browser test (pages.browser.test.ts) cannot see
 * from the outside, such as that a date does not depend on the machine's time zone.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type InfoDocument, STATUSES } from "../scripts/contract/index.ts";
import { renderHeaders, renderInfo, type SignedPackageFacts } from "../scripts/core/documents.ts";
import { formatDate, renderPages, type SiteTemplates, STATUS_LABELS } from "../scripts/core/pages.ts";
import { parseReleaseTree } from "../scripts/core/parse-tree.ts";
import { compilePlan, type PluginPlan } from "../scripts/core/plan.ts";
import { checkAssetBytes } from "../scripts/core/plugin-assets.ts";
import { memoryFiles, memoryTree } from "./support/memory-tree.ts";

const SITE = path.resolve(import.meta.dirname, "..", "site", "pages");
const templates: SiteTemplates = {
  index: readFileSync(path.join(SITE, "index.hbs"), "utf8"),
  plugin: readFileSync(path.join(SITE, "plugin.hbs"), "utf8"),
  style: readFileSync(path.join(SITE, "style.hbs"), "utf8"),
  geeklog: readFileSync(path.join(SITE, "geeklog.hbs"), "utf8"),
};
const KEYS = [{ id: "0123456789abcdef", public_key: `${"A".repeat(43)}=`, role: "current" as const }];
const ICON_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8"/></svg>\n';
const PNG_BYTES = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

/** A date as the platform formats it in UTC, to compare the pages' hand-written one with. */
function platformDate(iso: string): string {
  return new Date(iso).toLocaleDateString("en-GB", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" });
}

function factsOf(plugin: PluginPlan): Map<string, SignedPackageFacts> {
  return new Map(
    plugin.releases
      .filter((release) => release.packaged)
      .map((release) => [
        release.version,
        { sha256: "a".repeat(64), md5: "b".repeat(32), size: 24873, signatures: [] },
      ]),
  );
}

/** The demo plugin with an SVG icon and a PNG banner in assets/, and a 2x icon on another origin. */
function pluginWithImages(): PluginPlan {
  const tree = memoryFiles([
    {
      pluginYaml:
        "icons:\n  svg: assets/icon.svg\n  2x: https://cdn.example.com/icon-256x256.png\nbanners:\n  low: assets/banner-772x250.png\n",
      releases: [
        { version: "1.0.0", status: "released", released_at: "2026-03-12T23:30:00-05:00" },
        { version: "1.1.0-beta.1", status: "testing" },
      ],
    },
  ]);
  const files = [
    ...tree.files,
    { path: "releases/demo/assets/icon.svg", text: ICON_SVG },
    { path: "releases/demo/assets/banner-772x250.png", text: PNG_BYTES },
  ];
  const parsed = parseReleaseTree({ pluginDirs: tree.pluginDirs, files });
  expect(parsed.problems).toEqual([]);
  const [plugin] = compilePlan(parsed.plugins).plugins;
  if (!plugin) throw new Error("no plugin");
  return plugin;
}

describe("the pages, as data", () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it("issue 11 item 12: a date is the release's own day in UTC, whatever the machine's time zone", () => {
    for (const timeZone of ["UTC", "Pacific/Kiritimati", "America/Los_Angeles", "Asia/Kolkata"]) {
      process.env.TZ = timeZone;
      for (const iso of ["2026-03-12T23:30:00-05:00", "2026-01-01T00:00:00Z", "2026-11-21T09:43:24Z"]) {
        expect(formatDate(iso), `${iso} in ${timeZone}`).toBe(platformDate(iso));
      }
    }
    expect(formatDate("2026-03-12T23:30:00-05:00")).toBe("13 March 2026");
  });

  it("issue 11 item 12: renders the same pages byte for byte in any time zone", () => {
    const plugin = pluginWithImages();
    const render = () => renderPages([plugin], new Map([[plugin.slug, factsOf(plugin)]]), templates, KEYS);
    process.env.TZ = "Pacific/Kiritimati";
    const first = render();
    process.env.TZ = "America/Los_Angeles";
    expect(render()).toEqual(first);
    const page = first.find((file) => file.path === "plugins/demo/index.html")?.content ?? "";
    expect(page).toContain('<time datetime="2026-03-12T23:30:00-05:00">13 March 2026</time>');
    expect(page).toContain('title="24,873 bytes">24.3 KiB</span>');
  });

  it("issue 11 item 12: every status has a label a person understands, none its YAML name", () => {
    const labels = STATUSES.map((status) => STATUS_LABELS[status].label);
    expect(new Set(labels).size).toBe(STATUSES.length);
    for (const status of STATUSES) {
      const { label, meaning } = STATUS_LABELS[status];
      expect(label.toLowerCase(), status).not.toBe(status.replace("_", " "));
      expect(label).not.toContain("_");
      expect(meaning.length).toBeGreaterThan(10);
    }
    expect(STATUS_LABELS.update_ready.label).toBe("Recommended update");
  });

  it("issue 11 item 12: shows only the plugin's own published images, never a URL on another origin", () => {
    const plugin = pluginWithImages();
    const pages = renderPages([plugin], new Map([[plugin.slug, factsOf(plugin)]]), templates, KEYS);
    const page = pages.find((file) => file.path === "plugins/demo/index.html")?.content ?? "";
    const index = pages.find((file) => file.path === "index.html")?.content ?? "";
    expect(page).toContain('<img class="icon" src="assets/icon.svg"');
    expect(page).toContain('<img class="banner" src="assets/banner-772x250.png"');
    expect(index).toContain('<img class="icon" src="plugins/demo/assets/icon.svg"');
    for (const html of [page, index]) expect(html).not.toContain("cdn.example.com");
  });

  it("issue 11 item 12: info.json gives WordPress the images from assets/ at their published address", () => {
    const plugin = pluginWithImages();
    const info = renderInfo(plugin, "stable", factsOf(plugin)) as InfoDocument;
    expect(info.icons).toEqual({
      svg: "https://api.example.com/plugins/demo/assets/icon.svg",
      "2x": "https://cdn.example.com/icon-256x256.png",
    });
    expect(info.banners).toEqual({ low: "https://api.example.com/plugins/demo/assets/banner-772x250.png" });
    expect(plugin.assets.map((asset) => asset.path)).toEqual(["assets/banner-772x250.png", "assets/icon.svg"]);
  });

  it("issue 11 item 12: serves a plugin's images with a Content-Security-Policy that lets them do nothing", () => {
    const headers = renderHeaders([pluginWithImages(), ...memoryTree({ slug: "plain", releases: [] }).plan.plugins]);
    expect(headers).toContain(
      "/plugins/demo/assets/*\n  Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; sandbox\n  X-Content-Type-Options: nosniff\n",
    );
    expect(headers).not.toContain("/plugins/plain/assets/*");
  });
});

describe("the plugin's images", () => {
  const svg = (body: string) => new TextEncoder().encode(`<svg xmlns="http://www.w3.org/2000/svg">${body}</svg>`);

  it("issue 11 item 12: accepts an SVG that only draws, with references inside itself", () => {
    const drawing = svg(
      '<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="1" height="1"/><use href="#g"/><use xlink:href="#g"/>',
    );
    expect(checkAssetBytes("assets/icon.svg", drawing)).toBeNull();
    expect(checkAssetBytes("assets/icon-128x128.png", PNG_BYTES)).toBeNull();
    expect(checkAssetBytes("assets/icon.gif", new TextEncoder().encode("GIF89a...."))).toBeNull();
    expect(checkAssetBytes("assets/icon.jpg", Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBeNull();
    expect(checkAssetBytes("assets/icon.webp", new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 "))).toBeNull();
  });

  it.each([
    ["an event handler", svg('<rect onload="alert(1)"/>'), "event handler"],
    ["a javascript: link", svg('<a href="javascript:alert(1)"><rect/></a>'), "javascript: URL"],
    ["an external image", svg('<image xlink:href="https://tracker.example/p.png"/>'), "another file or address"],
    ["a CSS import", svg('<style>@import "https://x.example/a.css";</style>'), "@import"],
    ["a CSS url() to elsewhere", svg("<style>rect { fill: url(https://x.example/f) }</style>"), "CSS url()"],
    ["HTML inside", svg("<foreignObject><div>hi</div></foreignObject>"), "<foreignObject>"],
    ["an entity", new TextEncoder().encode('<!DOCTYPE svg [<!ENTITY a "b">]><svg/>'), "document type or entity"],
    ["no <svg> element", new TextEncoder().encode("<html></html>"), "no <svg> element"],
    ["a PNG named .svg", PNG_BYTES, "is a PNG image, not an SVG"],
  ])("issue 11 item 12: refuses an SVG with %s", (_name, bytes, message) => {
    expect(checkAssetBytes("assets/icon.svg", bytes)).toContain(message);
  });

  it("issue 11 item 12: refuses an image larger than 1 MiB", () => {
    expect(checkAssetBytes("assets/banner.png", new Uint8Array(1024 * 1024 + 1))).toContain("larger than 1 MiB");
  });
});
