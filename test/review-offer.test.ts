/**
 * The check's rule "a new stable release below the latest stable reaches no site" asks the
 * Worker's own offer decision (decideOffer), in memory: no repository, no build.
 */
import { describe, expect, it } from "vitest";
import { parseReleaseTree } from "../scripts/core/parse-tree.ts";
import { type BuildPlan, compilePlan } from "../scripts/core/plan.ts";
import { reviewChange } from "../scripts/core/review.ts";
import { DEMO_PLUGIN_YAML } from "./support/scratch-repo.ts";

const SOURCE = "0".repeat(40);

function releaseYaml(version: string, extra = ""): string {
  return `version: "${version}"\nstatus: released\nreleased_at: "2026-01-01T00:00:00Z"\nsource: "${SOURCE}"\nchangelog: Changes.\n${extra}`;
}

function planOf(releases: Record<string, string>): BuildPlan {
  const files = [
    { path: "releases/demo/plugin.yaml", text: DEMO_PLUGIN_YAML },
    ...Object.entries(releases).map(([version, text]) => ({ path: `releases/demo/${version}.yaml`, text })),
  ];
  const parsed = parseReleaseTree({ pluginDirs: ["releases/demo"], files });
  expect(parsed.problems).toEqual([]);
  return compilePlan(parsed.plugins);
}

const locate = () => ({ line: 1, col: 1 });
const base = planOf({ "1.0.0": releaseYaml("1.0.0"), "1.1.0": releaseYaml("1.1.0") });

describe("a new stable release below the latest stable", () => {
  it("is refused when every site it could reach is offered the latest instead", () => {
    const head = planOf({
      "1.0.0": releaseYaml("1.0.0"),
      "1.0.5": releaseYaml("1.0.5"),
      "1.1.0": releaseYaml("1.1.0"),
    });
    expect(reviewChange(base, head, locate).violations.map((v) => v.message)).toEqual([
      "version: 1.0.5 is lower than the latest stable 1.1.0: no site would be offered it (WordPress never downgrades); release a version above 1.1.0",
    ]);
  });

  it("is allowed when the latest needs a newer PHP: sites on older PHP are offered it", () => {
    const base83 = planOf({ "1.0.0": releaseYaml("1.0.0"), "1.1.0": releaseYaml("1.1.0", 'requires_php: "8.3"\n') });
    const head = planOf({
      "1.0.0": releaseYaml("1.0.0"),
      "1.0.5": releaseYaml("1.0.5"),
      "1.1.0": releaseYaml("1.1.0", 'requires_php: "8.3"\n'),
    });
    expect(reviewChange(base83, head, locate).violations).toEqual([]);
  });

  it("is allowed when the latest is rolled out to part of the sites: the others are offered it", () => {
    const partial = releaseYaml("1.1.0", "rollout: 40\n");
    const head = planOf({ "1.0.0": releaseYaml("1.0.0"), "1.0.5": releaseYaml("1.0.5"), "1.1.0": partial });
    expect(reviewChange(planOf({ "1.0.0": releaseYaml("1.0.0"), "1.1.0": partial }), head, locate).violations).toEqual(
      [],
    );
  });
});

describe("the preview of a new release", () => {
  const preview = (head: BuildPlan) => reviewChange(base, head, locate).preview.flatMap((plugin) => plugin.lines);
  const withNew = (version: string, text: string) =>
    planOf({ "1.0.0": releaseYaml("1.0.0"), "1.1.0": releaseYaml("1.1.0"), [version]: text });

  it("says how sites are offered it, as the offer decision answers", () => {
    expect(preview(withNew("1.2.0", releaseYaml("1.2.0")))[0]).toBe(
      "1.2.0 (released): sites below 1.2.0 will be offered it as a manual update",
    );
    expect(preview(withNew("1.2.0", releaseYaml("1.2.0").replace("released", "update_ready")))[0]).toBe(
      "1.2.0 (update_ready): sites below 1.2.0 will be offered it automatically",
    );
    expect(preview(withNew("1.2.0", releaseYaml("1.2.0", "force_update: true\n")))[0]).toBe(
      "1.2.0 (released): sites below 1.2.0 will be offered it as a forced security update",
    );
  });

  it("says no site is offered a beta that the latest stable supersedes", () => {
    const beta = `version: "1.0.1-beta.1"\nstatus: testing\nsource: "${SOURCE}"\nchangelog: Changes.\n`;
    expect(preview(withNew("1.0.1-beta.1", beta))[0]).toBe(
      "1.0.1-beta.1 (testing): no site is offered it: a newer release supersedes it",
    );
  });
});

