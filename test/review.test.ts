/**
 * scripts/core/review.ts in memory: what `feedwright check --base` refuses, warns about and
 * previews, from the plans of two release trees. No git, no disk; test/release-flow.test.ts
 * runs the same gate end to end through git.
 */
import { describe, expect, it } from "vitest";
import { formatReview, reviewChange } from "../scripts/core/review.ts";
import { type MemoryPlugin, memoryTree, type ReleaseFields, SOURCE_PIN } from "./support/memory-tree.ts";

const released = (version: string, extra: Partial<ReleaseFields> = {}): ReleaseFields => ({
  version,
  status: "released",
  ...extra,
});

const BASE: MemoryPlugin = { releases: [released("1.0.0"), released("1.1.0")] };

/** Review the change from the base tree to the head tree, located in the head's files. */
function review(head: MemoryPlugin[], base: MemoryPlugin[] = [BASE]) {
  const after = memoryTree(...head);
  return reviewChange(memoryTree(...base).plan, after.plan, after.locate);
}

/** Violations as `feedwright check` prints them: file:line:col message. */
function violations(head: MemoryPlugin[], base?: MemoryPlugin[]): string[] {
  return review(head, base).violations.map((v) => `${v.file}:${v.at.line}:${v.at.col} ${v.message}`);
}

const withRelease = (...extra: ReleaseFields[]): MemoryPlugin => ({ releases: [...BASE.releases, ...extra] });

describe("what check refuses", () => {
  it("a built package whose source pin changed", () => {
    const head = { releases: [released("1.0.0"), released("1.1.0", { source: "b".repeat(40) })] };
    expect(violations([head])).toEqual([
      `releases/demo/1.1.0.yaml:4:9 a built package must never change (source c0ffee${"0".repeat(34)} → ${"b".repeat(40)}): release a new version instead`,
    ]);
  });

  it("a built package whose recorded sha256 changed", () => {
    const base = { releases: [released("1.0.0", { sha256: "a".repeat(64) })] };
    const head = { releases: [released("1.0.0", { sha256: "b".repeat(64) })] };
    expect(violations([head], [base])).toEqual([
      `releases/demo/1.0.0.yaml:6:9 a built package must never change (sha256 ${"a".repeat(12)}… → ${"b".repeat(12)}…): release a new version instead`,
    ]);
  });

  it("a status moved backwards, and the latest stable going down with it", () => {
    const head = {
      releases: [released("1.0.0"), { version: "1.1.0", status: "testing" as const, source: SOURCE_PIN }],
    };
    expect(violations([head])).toEqual([
      "releases/demo/1.1.0.yaml:2:9 status: moves backwards from released to testing; a status only moves forward, or to deprecated",
      "releases/demo/1.1.0.yaml:2:9 the latest stable goes down from 1.1.0 to 1.0.0: only deprecating 1.1.0 or reverting its release may do that",
    ]);
  });

  it("a new stable version lower than the latest stable", () => {
    expect(violations([withRelease(released("1.0.5"))])).toEqual([
      "releases/demo/1.0.5.yaml:1:10 version: 1.0.5 is lower than the latest stable 1.1.0: no site would be offered it (WordPress never downgrades); release a version above 1.1.0",
    ]);
  });

  it("a forced update without a changelog, even as a draft", () => {
    const draft: ReleaseFields = { version: "1.2.0", status: "draft", force_update: true };
    expect(violations([withRelease(draft)])).toEqual([
      "releases/demo/1.2.0.yaml:3:15 force_update: a forced (security) update needs a changelog saying why",
    ]);
  });

  it("nothing in a good change: a new release, a promotion, a deprecation, a revert", () => {
    expect(violations([withRelease(released("1.2.0"))])).toEqual([]);
    expect(violations([{ releases: [released("1.0.0"), { version: "1.1.0", status: "update_ready" }] }])).toEqual([]);
    expect(violations([{ releases: [released("1.0.0"), { version: "1.1.0", status: "deprecated" }] }])).toEqual([]);
    expect(violations([{ releases: [released("1.0.0")] }])).toEqual([]);
    expect(
      violations([{ releases: [released("1.0.0"), released("1.1.0"), { version: "1.0.5", status: "testing" }] }]),
    ).toEqual([]);
  });
});

