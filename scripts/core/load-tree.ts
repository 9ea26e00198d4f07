import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { InputFile, ReleaseTree } from "./parse-tree.ts";

/** Read every file below releases/<plugin>/ as text; folders directly under releases/ are plugins. */
export async function loadReleaseTree(repoRoot: string): Promise<ReleaseTree> {
  const releasesDir = path.join(repoRoot, "releases");
  const top = await readdir(releasesDir, { withFileTypes: true });
  const pluginDirs = top.filter((entry) => entry.isDirectory()).map((entry) => `releases/${entry.name}`);
  const files: InputFile[] = [];
  for (const dir of pluginDirs) {
    const entries = await readdir(path.join(repoRoot, dir), { withFileTypes: true, recursive: true });
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const absolute = path.join(entry.parentPath, entry.name);
      const relative = path.relative(repoRoot, absolute).split(path.sep).join("/");
      files.push({ path: relative, text: await readFile(absolute, "utf8") });
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { pluginDirs, files };
}
