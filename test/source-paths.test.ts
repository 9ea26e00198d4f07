/**
 * What may go into a package from a plugin's source: only plain relative paths (issue 9 item
 * 4), pinned by a full commit id that no ref can shadow (item 9), with the main file's bytes
 * kept as they are apart from the version (item 8).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { describeUnsafePath, writeDeterministicZip } from "../scripts/core/packaging.ts";
import { createDemoRepo, releaseYaml, type ScratchRepo } from "./support/scratch-repo.ts";

type DemoRepo = ScratchRepo & { pins: Record<string, string> };

const repos: DemoRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

function demoRepo(): DemoRepo {
  const repo = createDemoRepo();
  repos.push(repo);
  return repo;
}

/** Point releases/demo/<version>.yaml's `source:` (line 4) at `pin`. */
function pin(repo: DemoRepo, version: string, revision: string): void {
  const file = `releases/demo/${version}.yaml`;
  repo.write(file, repo.read(file).replace(/^source: .*$/m, `source: ${JSON.stringify(revision)}`));
}

/**
 * A commit on top of HEAD whose source/demo/ tree also holds `name` (any name git accepts in a
 * tree), beside an entry of the same name when `beside` is set.
 */
function commitWithTreeEntry(
  repo: DemoRepo,
  entry: { name: string; mode: string; type: string; id: string },
  { beside = false } = {},
): string {
  const git = (args: string[], input?: string) =>
    execFileSync("git", args, { cwd: repo.root, encoding: "utf8", input }).trim();
  const replace = (treeish: string, name: string, line: string, keep = false) => {
    const lines = git(["ls-tree", "-z", treeish], undefined)
      .split("\0")
      .filter((record) => record !== "" && (keep || record.slice(record.indexOf("\t") + 1) !== name));
    return git(["mktree", "-z"], `${[...lines, line].join("\0")}\0`);
  };
  const demo = replace(
    "HEAD:source/demo",
    entry.name,
    `${entry.mode} ${entry.type} ${entry.id}\t${entry.name}`,
    beside,
  );
  const source = replace("HEAD:source", "demo", `040000 tree ${demo}\tdemo`);
  const root = replace("HEAD", "source", `040000 tree ${source}\tsource`);
  const commit = git(["commit-tree", root, "-p", "HEAD", "-m", "a crafted tree"]);
  git(["update-ref", "HEAD", commit]);
  return commit;
}

/** build and validate both exit 1 with a problem at `where` whose message holds every fragment; nothing is written. */
async function expectRefused(repo: DemoRepo, where: string, ...fragments: string[]): Promise<void> {
  for (const command of [["build", "--out", "dist"], ["validate"]]) {
    const result = await repo.feedwright(...command);
    const line = result.stderr.split("\n").find((candidate) => candidate.startsWith(`${where} `));
    expect(line, result.stderr).toBeDefined();
    for (const fragment of fragments) expect(line).toContain(fragment);
    expect(result.code).toBe(1);
  }
  expect(existsSync(path.join(repo.root, "dist"))).toBe(false);
}