describe("what check warns about", () => {
  it("a change that leaves no good stable release", () => {
    const head = {
      releases: [
        { version: "1.0.0", status: "deprecated" as const },
        { version: "1.1.0", status: "deprecated" as const },
      ],
    };
    const result = review([head]);
    expect(result.violations).toEqual([]);
    expect(result.warnings).toEqual([
      {
        file: "releases/demo/plugin.yaml",
        at: { line: 1, col: 1 },
        message:
          "after this change demo has no good stable release: sites are offered nothing and new installs have no latest package",
      },
    ]);
  });

  it("nothing when there never was a stable release", () => {
    const beta: MemoryPlugin = { releases: [{ version: "0.1.0-beta.1", status: "testing" }] };
    expect(review([beta], [beta]).warnings).toEqual([]);
  });
});

describe("what check previews for sites", () => {
  const preview = (head: MemoryPlugin[], base?: MemoryPlugin[]) => review(head, base).preview;

  it.each([
    [released("1.2.0"), "1.2.0 (released): sites below 1.2.0 will be offered it as a manual update"],
    [
      { version: "1.2.0", status: "update_ready" } as ReleaseFields,
      "1.2.0 (update_ready): sites below 1.2.0 will be offered it automatically",
    ],
    [
      released("1.2.0", { force_update: true }),
      "1.2.0 (released): sites below 1.2.0 will be offered it as a forced security update",
    ],
    [
      released("1.2.0", { rollout: 25 }),
      "1.2.0 (released): sites below 1.2.0 will be offered it as a manual update (to 25% of them)",
    ],
    [
      released("1.2.0", { requires_php: "8.1" }),
      "1.2.0 (released): sites below 1.2.0 will be offered it as a manual update; it needs PHP 8.1, so older sites keep what they have",
    ],
    [
      { version: "1.2.0-beta.1", status: "testing" } as ReleaseFields,
      "1.2.0-beta.1 (testing): sites on the beta channel below 1.2.0-beta.1 will be offered it as a manual update",
    ],
    [{ version: "1.2.0", status: "deprecated" } as ReleaseFields, "1.2.0 is added as deprecated: never offered"],
  ])("a new release %#: %s", (release, line) => {
    expect(preview([withRelease(release)])[0]?.lines[0]).toBe(line);
  });

  it("the latest per channel, the beta only where it differs from the stable", () => {
    expect(preview([withRelease(released("1.2.0"))])).toEqual([
      {
        slug: "demo",
        lines: [
          "1.2.0 (released): sites below 1.2.0 will be offered it as a manual update",
          "latest stable: 1.1.0 → 1.2.0",
        ],
      },
    ]);
    expect(preview([withRelease({ version: "1.2.0-beta.1", status: "testing" })])[0]?.lines).toEqual([
      "1.2.0-beta.1 (testing): sites on the beta channel below 1.2.0-beta.1 will be offered it as a manual update",
      "latest beta: 1.1.0 → 1.2.0-beta.1",
    ]);
  });

  it("status moves, deprecation with its reason, a revert and leaving retention", () => {
    expect(
      preview([{ releases: [released("1.0.0"), { version: "1.1.0", status: "update_ready" }] }])[0]?.lines,
    ).toEqual(["1.1.0 moves from released to update_ready: sites below it now update automatically"]);
    const withdrawn: ReleaseFields = { version: "1.1.0", status: "deprecated", deprecation_reason: "Breaks checkout." };
    expect(preview([{ releases: [released("1.0.0"), withdrawn] }])[0]?.lines).toEqual([
      '1.1.0 is withdrawn (deprecated): no site is offered it; sites on it are told why: "Breaks checkout."',
      "latest stable: 1.1.0 → 1.0.0",
    ]);
    expect(preview([{ releases: [released("1.0.0")] }])[0]?.lines).toEqual([
      "1.1.0 is removed (reverted): no site is offered it",
      "latest stable: 1.1.0 → 1.0.0",
    ]);
    expect(preview([{ pluginYaml: "retain: 0\n", releases: BASE.releases }])[0]?.lines).toEqual([
      "1.0.0 leaves retention: it stays listed but is no longer downloadable",
    ]);
  });

  it("a plugin removed from the feed, and a plugin added", () => {
    const other: MemoryPlugin = { slug: "other", releases: [released("2.0.0")] };
    expect(preview([BASE], [BASE, other])).toEqual([
      { slug: "other", lines: ["other is removed from the feed: no site is offered anything"] },
    ]);
    expect(preview([BASE, other])).toEqual([
      {
        slug: "other",
        lines: [
          "2.0.0 (released): sites below 2.0.0 will be offered it as a manual update",
          "latest stable: none → 2.0.0",
          // The beta channel follows the stable: said once.
        ],
      },
    ]);
  });
});

