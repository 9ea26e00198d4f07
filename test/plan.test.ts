/**
 * scripts/core/plan.ts in memory: latest per channel, what is packaged and why not, retain,
 * and the plain data every later step reads. No git, no disk.
 */
import { describe, expect, it } from "vitest";
import { memoryPlan, memoryTree, SOURCE_PIN } from "./support/memory-tree.ts";

const released = (version: string, extra = {}) => ({ version, status: "released" as const, ...extra });
const testing = (version: string, extra = {}) => ({ version, status: "testing" as const, ...extra });

const summary = (plugin: ReturnType<typeof memoryPlan>) =>
  plugin.releases.map((release) => [release.version, release.packaged, release.skipReason]);

describe("latest per channel", () => {
  it("is the newest stable for stable, the newest of beta and stable for beta", () => {
    const plan = memoryPlan({ releases: [released("1.0.0"), released("1.1.0"), testing("1.2.0-beta.1")] });
    expect(plan.latest).toEqual({ stable: "1.1.0", beta: "1.2.0-beta.1" });
  });

  it("follows the stable on the beta channel when the stable is newer than every beta", () => {
    const plan = memoryPlan({ releases: [testing("1.1.0-beta.1"), released("1.1.0")] });
    expect(plan.latest).toEqual({ stable: "1.1.0", beta: "1.1.0" });
  });

  it("orders prereleases by SemVer (beta.11 above beta.2, rc above beta)", () => {
    expect(memoryPlan({ releases: [testing("2.0.0-beta.2"), testing("2.0.0-beta.11")] }).latest.beta).toBe(
      "2.0.0-beta.11",
    );
    expect(
      memoryPlan({ releases: [{ version: "2.0.0-rc.1", status: "staged" }, testing("2.0.0-beta.11")] }).latest.beta,
    ).toBe("2.0.0-rc.1");
  });

  it("counts update_ready as stable and staged as beta", () => {
    const plan = memoryPlan({
      releases: [
        released("1.0.0"),
        { version: "1.1.0", status: "update_ready" },
        { version: "1.2.0-rc.1", status: "staged" },
      ],
    });
    expect(plan.latest).toEqual({ stable: "1.1.0", beta: "1.2.0-rc.1" });
    expect(plan.releases.map((release) => [release.version, release.channel])).toEqual([
      ["1.0.0", "stable"],
      ["1.1.0", "stable"],
      ["1.2.0-rc.1", "beta"],
    ]);
  });

  it("hands latest back to the newest good release when the latest is deprecated", () => {
    const plan = memoryPlan({ releases: [released("1.0.0"), { version: "1.1.0", status: "deprecated" }] });
    expect(plan.latest).toEqual({ stable: "1.0.0", beta: "1.0.0" });
    const deprecated = plan.releases.find((release) => release.version === "1.1.0");
    // Built (sites on it are told why), on no channel (offered to no one), and still packaged.
    expect(deprecated).toMatchObject({ built: true, channel: null, packaged: true, skipReason: null });
  });

  it("is null for a channel with nothing on it, and for a channel plugin.yaml does not publish", () => {
    expect(memoryPlan({ releases: [testing("1.0.0-beta.1")] }).latest).toEqual({ stable: null, beta: "1.0.0-beta.1" });
    expect(memoryPlan({ releases: [{ version: "1.0.0", status: "draft" }] }).latest).toEqual({
      stable: null,
      beta: null,
    });
    expect(
      memoryPlan({ pluginYaml: "channels: [stable]\n", releases: [released("1.0.0"), testing("1.1.0-beta.1")] }).latest,
    ).toEqual({ stable: "1.0.0", beta: null });
    expect(
      memoryPlan({ pluginYaml: "channels: [beta]\n", releases: [released("1.0.0"), testing("1.1.0-beta.1")] }).latest,
    ).toEqual({ stable: null, beta: "1.1.0-beta.1" });
  });
});

