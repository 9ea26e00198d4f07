import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import path from "node:path";
import type { InputFile, ReleaseTree } from "../core/parse-tree.ts";
import { MAX_YAML_FILE_BYTES } from "../core/parse-yaml.ts";
import { compareText, type Problem, problemAt, START_OF_FILE } from "../core/problems.ts";

/**
 * Read every file below releases/<plugin>/ as bytes; folders directly under releases/ are
 * plugins. Only real files and folders are read: a symlink (to a file or a plugin folder)
 * would pull in input from anywhere on the machine, and a named pipe or device would block
 * or stream forever, so each is refused at its path instead of being skipped in silence.
 */
export async function loadReleaseTree(repoRoot: string): Promise<ReleaseTree> {
  const releasesDir = path.join(repoRoot, "releases");
  const problems: Problem[] = [];
  const toRelative = (absolute: string) => path.relative(repoRoot, absolute).split(path.sep).join("/");
  const refuse = async (absolute: string, isSymlink: boolean) => {
    const why = isSymlink
      ? `is a symlink (to ${await readlink(absolute)}): releases/ must hold the files themselves, not links to them`
      : "is not a regular file or folder: releases/ holds plugin folders of YAML files";
    problems.push(problemAt(toRelative(absolute), START_OF_FILE, why));
  };
  if ((await lstat(releasesDir)).isSymbolicLink()) {
    await refuse(releasesDir, true);
    return { pluginDirs: [], files: [], problems };
  }
  const top = await readdir(releasesDir, { withFileTypes: true });

  const pluginDirs: string[] = [];
  for (const entry of top) {
    if (entry.isDirectory()) pluginDirs.push(`releases/${entry.name}`);
    // Files beside the plugin folders (the JSON Schema files) are not read.
    else if (!entry.isFile()) await refuse(path.join(releasesDir, entry.name), entry.isSymbolicLink());
  }
  const files: InputFile[] = [];
  for (const dir of pluginDirs) {
    const entries = await readdir(path.join(repoRoot, dir), { withFileTypes: true, recursive: true });
    for (const entry of entries) {
      const absolute = path.join(entry.parentPath, entry.name);
      if (entry.isDirectory()) continue;
      if (!entry.isFile()) {
        await refuse(absolute, entry.isSymbolicLink());
        continue;
      }
      files.push({ path: toRelative(absolute), text: await readAtMost(absolute, MAX_YAML_FILE_BYTES + 1) });
    }
  }
  files.sort((a, b) => compareText(a.path, b.path));
  return { pluginDirs, files, problems };
}

/**
 * The file's bytes, but never more than `limit` (one byte over the YAML size limit is enough for
 * parseYaml to refuse the file; the rest is not read). Opened without following a symlink or
 * waiting on a pipe that replaced the file since it was listed. Synchronous: a release file is
 * a few hundred bytes, and a thousand of them read this way take a few milliseconds where
 * promises would take a hundred.
 */
async function readAtMost(file: string, limit: number): Promise<Uint8Array> {
  const descriptor = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(descriptor);
    if (!stat.isFile()) throw new Error(`${file} stopped being a regular file while it was read`);
    const buffer = Buffer.alloc(Math.min(stat.size, limit));
    let length = 0;
    while (length < buffer.length) {
      const bytesRead = readSync(descriptor, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(descriptor);
  }
}
