/**
 * scripts/core/documents.ts in memory: releases.json, info(-beta).json, check-update.json, the
 * feed, the manifest and _headers, as pure functions of a plan and package facts. No git, no
 * disk, no packaging: the facts are made up here.
 */
import { describe, expect, it } from "vitest";
import type { OfferCandidate } from "../scripts/contract/index.ts";
import {
  type PackageFactsByVersion,
  renderChecksumFile,
  renderCheckUpdate,
  renderDeprecations,
  renderFeed,
  renderHeaders,
  renderInfo,
  renderManifest,
  renderOfferIndex,
  renderReleases,
  type SignedPackageFacts,
  toCanonicalJson,
  toJsonText,
} from "../scripts/core/documents.ts";
import type { PluginPlan } from "../scripts/core/plan.ts";
import { benchOutputFiles } from "../scripts/dev/bench-worker.ts";
import { memoryPlan, memoryTree, type ReleaseFields } from "./support/memory-tree.ts";
import { CHECK_UPDATE_FIELDS, INFO_FIELDS } from "./support/original-shapes.ts";

/** Facts for every packaged release: sha256 and md5 spell the version, size counts up. */
function factsFor(plugin: PluginPlan): PackageFactsByVersion {
  return new Map<string, SignedPackageFacts>(
    plugin.releases
      .filter((release) => release.packaged)
      .map((release, index) => [
        release.version,
        {
          sha256: release.version.replace(/[^0-9]/g, "").padEnd(64, "a"),
          md5: release.version.replace(/[^0-9]/g, "").padEnd(32, "b"),
          size: 1000 + index,
          signatures: [{ key_id: "key-1", signature: `sig-${release.version}` }],
        },
      ]),
  );
}

const released = (version: string, extra: Partial<ReleaseFields> = {}): ReleaseFields => ({
  version,
  status: "released",
  ...extra,
});

/** A plugin with a bit of everything: retain 1, a draft, a deprecation, a beta, a forced release. */
const MIXED = memoryPlan({
  pluginYaml: "retain: 1\n",
  releases: [
    released("1.0.0"),
    released("1.1.0", { requires_php: "8.1", force_update: true, rollout: 50 }),
    { version: "1.2.0", status: "deprecated", deprecation_reason: "Breaks checkout.", changelog: "Changes in 1.2.0." },
    { version: "1.3.0", status: "update_ready", sha256: "f".repeat(64), upgrade_notice: "Back up first." },
    { version: "1.4.0-beta.1", status: "testing" },
    { version: "1.5.0", status: "draft" },
  ],
});
const MIXED_FACTS = factsFor(MIXED);

