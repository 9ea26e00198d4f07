/**
 * The Geeklog client files the tests run are the originals: each has the git blob id FROM.md
 * records for it (the id git gives those exact bytes), and FROM.md lists every file there is.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLIENT_DIR } from "./client.ts";

function filesUnder(folder: string, prefix = ""): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    return statSync(full).isDirectory() ? filesUnder(full, `${prefix}${name}/`) : [`${prefix}${name}`];
  });
}

describe("the Geeklog client's files", () => {
  it("issue 13: are the unchanged files of Geeklog-GSoC/Repository-Core that FROM.md lists, by git blob id", () => {
    const listed = [
      ...readFileSync(path.join(CLIENT_DIR, "FROM.md"), "utf8").matchAll(/^ {4}([0-9a-f]{40}) {2}(\S+)$/gm),
    ].map((match) => [match[2] ?? "", match[1] ?? ""] as const);
    expect(listed.length).toBe(7);
    for (const [file, blob] of listed) {
      const actual = execFileSync("git", ["hash-object", "--no-filters", path.join(CLIENT_DIR, file)], {
        encoding: "utf8",
      }).trim();
      expect(actual, file).toBe(blob);
    }
    expect(
      filesUnder(CLIENT_DIR)
        .filter((file) => file !== "FROM.md")
        .sort(),
    ).toEqual(listed.map(([file]) => file).sort());
  });
});
