/**
 * Releasing by pull request and rolling back by git revert, driven through the CLI in a
 * scratch repository, as a vendor would.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { snapshotFiles } from "./support/files.ts";
import { createScratchRepo, DEMO_PLUGIN_YAML, demoMainFile, type ScratchRepo } from "./support/scratch-repo.ts";

let repo: ScratchRepo;

async function ok(...args: string[]): Promise<string> {
  const result = await repo.feedwright(...args);
  if (result.code !== 0) throw new Error(`feedwright ${args.join(" ")} exited ${result.code}:\n${result.stderr}`);
  return result.stdout + result.stderr;
}

function writeChangelog(version: string, text: string): void {
  const file = `releases/demo/${version}.yaml`;
  repo.write(file, repo.read(file).replace(/changelog: \|\n( {2}.*\n)+/, `changelog: |\n  ${text}\n`));
}

/** What a vendor does for one release: change code, start it, describe it, commit, promote, commit. */
async function shipRelease(version: string, status = "released"): Promise<void> {
  repo.write("source/demo/includes/feature.php", `<?php\n// feature of ${version}\n`);
  await ok("release", "demo", version);
  writeChangelog(version, `- What ${version} changes.`);
  repo.commit(`Start ${version}`);
  await ok("promote", "demo", version, status);
  repo.commit(`Release ${version}`);
}

beforeEach(() => {
  repo = createScratchRepo();
  repo.write("releases/demo/plugin.yaml", DEMO_PLUGIN_YAML);
  repo.write("source/demo/demo.php", demoMainFile("0.0.0"));
  repo.commit("The demo plugin");
});
afterEach(() => repo.cleanup());