describe("releases.json", () => {
  const document = renderReleases(MIXED, MIXED_FACTS) as unknown as {
    latest: unknown;
    releases: Record<string, unknown>[];
  } & Record<string, unknown>;

  it("describes the plugin and its latest per channel", () => {
    expect(Object.keys(document)).toEqual([
      "slug",
      "api_base",
      "main_file",
      "version_constant",
      "updater_path",
      "platform",
      "private",
      "active",
      "latest",
      "releases",
    ]);
    expect(document).toMatchObject({
      slug: "demo",
      api_base: "https://api.example.com/api",
      main_file: "demo.php",
      version_constant: "DEMO_VERSION",
      updater_path: null,
      platform: "wordpress",
      private: false,
      active: true,
      latest: { stable: "1.3.0", beta: "1.4.0-beta.1" },
    });
  });

  it("lists every built release newest first, drafts left out", () => {
    expect(document.releases.map((release) => release.version)).toEqual([
      "1.4.0-beta.1",
      "1.3.0",
      "1.2.0",
      "1.1.0",
      "1.0.0",
    ]);
  });

  it("gives each release its status, channel, offer, package and rules", () => {
    const byVersion = (version: string) => document.releases.find((release) => release.version === version);
    expect(byVersion("1.3.0")).toEqual({
      version: "1.3.0",
      version_code: 10300,
      status: "update_ready",
      channel: "stable",
      offered: true,
      packaged: true,
      file: "demo-v1.3.0.zip",
      url: "https://api.example.com/plugins/demo/demo-v1.3.0.zip",
      // The package's facts win over the sha256 the release YAML records.
      sha256: "130".padEnd(64, "a"),
      md5: "130".padEnd(32, "b"),
      size: MIXED_FACTS.get("1.3.0")?.size,
      signatures: [{ key_id: "key-1", signature: "sig-1.3.0" }],
      released_at: "2026-01-01T00:00:00Z",
      requires_php: "7.4",
      requires_wp: "6.0",
      tested_wp: "6.7",
      force_update: false,
      autoupdate: true,
      rollout: 100,
      guard: null,
      changelog: "Changes in 1.3.0.",
      upgrade_notice: "Back up first.",
      deprecation_reason: null,
      skip_reason: null,
    });
    expect(byVersion("1.2.0")).toMatchObject({
      status: "deprecated",
      channel: null,
      offered: false,
      packaged: true,
      deprecation_reason: "Breaks checkout.",
    });
    expect(byVersion("1.1.0")).toMatchObject({
      requires_php: "8.1",
      force_update: true,
      autoupdate: true,
      rollout: 50,
      // The deprecated 1.2.0 took the one retain place.
      packaged: false,
      skip_reason: "superseded by 1.3.0 and beyond retain (1)",
    });
    expect(byVersion("1.0.0")).toMatchObject({
      packaged: false,
      file: null,
      url: null,
      sha256: null,
      md5: null,
      size: null,
      signatures: [],
      skip_reason: "superseded by 1.3.0 and beyond retain (1)",
    });
    expect(byVersion("1.4.0-beta.1")).toMatchObject({ channel: "beta", offered: true, released_at: null });
  });

  it("keeps a recorded sha256 for a release it did not package", () => {
    const plan = memoryPlan({
      pluginYaml: "retain: 0\n",
      releases: [released("1.0.0", { sha256: "e".repeat(64) }), released("1.1.0")],
    });
    const releases = (renderReleases(plan, factsFor(plan)) as { releases: { version: string; sha256: string }[] })
      .releases;
    expect(releases.find((release) => release.version === "1.0.0")?.sha256).toBe("e".repeat(64));
  });
});