describe("issue 11 item 4: check uses the offer decision for mixed requirements, new plugins and rollout", () => {
  const messages = (before: BuildPlan, after: BuildPlan) =>
    reviewChange(before, after, locate).violations.map((violation) => violation.message);
  const preview = (before: BuildPlan, after: BuildPlan) =>
    reviewChange(before, after, locate).preview.flatMap((plugin) => plugin.lines);

  it("allows 1.1.1 for PHP 8 beside a released 1.3.0 that needs PHP 9", () => {
    const php9 = releaseYaml("1.3.0", 'requires_php: "9.0"\n');
    const before = planOf({ "1.0.0": releaseYaml("1.0.0"), "1.3.0": php9 });
    const after = planOf({ "1.0.0": releaseYaml("1.0.0"), "1.1.1": releaseYaml("1.1.1"), "1.3.0": php9 });
    expect(messages(before, after)).toEqual([]);
  });

  it("allows a first pull request that adds several releases of a new plugin", () => {
    const after = planOf({
      "1.0.0": releaseYaml("1.0.0"),
      "1.1.0": releaseYaml("1.1.0"),
      "1.2.0": releaseYaml("1.2.0"),
    });
    expect(messages({ plugins: [] }, after)).toEqual([]);
    expect(preview({ plugins: [] }, after)).toContain(
      "1.2.0 (released): sites below 1.2.0 will be offered it as a manual update",
    );
  });

  it("still refuses a new release below the latest stable the base already had", () => {
    const before = planOf({ "1.0.0": releaseYaml("1.0.0"), "1.1.0": releaseYaml("1.1.0") });
    const after = planOf({
      "1.0.0": releaseYaml("1.0.0"),
      "1.0.9": releaseYaml("1.0.9"),
      "1.1.0": releaseYaml("1.1.0"),
    });
    expect(messages(before, after)).toHaveLength(1);
  });

  it("previews a rollout change by how many sites lose or gain the offer", () => {
    const full = planOf({ "1.0.0": releaseYaml("1.0.0"), "1.1.0": releaseYaml("1.1.0") });
    const partial = planOf({ "1.0.0": releaseYaml("1.0.0"), "1.1.0": releaseYaml("1.1.0", "rollout: 40\n") });
    expect(preview(full, partial)).toEqual([
      "1.1.0: rollout default → 40: offered to 40 of every 100 sites below it (was 100): 60 no longer are",
    ]);
    expect(preview(partial, full)).toEqual([
      "1.1.0: rollout 40 → default: offered to 100 of every 100 sites below it (was 40); a halt made at 40% no longer holds",
    ]);
  });

  it("previews a requirement change the same way", () => {
    const before = planOf({ "1.0.0": releaseYaml("1.0.0"), "1.1.0": releaseYaml("1.1.0") });
    const after = planOf({ "1.0.0": releaseYaml("1.0.0"), "1.1.0": releaseYaml("1.1.0", "force_update: true\n") });
    expect(preview(before, after)).toEqual([
      "1.1.0: force_update false → true: still offered to 100 of every 100 sites below it",
    ]);
  });
});

