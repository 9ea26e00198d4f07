/**
 * Issue 9 item 12: the development signing key must never reach git, whatever repository it is
 * created in. Each test uses a scratch repository that has no .gitignore of ours, as a vendor's
 * own releases repository would not.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createDemoRepo, type ScratchRepo } from "./support/scratch-repo.ts";

const KEY = ".feedwright/keys/dev-signing-key";

describe("the development signing key", () => {
  let repo: ScratchRepo;
  const { FEEDWRIGHT_SIGNING_KEY: _, ...withoutKey } = process.env;
  const build = () => repo.feedwrightWithEnv(withoutKey, "build", "--out", "dist", "--quiet");

  afterEach(() => repo?.cleanup());

  it("issue 9 item 12: is git-ignored in a repository without a .gitignore of ours", async () => {
    repo = createDemoRepo();
    expect(existsSync(path.join(repo.root, ".gitignore"))).toBe(false);
    const first = await build();
    expect(first.code).toBe(0);
    expect(existsSync(path.join(repo.root, KEY))).toBe(true);

    repo.git("add", "-A");
    expect(repo.git("ls-files", "--", ".feedwright/keys")).toBe("");
    expect(repo.git("check-ignore", KEY)).toBe(KEY);
    expect(readFileSync(path.join(repo.root, ".feedwright/keys/.gitignore"), "utf8")).toMatch(/^\*$/m);
  });

  it("issue 9 item 12: gets its ignore file back when a key folder from before lacks one", async () => {
    repo = createDemoRepo();
    expect((await build()).code).toBe(0);
    repo.remove(".feedwright/keys/.gitignore");
    expect((await build()).code).toBe(0);
    repo.git("add", "-A");
    expect(repo.git("ls-files", "--", ".feedwright/keys")).toBe("");
  });

  it("issue 9 item 12: is refused when git tracks it, and nothing is built", async () => {
    repo = createDemoRepo();
    expect((await build()).code).toBe(0);
    const before = readFileSync(path.join(repo.root, "dist/feed.json"));
    repo.git("add", "-f", KEY);

    const refused = await build();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `error: ${path.join(repo.root, KEY)} is tracked by git: anyone who can read the repository can sign as you. ` +
        "Run git rm --cached on it, commit, and delete the file (the next build creates a new key); " +
        "a key that was ever pushed must not be trusted again\n",
    );
    expect(readFileSync(path.join(repo.root, "dist/feed.json"))).toEqual(before);
    const publicKey = await repo.feedwrightWithEnv(withoutKey, "keys", "public");
    expect(publicKey.code).toBe(1);
    expect(publicKey.stderr).toContain("is tracked by git");
  });

  it("issue 9 item 12: is refused when its folder's .gitignore no longer ignores it", async () => {
    repo = createDemoRepo();
    expect((await build()).code).toBe(0);
    writeFileSync(path.join(repo.root, ".feedwright/keys/.gitignore"), "*\n!dev-signing-key\n");
    const refused = await build();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${path.join(repo.root, KEY)} is not ignored by git, so it could be committed`);
  });

  it("issue 9 item 12: is refused when other users can read it, naming chmod 600", async () => {
    repo = createDemoRepo();
    expect((await build()).code).toBe(0);
    const file = path.join(repo.root, KEY);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    chmodSync(file, 0o644);

    const refused = await build();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`error: ${file} can be read by other users (mode 0644): run chmod 600 ${file}\n`);

    chmodSync(file, 0o640);
    expect((await build()).stderr).toContain("(mode 0640): run chmod 600");
    chmodSync(file, 0o600);
    expect((await build()).code).toBe(0);
  });

  it("issue 9 item 12: is not checked when the key comes from the environment", async () => {
    repo = createDemoRepo();
    const result = await repo.feedwright("build", "--out", "dist", "--quiet");
    expect(result.code).toBe(0);
    expect(existsSync(path.join(repo.root, ".feedwright/keys"))).toBe(false);
  });
});