describe("info.json and info-beta.json", () => {
  it("describe the latest of the channel in the original shape, with checksum and signature", () => {
    const info = renderInfo(MIXED, "stable", MIXED_FACTS) as unknown as Record<string, unknown>;
    expect(Object.keys(info).slice(0, INFO_FIELDS.length)).toEqual([...INFO_FIELDS]);
    expect(info).toMatchObject({
      name: "Demo Plugin",
      slug: "demo",
      version: "1.3.0",
      author: "Example",
      homepage: "https://example.com",
      description: "A plugin for tests.",
      changelog: "Changes in 1.3.0.",
      download_url: "https://api.example.com/api/plugins/demo/download/?version=1.3.0",
      file_size: MIXED_FACTS.get("1.3.0")?.size,
      requires_php: "7.4",
      tested_wp: "6.7",
      checksum: "130".padEnd(64, "a"),
      signature_url: "https://api.example.com/plugins/demo/demo-v1.3.0.zip.sig",
      requires: "6.0",
      tested: "6.7",
      last_updated: "2026-01-01T00:00:00Z",
      author_homepage: "https://example.com",
      upgrade_notice: "Back up first.",
    });
    expect(info).not.toHaveProperty("banners");
  });

  it("show the changelog of the channel up to the latest, newest first, a withdrawn release marked", () => {
    const sections = (channel: "stable" | "beta") =>
      (renderInfo(MIXED, channel, MIXED_FACTS) as { sections: { description: string; changelog: string } }).sections;
    expect(sections("stable").description).toBe("<p>A plugin for tests.</p>\n");
    expect(sections("stable").changelog).toBe(
      [
        "<h4>1.3.0</h4>\n<p>Changes in 1.3.0.</p>\n",
        "<h4>1.2.0 (withdrawn)</h4>\n<p>Changes in 1.2.0.</p>\n",
        "<h4>1.1.0</h4>\n<p>Changes in 1.1.0.</p>\n",
        "<h4>1.0.0</h4>\n<p>Changes in 1.0.0.</p>\n",
      ].join(""),
    );
    expect(
      sections("beta").changelog.startsWith("<h4>1.4.0-beta.1</h4>\n<p>Changes in 1.4.0-beta.1.</p>\n<h4>1.3.0</h4>"),
    ).toBe(true);
  });

  it("issue 11 item 8: carry autoupdate, as the update-checker library reads it: true for update_ready and security releases", () => {
    const autoupdate = (releases: ReleaseFields[]) => {
      const plan = memoryPlan({ releases });
      return (renderInfo(plan, "stable", factsFor(plan)) as { autoupdate: unknown }).autoupdate;
    };
    expect(autoupdate([released("1.0.0")])).toBe(false);
    expect(autoupdate([released("1.0.0"), { version: "1.1.0", status: "update_ready" }])).toBe(true);
    expect(autoupdate([released("1.0.0", { force_update: true })])).toBe(true);
    // The same value releases.json and check-update.json give the channel's latest.
    const info = renderInfo(MIXED, "stable", MIXED_FACTS) as { autoupdate: boolean };
    const latest = renderReleases(MIXED, MIXED_FACTS).releases.find((release) => release.version === "1.3.0");
    expect(info.autoupdate).toBe(true);
    expect(latest?.autoupdate).toBe(true);
    expect(renderCheckUpdate(MIXED, "stable", MIXED_FACTS)?.autoupdate).toBe(true);
  });

  it("issue 11 item 8: list each release's changelog entry by version, the same HTML as sections.changelog", () => {
    for (const channel of ["stable", "beta"] as const) {
      const info = renderInfo(MIXED, channel, MIXED_FACTS) as {
        changelog_entries: Record<string, string>;
        sections: { changelog: string };
      };
      expect(Object.values(info.changelog_entries).join("")).toBe(info.sections.changelog);
      expect(Object.keys(info.changelog_entries)).toEqual(
        channel === "stable"
          ? ["1.3.0", "1.2.0", "1.1.0", "1.0.0"]
          : ["1.4.0-beta.1", "1.3.0", "1.2.0", "1.1.0", "1.0.0"],
      );
      expect(info.changelog_entries["1.2.0"]).toBe("<h4>1.2.0 (withdrawn)</h4>\n<p>Changes in 1.2.0.</p>\n");
    }
  });

  it("carry banners and icons when plugin.yaml has them, and are null with nothing on the channel", () => {
    const plan = memoryPlan({
      pluginYaml: "banners:\n  low: https://example.com/b.png\nicons:\n  svg: https://example.com/i.svg\n",
      releases: [released("1.0.0")],
    });
    expect(renderInfo(plan, "stable", factsFor(plan))).toMatchObject({
      banners: { low: "https://example.com/b.png" },
      icons: { svg: "https://example.com/i.svg" },
    });
    const betaOnly = memoryPlan({ releases: [{ version: "0.1.0-beta.1", status: "testing" }] });
    expect(renderInfo(betaOnly, "stable", factsFor(betaOnly))).toBeNull();
    expect(renderCheckUpdate(betaOnly, "stable", factsFor(betaOnly))).toBeNull();
  });
});

describe("check-update.json", () => {
  it("answers for a site of unknown version in the original shape", () => {
    const answer = renderCheckUpdate(MIXED, "stable", MIXED_FACTS) as unknown as Record<string, unknown>;
    expect(Object.keys(answer).slice(0, CHECK_UPDATE_FIELDS.length)).toEqual([...CHECK_UPDATE_FIELDS]);
    expect(answer).toEqual({
      update_available: true,
      current_version: null,
      latest_version: "1.3.0",
      latest_version_code: 10300,
      download_url: "https://api.example.com/api/plugins/demo/download/?version=1.3.0",
      changelog: "Changes in 1.3.0.",
      info_url: "https://api.example.com/api/plugins/demo/info/",
      force_update: false,
      checksum: "130".padEnd(64, "a"),
      file_size: MIXED_FACTS.get("1.3.0")?.size,
      requires_php: "7.4",
      tested_wp: "6.7",
      autoupdate: true,
      channel: "stable",
      signature_url: "https://api.example.com/plugins/demo/demo-v1.3.0.zip.sig",
    });
    expect(renderCheckUpdate(MIXED, "beta", MIXED_FACTS)).toMatchObject({
      latest_version: "1.4.0-beta.1",
      autoupdate: false,
      channel: "beta",
    });
  });

  it("says force_update and autoupdate for a forced latest", () => {
    const plan = memoryPlan({ releases: [released("1.0.0"), released("1.1.0", { force_update: true })] });
    expect(renderCheckUpdate(plan, "stable", factsFor(plan))).toMatchObject({ force_update: true, autoupdate: true });
  });
});