describe("packaged and why not", () => {
  it("does not build a draft, and says so", () => {
    const plan = memoryPlan({ releases: [released("1.0.0"), { version: "1.1.0", status: "draft" }] });
    expect(plan.releases[1]).toMatchObject({
      version: "1.1.0",
      built: false,
      packaged: false,
      channel: null,
      skipReason: "status draft is not built",
    });
  });

  it("keeps `retain` (default 3) superseded stable releases downloadable, lists the rest unpackaged", () => {
    const releases = ["1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0"].map((version) => released(version));
    expect(summary(memoryPlan({ releases }))).toEqual([
      ["1.0.0", false, "superseded by 1.4.0 and beyond retain (3)"],
      ["1.1.0", true, null],
      ["1.2.0", true, null],
      ["1.3.0", true, null],
      ["1.4.0", true, null],
    ]);
    expect(summary(memoryPlan({ pluginYaml: "retain: 0\n", releases }))).toEqual([
      ["1.0.0", false, "superseded by 1.4.0 and beyond retain (0)"],
      ["1.1.0", false, "superseded by 1.4.0 and beyond retain (0)"],
      ["1.2.0", false, "superseded by 1.4.0 and beyond retain (0)"],
      ["1.3.0", false, "superseded by 1.4.0 and beyond retain (0)"],
      ["1.4.0", true, null],
    ]);
  });

  it("does not package a beta behind the latest stable, and it takes no retain place", () => {
    const plan = memoryPlan({
      pluginYaml: "retain: 1\n",
      releases: [released("1.0.0"), testing("1.1.0-beta.1"), released("1.1.0"), testing("1.2.0-beta.1")],
    });
    expect(summary(plan)).toEqual([
      ["1.0.0", true, null],
      ["1.1.0-beta.1", false, "beta superseded by the stable 1.1.0"],
      ["1.1.0", true, null],
      ["1.2.0-beta.1", true, null],
    ]);
  });

  it("counts a deprecated release as superseded (it stays downloadable within retain)", () => {
    const plan = memoryPlan({
      pluginYaml: "retain: 1\n",
      releases: [released("1.0.0"), { version: "1.1.0", status: "deprecated" }, released("1.2.0")],
    });
    expect(summary(plan)).toEqual([
      ["1.0.0", false, "superseded by 1.2.0 and beyond retain (1)"],
      ["1.1.0", true, null],
      ["1.2.0", true, null],
    ]);
  });
});

describe("the plan's plain data", () => {
  it("lists releases oldest first with file name, version code and source", () => {
    const plan = memoryPlan({
      releases: [released("1.10.0"), released("1.9.0"), { version: "2.0.0-beta.1", status: "testing" }],
    });
    expect(
      plan.releases.map((release) => ({
        version: release.version,
        code: release.versionCode,
        fileName: release.fileName,
        file: release.file,
        source: release.source,
      })),
    ).toEqual([
      {
        version: "1.9.0",
        code: 10900,
        fileName: "demo-v1.9.0.zip",
        file: "releases/demo/1.9.0.yaml",
        source: { kind: "git", revision: SOURCE_PIN },
      },
      {
        version: "1.10.0",
        code: 11000,
        fileName: "demo-v1.10.0.zip",
        file: "releases/demo/1.10.0.yaml",
        source: { kind: "git", revision: SOURCE_PIN },
      },
      {
        version: "2.0.0-beta.1",
        code: 20000,
        fileName: "demo-v2.0.0-beta.1.zip",
        file: "releases/demo/2.0.0-beta.1.yaml",
        // A beta without a pin is built from the working tree.
        source: { kind: "working-tree" },
      },
    ]);
  });

  it("serves the folder from the origin of api_base unless site_url says otherwise", () => {
    const plain = memoryPlan({ releases: [released("1.0.0")] });
    expect([plain.apiBase, plain.siteUrl]).toEqual(["https://api.example.com/api", "https://api.example.com"]);
    const moved = memoryPlan({ pluginYaml: "site_url: https://updates.example.org/feed\n", releases: [] });
    expect(moved.siteUrl).toBe("https://updates.example.org/feed");
  });

  it("plans every plugin of the tree, in folder order", () => {
    const { plan } = memoryTree(
      { slug: "zeta", releases: [released("1.0.0")] },
      { slug: "alpha", releases: [testing("0.1.0-beta.1")] },
    );
    expect(plan.plugins.map((plugin) => [plugin.slug, plugin.file, plugin.latest])).toEqual([
      ["alpha", "releases/alpha/plugin.yaml", { stable: null, beta: "0.1.0-beta.1" }],
      ["zeta", "releases/zeta/plugin.yaml", { stable: "1.0.0", beta: "1.0.0" }],
    ]);
  });
});