describe("release and promote", () => {
  it("issue 9 item 3: promote refuses a release whose status is a name of Object.prototype", async () => {
    await ok("release", "demo", "1.0.0");
    for (const status of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      repo.write(
        "releases/demo/1.0.0.yaml",
        repo.read("releases/demo/1.0.0.yaml").replace(/^status: .*$/m, `status: ${status}`),
      );
      const promoted = await repo.feedwright("promote", "demo", "1.0.0", "draft");
      expect(promoted.code, status).toBe(1);
      expect(promoted.stderr).toContain(`releases/demo/1.0.0.yaml: status "${status}" is not a status`);
      expect(repo.read("releases/demo/1.0.0.yaml")).toMatch(new RegExp(`^status: ${status}$`, "m"));
    }
  });

  it("issue 9 item 8: promote refuses a release file that is not UTF-8 and leaves its bytes as they were", async () => {
    await ok("release", "demo", "1.0.0");
    const file = path.join(repo.root, "releases/demo/1.0.0.yaml");
    const latin1 = Buffer.concat([readFileSync(file), Buffer.from("upgrade_notice: caf\xe9\n", "latin1")]);
    writeFileSync(file, latin1);
    const promoted = await repo.feedwright("promote", "demo", "1.0.0", "testing");
    expect(promoted.code).toBe(1);
    expect(promoted.stderr).toMatch(/releases\/demo\/1\.0\.0\.yaml:\d+:\d+ invalid UTF-8 \(byte 0xE9/);
    expect(readFileSync(file).equals(latin1)).toBe(true);
  });

  it("starts a draft, then pins the committed source, stamps released_at and records the package", async () => {
    const started = await ok("release", "demo", "1.0.0");
    expect(started).toContain("wrote releases/demo/1.0.0.yaml (draft) and the version into source/demo/demo.php");
    expect(repo.read("source/demo/demo.php")).toContain("define( 'DEMO_VERSION', '1.0.0' );");
    expect(repo.read("releases/demo/1.0.0.yaml")).toMatch(/^status: draft$/m);

    const unwritten = await repo.feedwright("promote", "demo", "1.0.0", "released");
    expect(unwritten.code).toBe(1);
    expect(unwritten.stderr).toContain(
      "write the changelog in releases/demo/1.0.0.yaml before offering 1.0.0 to sites",
    );

    writeChangelog("1.0.0", "- First release.");
    const uncommitted = await repo.feedwright("promote", "demo", "1.0.0", "released");
    expect(uncommitted.code).toBe(1);
    expect(uncommitted.stderr).toContain("source/demo/ has uncommitted changes: commit the source of 1.0.0 first");
    expect(repo.read("releases/demo/1.0.0.yaml")).toMatch(/^status: draft$/m);

    const pin = repo.commit("Start 1.0.0");
    await ok("promote", "demo", "1.0.0", "released", "--root", ".");
    const yaml = repo.read("releases/demo/1.0.0.yaml");
    expect(yaml).toContain("# yaml-language-server: $schema=../release.schema.json");
    expect(yaml).toMatch(/^status: released$/m);
    expect(yaml).toContain(`source: ${pin}`);
    expect(yaml).toMatch(/^released_at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
    const sha256 = /^sha256: ([0-9a-f]{64})$/m.exec(yaml)?.[1];
    await ok("build", "--out", "dist", "--quiet");
    expect(readFileSync(path.join(repo.root, "dist/plugins/demo/demo-v1.0.0.zip.sha256"), "utf8")).toBe(
      `${sha256}  demo-v1.0.0.zip\n`,
    );

    const backwards = await repo.feedwright("promote", "demo", "1.0.0", "testing");
    expect(backwards.stderr).toContain(
      "demo 1.0.0 is released: a status only moves forward (or to deprecated), not back to testing",
    );
    await ok("promote", "demo", "1.0.0", "deprecated", "--reason", "Superseded by 1.0.1.");
    expect(repo.read("releases/demo/1.0.0.yaml")).toMatch(/^status: deprecated$/m);
  });

  describe("deprecating with --reason", () => {
    const REASON = 'Breaks checkout on PHP 8.3: "#12"; 1.1.0 fixes it.';

    beforeEach(async () => {
      await shipRelease("1.0.0");
      await shipRelease("1.1.0");
    });

    it("issue 11 item 13: writes deprecation_reason into the YAML, keeping its comments, and sites are told it", async () => {
      const file = "releases/demo/1.0.0.yaml";
      repo.write(file, `# Our first release.\n${repo.read(file)}`);
      const before = repo.read(file);
      const printed = await ok("promote", "demo", "1.0.0", "deprecated", "--reason", REASON);
      expect(printed).toContain("demo 1.0.0: released → deprecated");
      const after = repo.read(file);
      expect(after.startsWith("# Our first release.\n# yaml-language-server: $schema=../release.schema.json\n")).toBe(
        true,
      );
      // Only the status changed and the reason was added: every other line as it was.
      const unchanged = (text: string) =>
        text.split("\n").filter((line) => !/^(status|deprecation_reason):/.test(line));
      expect(unchanged(after).filter((line) => line !== "")).toEqual(unchanged(before).filter((line) => line !== ""));
      expect(parse(after)).toMatchObject({ status: "deprecated", deprecation_reason: REASON });

      repo.commit("Withdraw 1.0.0");
      await ok("build", "--out", "dist", "--quiet");
      const releases = JSON.parse(repo.read("dist/plugins/demo/releases.json"));
      expect(releases.releases.find((release: { version: string }) => release.version === "1.0.0")).toMatchObject({
        status: "deprecated",
        offered: false,
        deprecation_reason: REASON,
      });
      const check = await repo.feedwright("check", "--base", "HEAD~1");
      expect(check.stdout).toContain(
        `1.0.0 is withdrawn (deprecated): no site is offered it; sites on it are told why: "${REASON}"`,
      );
    });

    it("issue 11 item 13: refuses to deprecate without a reason, and --reason with any other status", async () => {
      const file = "releases/demo/1.0.0.yaml";
      const before = repo.read(file);
      const silent = await repo.feedwright("promote", "demo", "1.0.0", "deprecated");
      expect(silent.code).toBe(1);
      expect(silent.stderr).toContain(
        'say why 1.0.0 is withdrawn, for the sites still on it: feedwright promote demo 1.0.0 deprecated --reason "<why>"',
      );
      const other = await repo.feedwright("promote", "demo", "1.0.0", "update_ready", "--reason", REASON);
      expect(other.code).toBe(2);
      expect(other.stderr).toContain("--reason: only with deprecated");
      for (const [text, message] of [
        ["   ", "--reason: expected a text saying why the release is withdrawn, found nothing"] as const,
        ["x".repeat(4097), "--reason: expected at most 4096 characters, found 4097"],
        ["bell\u0007", "--reason: expected text without control characters, found U+0007"],
      ]) {
        const refused = await repo.feedwright("promote", "demo", "1.0.0", "deprecated", "--reason", text);
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain(message);
      }
      expect(repo.read(file)).toBe(before);
    });

    it("issue 14: deprecating a guarded release removes its guard (a withdrawn release has no rollout to halt)", async () => {
      const file = "releases/demo/1.1.0.yaml";
      repo.write(file, `${repo.read(file)}rollout: 40\nguard:\n  max_error_rise_points: 5\n  min_sites: 20\n`);
      repo.commit("Guard 1.1.0's rollout");
      const printed = await ok("promote", "demo", "1.1.0", "deprecated", "--reason", REASON);
      expect(printed).toContain(
        "guard removed: no site is offered a deprecated release, so there is no rollout to halt",
      );
      const after = parse(repo.read(file));
      expect(after).toMatchObject({ status: "deprecated", rollout: 40, deprecation_reason: REASON });
      expect(after).not.toHaveProperty("guard");
      await ok("validate");
    });

    it("issue 11 item 13: a release already deprecated gets its reason set or changed, and keeps the one it has", async () => {
      await ok("promote", "demo", "1.0.0", "deprecated", "--reason", "First reason.");
      const changed = await ok("promote", "demo", "1.0.0", "deprecated", "--reason", REASON);
      expect(changed).toContain("demo 1.0.0: still deprecated");
      expect(parse(repo.read("releases/demo/1.0.0.yaml")).deprecation_reason).toBe(REASON);
      const again = await repo.feedwright("promote", "demo", "1.0.0", "deprecated");
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("demo 1.0.0 is already deprecated");
    });
  });
});

describe("rolling back", () => {
  it("by reverting a release's merge: every file but the feed is as before, and the release is offered to no one", async () => {
    await shipRelease("1.0.0");
    await shipRelease("1.1.0");
    await ok("build", "--out", "build-a", "--quiet");
    const before = snapshotFiles(path.join(repo.root, "build-a"));

    repo.git("checkout", "-q", "-b", "release-1.2.0");
    await shipRelease("1.2.0", "update_ready");
    repo.git("checkout", "-q", "main");
    repo.git("merge", "-q", "--no-ff", "-m", "Merge release 1.2.0", "release-1.2.0");
    await ok("build", "--out", "build-b", "--quiet");
    expect(JSON.parse(repo.read("build-b/plugins/demo/info.json")).version).toBe("1.2.0");
    const merged = repo.git("rev-parse", "HEAD");

    repo.git("revert", "--no-edit", "-m", "1", "HEAD");
    await ok("build", "--out", "build-c", "--quiet");
    const after = snapshotFiles(path.join(repo.root, "build-c"));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [name, bytes] of before) {
      if (name === "feed.json" || name === "feed.json.sig") continue;
      expect(after.get(name)?.equals(bytes), name).toBe(true);
    }
    expect(JSON.parse(repo.read("build-c/feed.json")).serial).toBeGreaterThan(
      JSON.parse(repo.read("build-b/feed.json")).serial,
    );
    const releases = JSON.parse(repo.read("build-c/plugins/demo/releases.json"));
    expect(releases.releases.map((release: { version: string }) => release.version)).toEqual(["1.1.0", "1.0.0"]);

    const check = await repo.feedwright("check", "--base", merged);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain("1.2.0 is removed (reverted): no site is offered it");
    expect(check.stdout).toContain("latest stable: 1.2.0 → 1.1.0");
  });

  it("by rolling forward from a good version's code, for sites that took the bad one", async () => {
    await shipRelease("1.0.0");
    await shipRelease("1.1.0");
    const lines = await ok("rollforward", "demo", "--from", "1.0.0");
    expect(lines).toContain("source/demo/ now holds the code of 1.0.0");
    expect(repo.read("source/demo/includes/feature.php")).toBe("<?php\n// feature of 1.0.0\n");
    expect(repo.read("source/demo/demo.php")).toContain("define( 'DEMO_VERSION', '1.1.1' );");
    repo.commit("Roll forward to 1.1.1");
    await ok("promote", "demo", "1.1.1", "update_ready");
    repo.commit("Release 1.1.1");
    await ok("build", "--out", "dist", "--quiet");
    expect(JSON.parse(repo.read("dist/plugins/demo/check-update.json"))).toMatchObject({
      latest_version: "1.1.1",
      autoupdate: true,
    });
  });
});

describe("check --base, the pull-request gate", () => {
  let base: string;
  beforeEach(async () => {
    await shipRelease("1.0.0");
    await shipRelease("1.1.0");
    base = repo.git("rev-parse", "HEAD");
  });

  it("previews a good change for sites, as text and as Markdown", async () => {
    await shipRelease("1.2.0", "update_ready");
    const text = await repo.feedwright("check", "--base", base);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      "demo:\n  1.2.0 (update_ready): sites below 1.2.0 will be offered it automatically\n  latest stable: 1.1.0 → 1.2.0\n",
    );
    const markdown = await repo.feedwright("check", "--base", base, "--format", "markdown");
    expect(markdown.stdout).toContain(
      "### What sites will see\n\n**demo**\n\n- 1.2.0 (update_ready): sites below 1.2.0",
    );
  });

  it("issue 11 item 13: switching a plugin off validates, is previewed, and publishes nothing to download", async () => {
    repo.write("releases/demo/plugin.yaml", `${repo.read("releases/demo/plugin.yaml")}active: false\n`);
    repo.commit("Switch demo off");
    const validate = await repo.feedwright("validate");
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stderr).toContain(
      "note: demo is inactive (active: false): nothing of it is offered or downloadable",
    );
    const check = await repo.feedwright("check", "--base", base);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toBe("demo:\n  plugin demo becomes inactive: no site is offered anything; downloads stop\n");

    await ok("build", "--out", "dist", "--quiet");
    const published = readdirSync(path.join(repo.root, "dist/plugins/demo")).sort();
    expect(published).toEqual(["deprecations.json", "index.html", "offers.json", "releases.json"]);
    expect(JSON.parse(repo.read("dist/plugins/demo/offers.json"))).toMatchObject({
      active: false,
      channels: { stable: [], beta: [] },
      packages: [],
    });
    const releases = JSON.parse(repo.read("dist/plugins/demo/releases.json"));
    expect(releases.active).toBe(false);
    expect(releases.releases.map((release: { offered: boolean }) => release.offered)).toEqual([false, false]);
    const verify = await repo.feedwright("verify", "dist");
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });

  it.each([
    [
      "a changed package for a released version",
      () => {
        repo.write("releases/demo/plugin.yaml", `${DEMO_PLUGIN_YAML}exclude:\n  - includes\n`);
      },
      /releases\/demo\/1\.0\.0\.yaml:\d+:\d+ sha256: the rebuilt package is [0-9a-f]{64}, not the recorded [0-9a-f]{64}: a released package must not change/,
    ],
    [
      "a released version pinned to other source",
      () => {
        const other = repo.git("rev-parse", "HEAD~2");
        const file = "releases/demo/1.1.0.yaml";
        repo.write(
          file,
          repo
            .read(file)
            .replace(/^source: .*$/m, `source: ${other}`)
            .replace(/^sha256: .*\n/m, ""),
        );
      },
      /releases\/demo\/1\.1\.0\.yaml:\d+:\d+ a built package must never change \(source [0-9a-f]{40} → [0-9a-f]{40}, sha256 [0-9a-f]{12}… → none…\): release a new version instead/,
    ],
    [
      "a status moved backwards",
      () => {
        const file = "releases/demo/1.1.0.yaml";
        repo.write(file, repo.read(file).replace("status: released", "status: testing"));
      },
      /releases\/demo\/1\.1\.0\.yaml:\d+:\d+ status: moves backwards from released to testing; a status only moves forward, or to deprecated/,
    ],
    [
      "a version lower than the latest stable",
      () => {
        const file = "releases/demo/1.0.5.yaml";
        repo.write(
          file,
          repo
            .read("releases/demo/1.0.0.yaml")
            .replaceAll("1.0.0", "1.0.5")
            .replace(/^sha256: .*\n/m, ""),
        );
      },
      /releases\/demo\/1\.0\.5\.yaml:\d+:\d+ version: 1\.0\.5 is lower than the latest stable 1\.1\.0: no site would be offered it/,
    ],
    [
      "a released version whose source pin is gone",
      () => {
        const file = "releases/demo/1.0.0.yaml";
        repo.write(file, repo.read(file).replace(/^source: .*$/m, `source: ${"e".repeat(40)}`));
      },
      /releases\/demo\/1\.0\.0\.yaml:\d+:\d+ source: commit e{40} does not exist in this repository/,
    ],
    [
      "a forced update without a changelog",
      () => {
        repo.write("releases/demo/1.2.0.yaml", 'version: "1.2.0"\nstatus: draft\nforce_update: true\n');
      },
      /releases\/demo\/1\.2\.0\.yaml:\d+:\d+ force_update: a forced \(security\) update needs a changelog saying why/,
    ],
  ])("fails on %s, saying so", async (_name, change, message) => {
    change();
    repo.commit("the change under review");
    const result = await repo.feedwright("check", "--base", base);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(message);
  });

  it("says when --base is not a revision in this clone", async () => {
    const result = await repo.feedwright("check", "--base", "origin/nowhere");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "releases:1:1 --base origin/nowhere is not a revision in this clone (fetch it first)",
    );
  });

  it("warns when a deprecation would leave no good release", async () => {
    for (const version of ["1.0.0", "1.1.0"]) {
      await ok("promote", "demo", version, "deprecated", "--reason", "Withdrawn in a test.");
    }
    repo.commit("withdraw everything");
    const result = await repo.feedwright("check", "--base", base);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "warning: releases/demo/plugin.yaml: after this change demo has no good stable release",
    );
  });
});