describe("feed.json, manifest.json, _headers and .sha256", () => {
  const publication = {
    serial: 7,
    commit: "a".repeat(40),
    issuedAt: "2026-02-01T00:00:00Z",
    expires: "2026-03-01T00:00:00Z",
    keys: [{ id: "key-1", public_key: "pk", role: "current" as const }],
  };

  it("indexes every plugin's latest per channel with what pins its package, and every document's digest", () => {
    const { plan } = memoryTree(
      { releases: [released("1.0.0"), { version: "1.1.0-beta.1", status: "testing" }] },
      { slug: "other", releases: [{ version: "0.1.0-beta.1", status: "testing" }] },
    );
    const facts = new Map(plan.plugins.map((plugin) => [plugin.slug, factsFor(plugin)]));
    const digests = new Map([["demo", { "releases.json": "d".repeat(64), "info.json": "c".repeat(64) }]]);
    const feed = renderFeed(plan.plugins, facts, publication, digests, "m".repeat(64)) as unknown as {
      plugins: Record<string, { channels: Record<string, unknown> } & Record<string, unknown>>;
    } & Record<string, unknown>;
    expect(feed).toMatchObject({
      format: "feedwright-feed/1",
      serial: 7,
      issued_at: "2026-02-01T00:00:00Z",
      expires: "2026-03-01T00:00:00Z",
      commit: "a".repeat(40),
      keys: publication.keys,
      manifest: { url: "https://api.example.com/manifest.json", sha256: "m".repeat(64) },
    });
    expect(Object.keys(feed.plugins)).toEqual(["demo", "other"]);
    expect(feed.plugins.demo).toEqual({
      name: "Demo Plugin",
      platform: "wordpress",
      channels: {
        stable: {
          version: "1.0.0",
          version_code: 10000,
          sha256: "100".padEnd(64, "a"),
          size: factsFor(plan.plugins[0] as PluginPlan).get("1.0.0")?.size,
          url: "https://api.example.com/plugins/demo/demo-v1.0.0.zip",
          signature_url: "https://api.example.com/plugins/demo/demo-v1.0.0.zip.sig",
          force_update: false,
          autoupdate: false,
          info: "https://api.example.com/plugins/demo/info.json",
        },
        beta: expect.objectContaining({
          version: "1.1.0-beta.1",
          info: "https://api.example.com/plugins/demo/info-beta.json",
        }),
      },
      releases: { url: "https://api.example.com/plugins/demo/releases.json", sha256: "d".repeat(64) },
      documents: { "releases.json": "d".repeat(64), "info.json": "c".repeat(64) },
      // Issue 12: the offer index inside the signed feed, exactly offers.json's.
      offers: renderOfferIndex(plan.plugins[0] as PluginPlan, facts.get("demo") ?? new Map()),
    });
    // A plugin with nothing stable has no stable channel entry, and no digests yet: null, not a guess.
    expect(Object.keys(feed.plugins.other?.channels ?? {})).toEqual(["beta"]);
    expect(feed.plugins.other?.releases).toEqual({
      url: "https://api.example.com/plugins/other/releases.json",
      sha256: null,
    });
  });

  it("points at the manifest relatively when plugins are served from different places", () => {
    const { plan } = memoryTree(
      { releases: [released("1.0.0")] },
      { slug: "other", pluginYaml: "site_url: https://elsewhere.example\n", releases: [released("1.0.0")] },
    );
    const facts = new Map(plan.plugins.map((plugin) => [plugin.slug, factsFor(plugin)]));
    const feed = renderFeed(plan.plugins, facts, publication, new Map(), "m".repeat(64)) as unknown as {
      manifest: { url: string };
    };
    expect(feed.manifest.url).toBe("manifest.json");
  });

  it("writes the manifest, _headers and checksum files", () => {
    expect(renderManifest([["plugins/demo/releases.json", "d".repeat(64)]])).toEqual({
      format: "feedwright-manifest/1",
      files: { "plugins/demo/releases.json": "d".repeat(64) },
    });
    expect(renderHeaders([MIXED])).toBe(
      [
        "/*.json",
        "  Content-Type: application/json; charset=utf-8",
        "  X-Content-Type-Options: nosniff",
        "/*.sha256",
        "  Content-Type: text/plain; charset=utf-8",
        "/*.sig",
        "  Content-Type: text/plain; charset=utf-8",
        "/keys/*",
        "  Content-Type: text/plain; charset=utf-8",
        "/plugins/demo/demo-v*",
        "  Cache-Control: public, max-age=31536000, immutable",
        "/plugins/demo/demo-latest.zip",
        "  Cache-Control: public, max-age=300, must-revalidate",
        "",
      ].join("\n"),
    );
    expect(renderChecksumFile("a".repeat(64), "demo-v1.0.0.zip")).toBe(`${"a".repeat(64)}  demo-v1.0.0.zip\n`);
  });
});