describe("issue 14: check previews a rollout guard", () => {
  const preview = (before: BuildPlan, after: BuildPlan) =>
    reviewChange(before, after, locate).preview.flatMap((plugin) => plugin.lines);
  const guard = (points: number, sites: number) =>
    `guard:\n  max_error_rise_points: ${points}\n  min_sites: ${sites}\n`;
  const withRelease110 = (extra: string) =>
    planOf({ "1.0.0": releaseYaml("1.0.0"), "1.1.0": releaseYaml("1.1.0", extra) });

  it("says what a new guarded release halts itself on, against the release before it", () => {
    const after = planOf({
      "1.0.0": releaseYaml("1.0.0"),
      "1.1.0": releaseYaml("1.1.0"),
      "1.2.0": releaseYaml("1.2.0", `rollout: 20\n${guard(5, 20)}`),
      "1.3.0-beta.1": `version: "1.3.0-beta.1"\nstatus: testing\nsource: "${SOURCE}"\nchangelog: Changes.\nrollout: 50\n${guard(10, 1)}`,
    });
    expect(preview(base, after).slice(0, 2)).toEqual([
      "1.2.0 (released): sites below 1.2.0 will be offered it as a manual update (to 20% of them); it halts itself if its error share exceeds 1.1.0's by more than 5 points once 20 sites on it report",
      "1.3.0-beta.1 (testing): sites on the beta channel below 1.3.0-beta.1 will be offered it as a manual update (to 50% of them); it halts itself if its error share exceeds 1.2.0's by more than 10 points once 1 site on it reports",
    ]);
    const first = planOf({ "1.0.0": releaseYaml("1.0.0", `rollout: 10\n${guard(5, 20)}`) });
    expect(preview({ plugins: [] }, first)[0]).toBe(
      "1.0.0 (released): sites below 1.0.0 will be offered it as a manual update (to 10% of them); it halts itself if its error share exceeds 5% once 20 sites on it report (no earlier release to compare with)",
    );
  });

  it("previews a guard added, changed or removed like the other offer fields, and nothing for one only rewritten", () => {
    const unguarded = withRelease110("rollout: 40\n");
    const guarded = withRelease110(`rollout: 40\n${guard(5, 20)}`);
    expect(preview(unguarded, guarded)).toEqual([
      "1.1.0: guard none → 5 points over 1.0.0 from 20 sites: it halts itself if its error share exceeds 1.0.0's by more than 5 points once 20 sites on it report",
    ]);
    expect(preview(guarded, withRelease110(`rollout: 40\n${guard(3, 50)}`))).toEqual([
      "1.1.0: guard 5 points over 1.0.0 from 20 sites → 3 points over 1.0.0 from 50 sites: it halts itself if its error share exceeds 1.0.0's by more than 3 points once 50 sites on it report",
    ]);
    expect(preview(guarded, unguarded)).toEqual([
      "1.1.0: guard 5 points over 1.0.0 from 20 sites → none: no guard watches its rollout any more",
    ]);
    const flow = withRelease110("rollout: 40\nguard: {min_sites: 20, max_error_rise_points: 5}\n");
    expect(preview(guarded, flow)).toEqual([]);
  });

  it("says that raising the rollout lifts a halt made below it, and re-arms a resumed guard", () => {
    const at20 = withRelease110(`rollout: 20\n${guard(5, 20)}`);
    expect(preview(at20, withRelease110(`rollout: 50\n${guard(5, 20)}`))).toEqual([
      "1.1.0: rollout 20 → 50: offered to 50 of every 100 sites below it (was 20); a halt made at 20% no longer holds, and a guard resumed at 20% judges again",
    ]);
    expect(preview(at20, withRelease110(""))).toEqual([
      "1.1.0: rollout 20 → default, guard 5 points over 1.0.0 from 20 sites → none: offered to 100 of every 100 sites below it (was 20); a halt made at 20% no longer holds; no guard watches its rollout any more",
    ]);
    expect(preview(withRelease110(`rollout: 50\n${guard(5, 20)}`), at20)).toEqual([
      "1.1.0: rollout 50 → 20: offered to 20 of every 100 sites below it (was 50): 30 no longer are",
    ]);
  });
});