describe("issue 9 item 4: source paths that are not plain relative paths", () => {
  it.each([
    ["demo.php", null],
    ["includes/class-a b (1).php", null],
    ["assets/ünïcode-名前.css", null],
    [".htaccess", null],
    ["a..b/c...d.php", null],
    ["", "it is empty"],
    ["/etc/passwd", "it starts with /"],
    ["a//b.php", "it has an empty segment"],
    ["a/", "it has an empty segment"],
    ["./a.php", 'it has the segment "."'],
    ["../evil.php", 'it has the segment ".."'],
    ["a/../../evil.php", 'it has the segment ".."'],
    ["a/.../evil.php", 'it has the segment "..."'],
    ["a/. ./evil.php", 'it has the segment ". ."'],
    ["a\\..\\..\\..\\evil.php", "it contains a backslash"],
    ["C:/evil.php", "it contains a colon"],
    ["evil.php:stream", "it contains a colon"],
    ["new\nline.php", "it contains a control character (U+000A)"],
    ["nul\0.php", "it contains a control character (U+0000)"],
    ["Icon\r", "it contains a control character (U+000D)"],
    ["del\x7f.php", "it contains a control character (U+007F)"],
    ["c1\u0085.php", "it contains a control character (U+0085)"],
    ["bad-\uFFFD.php", "it is not valid UTF-8"],
    ["evil.php.", "a segment ends in a dot or a space"],
    ["dir /a.php", "a segment ends in a dot or a space"],
  ])("%j: %s", (candidate, reason) => {
    const described = describeUnsafePath(candidate);
    if (reason === null) expect(described).toBeNull();
    else expect(described).toContain(reason);
  });

  it("issue 9 item 4: the ZIP writer refuses an unsafe entry as a last line of defence", async () => {
    const date = new Date("2000-01-01T00:00:00Z");
    await expect(
      writeDeterministicZip("demo", [{ path: "a/../../evil.php", content: Buffer.from("x") }], date),
    ).rejects.toThrow(/"demo\/a\/\.\.\/\.\.\/evil\.php".*segment "\.\."/);
    await expect(writeDeterministicZip("..", [{ path: "a.php", content: Buffer.from("x") }], date)).rejects.toThrow(
      /segment "\.\."/,
    );
    await expect(
      writeDeterministicZip("demo", [{ path: "ok.php", content: Buffer.from("x") }], date),
    ).resolves.toBeInstanceOf(Buffer);
  });

  it("issue 9 item 4: a committed file named a\\..\\..\\..\\evil.php is refused at the release's source:", async () => {
    const repo = demoRepo();
    repo.write("source/demo/a\\..\\..\\..\\evil.php", "<?php evil();\n");
    pin(repo, "1.1.0", repo.commit("a backslash name"));
    repo.commit("pin");
    await expectRefused(
      repo,
      "releases/demo/1.1.0.yaml:4:9",
      "source: commit ",
      'has the file "a\\\\..\\\\..\\\\..\\\\evil.php" in source/demo/, which is not a safe path to package: it contains a backslash',
    );
  });

  it("issue 9 item 4: a git tree with a .. entry is refused", async () => {
    const repo = demoRepo();
    const evil = execFileSync("git", ["hash-object", "-w", "--stdin"], {
      cwd: repo.root,
      input: "<?php evil();\n",
      encoding: "utf8",
    }).trim();
    const tree = execFileSync("git", ["mktree"], {
      cwd: repo.root,
      input: `100644 blob ${evil}\tevil.php\n`,
      encoding: "utf8",
    }).trim();
    const commit = commitWithTreeEntry(repo, { name: "..", mode: "040000", type: "tree", id: tree });
    // What git itself lists: the entry escapes source/demo/.
    expect(repo.git("ls-tree", "-r", "--name-only", commit, "--", "source/demo/")).toContain("source/demo/../evil.php");
    pin(repo, "1.1.0", commit);
    repo.commit("pin");
    await expectRefused(
      repo,
      "releases/demo/1.1.0.yaml:4:9",
      "source: commit ",
      `has the file "../evil.php" in source/demo/, which is not a safe path to package: it has the segment ".."`,
    );
  });

  it.each([
    ["a second demo.php", "demo.php", '"demo.php" is there twice'],
    [
      "a file named like the includes folder",
      "includes",
      '"includes" is both a file and the folder of "includes/helpers.php"',
    ],
  ])(
    "issue 9 item 4: a git tree with %s is refused (which one an unzipper keeps is up to it)",
    async (_, name, clash) => {
      const repo = demoRepo();
      const other = execFileSync("git", ["hash-object", "-w", "--stdin"], {
        cwd: repo.root,
        input: "<?php evil();\n",
        encoding: "utf8",
      }).trim();
      pin(
        repo,
        "1.1.0",
        commitWithTreeEntry(repo, { name, mode: "100644", type: "blob", id: other }, { beside: true }),
      );
      repo.commit("pin");
      await expectRefused(repo, "releases/demo/1.1.0.yaml:4:9", "source: commit ", `in source/demo/, ${clash}`);
    },
  );

  it("issue 9 item 4: the ZIP writer refuses two entries that claim one place", async () => {
    const date = new Date("2000-01-01T00:00:00Z");
    const entry = (entryPath: string) => ({ path: entryPath, content: Buffer.from("x") });
    await expect(writeDeterministicZip("demo", [entry("a.php"), entry("a.php")], date)).rejects.toThrow(
      '"a.php" is there twice',
    );
    await expect(writeDeterministicZip("demo", [entry("a"), entry("a/b.php")], date)).rejects.toThrow(
      '"a" is both a file and the folder of "a/b.php"',
    );
  });

  it("issue 9 item 4: a file name with a newline is refused", async () => {
    const repo = demoRepo();
    repo.write("source/demo/includes/new\nline.php", "<?php\n");
    pin(repo, "1.1.0", repo.commit("a newline name"));
    repo.commit("pin");
    await expectRefused(
      repo,
      "releases/demo/1.1.0.yaml:4:9",
      "source: commit ",
      'has the file "includes/new\\nline.php" in source/demo/, which is not a safe path to package: it contains a control character (U+000A)',
    );
  });

  it("issue 9 item 4: an unsafe name in the working tree is refused at the plugin.yaml", async () => {
    const repo = demoRepo();
    repo.write(
      "releases/demo/1.2.0-beta.1.yaml",
      releaseYaml({ version: "1.2.0-beta.1", status: "testing", changelog: "Beta." }),
    );
    repo.write("source/demo/Icon\r", "");
    await expectRefused(
      repo,
      "releases/demo/plugin.yaml:1:1",
      'the working tree has the file "Icon\\r" in source/demo/, which is not a safe path to package: it contains a control character (U+000D)',
    );
  });
});