describe("JSON text", () => {
  it("is two-space indented with a final newline, keys as written", () => {
    expect(toJsonText({ b: 1, a: [true] })).toBe('{\n  "b": 1,\n  "a": [\n    true\n  ]\n}\n');
  });

  it("has one canonical form for signing: keys sorted by code point at every level, integer-like keys too", () => {
    expect(toCanonicalJson({ b: { z: 1, "10": 2, "9": 3 }, a: [{ y: null, x: "é" }], c: undefined })).toBe(
      '{"a":[{"x":"é","y":null}],"b":{"10":2,"9":3,"z":1}}\n',
    );
  });
});

describe("issue 12: offers.json and deprecations.json", () => {
  it("offers.json: per channel the releases a site could be offered, every package, the withdrawn versions", () => {
    const plan = memoryPlan({
      releases: [
        released("1.0.0"),
        released("1.1.0", { requires_php: "8.1", force_update: true, rollout: 50 }),
        { version: "1.2.0", status: "deprecated", deprecation_reason: "Breaks checkout.", changelog: "Changes." },
        {
          version: "1.3.0",
          status: "update_ready",
          requires_php: "8.2",
          rollout: 30,
          upgrade_notice: "Back up first.",
        },
        { version: "1.4.0-beta.1", status: "testing" },
      ],
    });
    const facts = factsFor(plan);
    const index = renderOfferIndex(plan, facts);
    // Each stable release is some site's offer: 1.3.0 reaches 30% of sites on PHP 8.2, 1.1.0
    // half of those on 8.1, 1.0.0 the rest. The beta reaches every site and asks only PHP 7.4.
    expect(index.channels.stable.map((candidate) => [candidate.version, candidate.forced_since])).toEqual([
      ["1.3.0", "1.1.0"],
      ["1.1.0", "1.1.0"],
      ["1.0.0", null],
    ]);
    expect(index.channels.beta.map((candidate) => [candidate.version, candidate.forced_since])).toEqual([
      ["1.4.0-beta.1", "1.1.0"],
    ]);
    expect(index.packages.map((entry) => [entry.version, entry.sha256, entry.signatures])).toEqual(
      renderReleases(plan, facts)
        .releases.filter((release) => release.packaged)
        .map((release) => [release.version, release.sha256, release.signatures]),
    );
    expect(index).toMatchObject({
      format: "feedwright-offers/1",
      slug: "demo",
      active: true,
      private: false,
      latest: { stable: "1.3.0", beta: "1.4.0-beta.1" },
      deprecated: ["1.2.0"],
    });
    expect(index.channels.stable[0]).toMatchObject({ upgrade_notice: "Back up first.", autoupdate: true });
  });

  it("deprecations.json: each withdrawn release's reason, newest first", () => {
    const plan = memoryPlan({
      releases: [
        { version: "1.0.0", status: "deprecated", deprecation_reason: "Lost data." },
        released("1.1.0"),
        { version: "1.2.0", status: "deprecated", deprecation_reason: "Broke checkout." },
        released("1.3.0"),
      ],
    });
    expect(renderDeprecations(plan)).toEqual({
      format: "feedwright-deprecations/1",
      slug: "demo",
      deprecated: [
        { version: "1.2.0", reason: "Broke checkout." },
        { version: "1.0.0", reason: "Lost data." },
      ],
    });
  });
});