describe("check and an inactive plugin (active: false)", () => {
  const INACTIVE: MemoryPlugin = { ...BASE, pluginYaml: "active: false\n" };

  it("issue 11 item 13: switching a plugin off is previewed as such, and breaks no rule", () => {
    expect(review([INACTIVE])).toEqual({
      violations: [],
      warnings: [],
      preview: [{ slug: "demo", lines: ["plugin demo becomes inactive: no site is offered anything; downloads stop"] }],
    });
  });

  it("issue 11 item 13: switching it back on, adding one switched off, and releasing while it is off", () => {
    expect(review([BASE], [INACTIVE]).preview).toEqual([
      {
        slug: "demo",
        lines: [
          "plugin demo becomes active again: sites are offered its releases and downloads resume",
          "latest stable: none → 1.1.0",
        ],
      },
    ]);
    const other: MemoryPlugin = { slug: "other", pluginYaml: "active: false\n", releases: [released("2.0.0")] };
    expect(review([BASE, other]).preview).toEqual([
      {
        slug: "other",
        lines: [
          "plugin other is added inactive: no site is offered anything; nothing is downloadable",
          "2.0.0 (released): not offered while the plugin is inactive",
        ],
      },
    ]);
    const head = { ...INACTIVE, releases: [...BASE.releases, released("1.0.1")] };
    expect(review([head], [INACTIVE])).toEqual({
      violations: [],
      warnings: [],
      preview: [{ slug: "demo", lines: ["1.0.1 (released): not offered while the plugin is inactive"] }],
    });
  });
});

describe("formatReview", () => {
  const change = () =>
    review([
      { releases: [released("1.0.0"), { version: "1.1.0", status: "testing", source: SOURCE_PIN }, released("1.2.0")] },
    ]);

  it("prints text: the preview, then one file:line:col line per problem, then warnings", () => {
    expect(formatReview(change(), "text")).toBe(
      [
        "demo:",
        // A beta behind the new stable is no longer packaged.
        "  1.1.0 leaves retention: it stays listed but is no longer downloadable",
        "  1.2.0 (released): sites below 1.2.0 will be offered it as a manual update",
        "  latest stable: 1.1.0 → 1.2.0",
        "releases/demo/1.1.0.yaml:2:9 status: moves backwards from released to testing; a status only moves forward, or to deprecated",
        "",
      ].join("\n"),
    );
    expect(formatReview(review([BASE]), "text")).toBe("nothing changes for sites\n");
  });

  it("prints Markdown for a pull-request comment", () => {
    expect(formatReview(change(), "markdown")).toBe(
      [
        "### What sites will see",
        "",
        "**demo**",
        "",
        "- 1.1.0 leaves retention: it stays listed but is no longer downloadable",
        "- 1.2.0 (released): sites below 1.2.0 will be offered it as a manual update",
        "- latest stable: 1.1.0 → 1.2.0",
        "",
        "### Problems",
        "",
        "- `releases/demo/1.1.0.yaml:2:9` status: moves backwards from released to testing; a status only moves forward, or to deprecated",
        "",
      ].join("\n"),
    );
    expect(formatReview(review([BASE]), "markdown")).toBe("### What sites will see\n\nNothing changes for sites.\n");
  });
});