describe("issue 9 item 9: a pin is a full commit id that names a commit", () => {
  it("builds the pinned commit even when a branch named like its id points elsewhere", async () => {
    const repo = demoRepo();
    const older = repo.pins["1.0.0"] ?? "";
    // A branch named with the 40 hex digits of the 1.0.0 commit, pointing at the 1.1.0 commit.
    repo.git("update-ref", `refs/heads/${older}`, repo.pins["1.1.0"] ?? "");
    const result = await repo.feedwright("build", "--out", "dist", "--quiet");
    expect(result.code).toBe(0);
    const zip = path.join(repo.root, "dist/plugins/demo/demo-v1.0.0.zip");
    expect(execFileSync("unzip", ["-p", zip, "demo/includes/helpers.php"], { encoding: "utf8" })).toBe(
      "<?php\n// helpers for 1.0.0\n",
    );
  });

  it("refuses a 40-hex pin that is only the name of a branch", async () => {
    const repo = demoRepo();
    const name = "0123456789abcdef0123456789abcdef01234567";
    repo.git("update-ref", `refs/heads/${name}`, repo.pins["1.1.0"] ?? "");
    pin(repo, "1.1.0", name);
    repo.commit("pin a branch name");
    await expectRefused(
      repo,
      "releases/demo/1.1.0.yaml:4:9",
      `source: commit ${name} does not exist in this repository`,
    );
  });

  it.each([
    ["an annotated tag object", (repo: DemoRepo) => tagObject(repo), "is a git tag object, not a commit"],
    ["a tree", (repo: DemoRepo) => repo.git("rev-parse", "HEAD^{tree}"), "is a git tree object, not a commit"],
    ["a blob", (repo: DemoRepo) => repo.git("rev-parse", "HEAD:releases/demo/plugin.yaml"), "is a git blob object"],
  ])("refuses a pin that is %s", async (_, object, message) => {
    const repo = demoRepo();
    const id = object(repo);
    pin(repo, "1.1.0", id);
    repo.commit("pin something that is not a commit");
    await expectRefused(repo, "releases/demo/1.1.0.yaml:4:9", `source: ${id} ${message}`);
  });
});

function tagObject(repo: DemoRepo): string {
  repo.git("tag", "-a", "v1.1.0", "-m", "tag", repo.pins["1.1.0"] ?? "");
  return repo.git("rev-parse", "v1.1.0");
}

describe("issue 9 item 8: a main file that is not UTF-8", () => {
  /** A Latin-1 main file: "é" is the one byte 0xE9, and the header has a byte that is not UTF-8 either. */
  function latin1MainFile(version: string): Buffer {
    const ascii = (text: string) => Buffer.from(text, "ascii");
    return Buffer.concat([
      ascii("<?php\n/**\n * Plugin Name: Demo Plugin\n * Description: Caf"),
      Buffer.from([0xe9]),
      ascii(` au lait\n * Version: ${version}\n * Author: Ren`),
      Buffer.from([0xe9, 0xa0, 0xff]),
      ascii(`\n */\ndefine( 'DEMO_VERSION', '${version}' );\n// `),
      Buffer.from([0xe9, 0x0d, 0x0a]),
      ascii("define( 'DEMO_API_BASE', 'https://api.example.com/api' );\n"),
    ]);
  }

  it("packages the main file's bytes as they are, apart from the version", async () => {
    const repo = demoRepo();
    repo.write("source/demo/demo.php", latin1MainFile("0.0.1"));
    pin(repo, "1.1.0", repo.commit("a Latin-1 main file"));
    repo.commit("pin");
    const result = await repo.feedwright("build", "--out", "dist", "--quiet");
    expect(result.code, result.stderr).toBe(0);
    const zip = path.join(repo.root, "dist/plugins/demo/demo-v1.1.0.zip");
    const packaged = execFileSync("unzip", ["-p", zip, "demo/demo.php"]);
    expect(packaged.equals(latin1MainFile("1.1.0"))).toBe(true);
    expect(readFileSync(path.join(repo.root, "source/demo/demo.php")).equals(latin1MainFile("0.0.1"))).toBe(true);
  });

  it("feedwright release writes the version into the source's main file and changes no other byte", async () => {
    const repo = demoRepo();
    repo.write("source/demo/demo.php", latin1MainFile("1.1.0"));
    repo.commit("a Latin-1 main file");
    const result = await repo.feedwright("release", "demo", "1.2.0");
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(path.join(repo.root, "source/demo/demo.php")).equals(latin1MainFile("1.2.0"))).toBe(true);
  });
});