describe("issue 14: the rollout guard in releases.json and the offer index", () => {
  const GUARD = { max_error_rise_points: 5, min_sites: 20 };
  // retain 0: only 1.2.0 and the betas above it keep a package.
  const plan = memoryPlan({
    pluginYaml: "retain: 0\n",
    releases: [
      released("1.0.0"),
      released("1.1.0"),
      { version: "1.1.5", status: "deprecated", deprecation_reason: "Broke checkout.", changelog: "Changes." },
      { version: "1.2.0-beta.1", status: "testing" },
      released("1.2.0", { rollout: 20, guard: GUARD }),
      { version: "1.3.0-beta.1", status: "testing", rollout: 50, guard: { max_error_rise_points: 10, min_sites: 5 } },
      { version: "1.3.0-beta.2", status: "testing", rollout: 30, guard: GUARD },
    ],
  });
  const facts = factsFor(plan);
  const guards = (candidates: OfferCandidate[]) => candidates.map((candidate) => [candidate.version, candidate.guard]);

  it("releases.json: the guard as the YAML declares it, null without one", () => {
    const releases = renderReleases(plan, facts).releases;
    expect(releases.map((release) => [release.version, release.guard])).toEqual([
      ["1.3.0-beta.2", GUARD],
      ["1.3.0-beta.1", { max_error_rise_points: 10, min_sites: 5 }],
      ["1.2.0", GUARD],
      ["1.2.0-beta.1", null],
      ["1.1.5", null],
      ["1.1.0", null],
      ["1.0.0", null],
    ]);
  });

  it("offers.json: each guard with its baseline, the newest older offered release its channel sees, packaged or not", () => {
    const index = renderOfferIndex(plan, facts);
    // 1.2.0: sites outside its 20% stay on 1.1.0, whose package retain 0 no longer keeps; not
    // the withdrawn 1.1.5, nor the beta 1.2.0-beta.1 a stable site is never offered.
    expect(guards(index.channels.stable)).toEqual([["1.2.0", { ...GUARD, baseline: "1.1.0" }]]);
    // A beta's baseline is the newest older release a beta site sees: a stable one, or a beta.
    expect(guards(index.channels.beta)).toEqual([
      ["1.3.0-beta.2", { ...GUARD, baseline: "1.3.0-beta.1" }],
      ["1.3.0-beta.1", { max_error_rise_points: 10, min_sites: 5, baseline: "1.2.0" }],
      ["1.2.0", { ...GUARD, baseline: "1.1.0" }],
    ]);
  });

  it("offers.json: a guarded first release has no baseline (null)", () => {
    const first = memoryPlan({ releases: [released("1.0.0", { rollout: 10, guard: GUARD })] });
    expect(guards(renderOfferIndex(first, factsFor(first)).channels.stable)).toEqual([
      ["1.0.0", { ...GUARD, baseline: null }],
    ]);
  });
});

describe("issue 12: offers.json and feed.json stay small however long the history", () => {
  /** The sizes of the plugin's documents in the folder the Worker benchmark publishes for N releases. */
  const sizes = (count: number) => {
    const files = benchOutputFiles(count);
    const size = (name: string) => {
      const file = files.find((candidate) => candidate.path === name || candidate.path.endsWith(`/${name}`));
      return file && "content" in file ? Buffer.byteLength(file.content) : 0;
    };
    return { offers: size("offers.json"), feed: size("feed.json"), releases: size("releases.json") };
  };

  it("index bounded in size at 1000 releases: offers.json and feed.json a few KiB, growing only by the withdrawn versions", () => {
    const hundred = sizes(100);
    const thousand = sizes(1000);
    // releases.json carries every changelog: it grows with the history.
    expect(thousand.releases).toBeGreaterThan(1024 * 1024);
    expect(thousand.offers).toBeLessThanOrEqual(8 * 1024);
    expect(thousand.feed).toBeLessThanOrEqual(8 * 1024);
    // 900 more releases, 22 more of them withdrawn: each adds its version to `deprecated`.
    expect(thousand.offers - hundred.offers).toBeLessThan(22 * 16);
    expect(thousand.feed - hundred.feed).toBeLessThan(22 * 16);
  });
});
