/**
 * `feedwright init`: a vendor's first command. From an empty git repository to a released,
 * built package that carries the updater, through init, release and promote only.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../scripts/cli.ts";
import { parseSigningKey } from "../scripts/core/signing.ts";
import { runFeedwright } from "./support/run-cli.ts";
import { createScratchRepo, type ScratchRepo, TEST_ENV, TEST_SIGNING_KEY } from "./support/scratch-repo.ts";

const FLAGS = [
  "--yes",
  "--api-base",
  "https://updates.example.com/api",
  "--author",
  "Ada Vendor",
  "--homepage",
  "https://example.com/acme-notes",
];

let repo: ScratchRepo;
afterEach(() => repo?.cleanup());

function unzip(zip: string, ...args: string[]): string {
  return execFileSync("unzip", [...args, zip], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
}

describe("issue 11 item 3: feedwright init", () => {
  it("starts a plugin that validate accepts, and that release, promote and build turn into a package with the updater", async () => {
    repo = createScratchRepo();
    const init = await repo.feedwright("init", "acme-notes", ...FLAGS);
    expect(init.stderr).toContain("wrote releases/acme-notes/plugin.yaml");
    expect(init.code).toBe(0);
    const pluginYaml = repo.read("releases/acme-notes/plugin.yaml");
    expect(pluginYaml.split("\n")[0]).toBe("# yaml-language-server: $schema=../plugin.schema.json");
    // The key the build signs with is the one the updater pins.
    expect(pluginYaml).toContain(`  - "${parseSigningKey(TEST_SIGNING_KEY).publicKey}"`);
    expect(existsSync(path.join(repo.root, "releases/plugin.schema.json"))).toBe(true);
    expect(existsSync(path.join(repo.root, "releases/release.schema.json"))).toBe(true);
    expect(
      execFileSync("php", ["-l", path.join(repo.root, "source/acme-notes/acme-notes.php")], { encoding: "utf8" }),
    ).toContain("No syntax errors");
    repo.commit("init acme-notes");
    expect((await repo.feedwright("validate")).code).toBe(0);

    const release = await repo.feedwright("release", "acme-notes", "1.0.0");
    expect(release.code).toBe(0);
    expect(repo.read("source/acme-notes/acme-notes.php")).toContain("define( 'ACME_NOTES_VERSION', '1.0.0' );");
    repo.write(
      "releases/acme-notes/1.0.0.yaml",
      repo.read("releases/acme-notes/1.0.0.yaml").replace(/- Describe what changed[^\n]*/, "- First release."),
    );
    repo.commit("acme-notes 1.0.0");
    const promote = await repo.feedwright("promote", "acme-notes", "1.0.0", "released");
    expect(promote.stderr).toContain("recorded the package's sha256");
    expect(promote.code).toBe(0);
    repo.commit("release acme-notes 1.0.0");

    const build = await repo.feedwright("build");
    expect(build.code).toBe(0);
    const zip = path.join(repo.root, "dist/plugins/acme-notes/acme-notes-v1.0.0.zip");
    const listing = unzip(zip, "-Z1");
    expect(listing).toContain("acme-notes/includes/feedwright-updater.php");
    const mainFile = execFileSync("unzip", ["-p", zip, "acme-notes/acme-notes.php"], { encoding: "utf8" });
    expect(mainFile).toContain(" * Version: 1.0.0");
    expect(mainFile).toContain("require_once __DIR__ . '/includes/feedwright-updater.php';");
    expect(mainFile).toContain("'https://updates.example.com/api'");
    expect((await repo.feedwright("verify", "dist")).code).toBe(0);
  });

  it("asks for what the flags leave out when a person is at the terminal", async () => {
    repo = createScratchRepo();
    const asked: string[] = [];
    const answers: Record<string, string> = {
      "Plugin name": "",
      "One-line description": "Notes for teams.",
      Author: "Ada Vendor",
      "Plugin homepage (https)": "https://example.com/notes",
      "The Worker's API (https://<your updates host>/api)": "https://updates.example.com/api/",
    };
    let stderr = "";
    const code = await main(["init", "team-notes"], {
      cwd: repo.root,
      env: TEST_ENV,
      stdout: () => {},
      stderr: (text) => {
        stderr += text;
      },
      ask: async (question, fallback) => {
        asked.push(question);
        return answers[question] || fallback;
      },
    });
    expect(stderr).toContain("wrote releases/team-notes/plugin.yaml");
    expect(code).toBe(0);
    expect(asked).toEqual(Object.keys(answers));
    const yaml = repo.read("releases/team-notes/plugin.yaml");
    expect(yaml).toContain('name: "Team Notes"');
    expect(yaml).toContain("api_base: https://updates.example.com/api\n");
    expect((await repo.feedwright("validate")).code).toBe(0);
  });

  it.each([
    [["Bad_Slug", ...FLAGS], /slug: expected lower-case letters/],
    [
      [
        "acme-notes",
        ...FLAGS.map((flag) => flag.replace("https://updates.example.com/api", "https://updates.example.com")),
      ],
      /api-base: expected the Worker's API URL ending in \/api, such as https:\/\/updates.example.com\/api/,
    ],
    [
      ["acme-notes", "--yes", "--author", "A", "--homepage", "https://example.com"],
      /--api-base: required without a terminal/,
    ],
    [["acme-notes", ...FLAGS, "--requires-php", "seven"], /requires-php: expected a version/],
  ])("refuses bad answers with exit 2 and writes nothing (%s)", async (args, message) => {
    repo = createScratchRepo();
    const result = await repo.feedwright("init", ...args);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
    expect(readdirSync(repo.root).filter((name) => name !== ".git")).toEqual([]);
  });

  it("overwrites nothing: a slug that exists is refused, its files unchanged", async () => {
    repo = createScratchRepo();
    repo.write("source/acme-notes/acme-notes.php", "<?php // mine\n");
    const result = await repo.feedwright("init", "acme-notes", ...FLAGS);
    expect(result.stderr).toContain("source/acme-notes/ already exists");
    expect(result.code).toBe(1);
    expect(repo.read("source/acme-notes/acme-notes.php")).toBe("<?php // mine\n");
    expect(existsSync(path.join(repo.root, "releases"))).toBe(false);
  });
});

describe("a directory that is not a repository yet", () => {
  it("gets the plugin too (git comes when the vendor commits)", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "feedwright-init-"));
    try {
      const result = await runFeedwright(["init", "acme-notes", ...FLAGS], { cwd: root, env: TEST_ENV });
      expect(result.code).toBe(0);
      expect(existsSync(path.join(root, "source/acme-notes/acme-notes.php"))).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
