/**
 * Reading a plugin's source: from a pinned git commit, or from the working tree for releases
 * that are not pinned yet. Each file comes with an id that changes whenever its content does,
 * so the package cache can decide without reading any content. Every path is checked to be a
 * plain relative path (describeUnsafePath) before anything is read.
 */
import { execFile, spawn } from "node:child_process";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { sha256Hex } from "../core/digest.ts";
import { SourceError, UnsafePathError } from "../core/errors.ts";
import { describePathClash, describeUnsafePath } from "../core/packaging.ts";

const run = promisify(execFile);

export interface SourceFile {
  /** Relative to the plugin's source folder, with forward slashes. */
  path: string;
  /** Changes whenever the content does (git blob id, or a SHA-256 for the working tree). */
  id: string;
}

export interface SourceSnapshot {
  /** e.g. "commit 1a2b3c4" or "working tree"; for messages. */
  label: string;
  /** The commit time for a pinned commit, null otherwise. */
  commitTime: Date | null;
  files: SourceFile[];
  read(files: SourceFile[]): Promise<Map<string, Buffer>>;
}

// build-packages.ts imports these from here.
export { SourceError, UnsafePathError } from "../core/errors.ts";

/**
 * Refuse the first path that is not a plain relative path, naming it. Excluded files are
 * refused too: a pin is built as a whole, and a name like "a\\..\\evil.php" or a ".." entry
 * in a commit is a sign of a crafted tree, not of a file someone meant to keep.
 */
function refuseUnsafePaths(where: string, folder: string, paths: string[]): void {
  for (const candidate of paths) {
    const unsafe = describeUnsafePath(candidate);
    if (unsafe !== null)
      throw new UnsafePathError(
        `${where} has the file ${JSON.stringify(candidate)} in ${folder}/, which is not a safe path to package: ${unsafe}`,
      );
  }
}

/** Git wrapper bound to one repository; every call is a separate, argument-safe process. */
export class GitRepository {
  readonly root: string;
  constructor(root: string) {
    this.root = root;
  }

  private async git(args: string[]): Promise<string> {
    const { stdout } = await run("git", args, { cwd: this.root, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" });
    return stdout;
  }

  async isRepository(): Promise<boolean> {
    try {
      return (await this.git(["rev-parse", "--is-inside-work-tree"])).trim() === "true";
    } catch {
      return false;
    }
  }

  async isShallow(): Promise<boolean> {
    try {
      return (await this.git(["rev-parse", "--is-shallow-repository"])).trim() === "true";
    } catch {
      return false;
    }
  }

  /** The object type of a revision (commit, tree, blob, tag), or null when this clone does not have it. */
  async objectType(revision: string): Promise<string | null> {
    try {
      return (await this.git(["cat-file", "-t", revision])).trim() || null;
    } catch {
      return null;
    }
  }

  async commitTime(commit: string): Promise<Date> {
    const seconds = Number((await this.git(["show", "-s", "--format=%ct", commit])).trim());
    return new Date(seconds * 1000);
  }

  /** The commit a ref names, or null. */
  async resolve(ref: string): Promise<string | null> {
    try {
      return (await this.git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).trim() || null;
    } catch {
      return null;
    }
  }

  /** Whether a path has uncommitted changes (staged, unstaged or untracked). */
  async isDirty(folder: string): Promise<boolean> {
    return (await this.git(["status", "--porcelain", "--", folder])).trim() !== "";
  }

  async commitCount(commit: string): Promise<number> {
    return Number((await this.git(["rev-list", "--count", commit])).trim());
  }

  async headCommit(): Promise<string | null> {
    try {
      return (await this.git(["rev-parse", "--verify", "HEAD"])).trim();
    } catch {
      return null;
    }
  }

  /** Every file below `folder` at `revision`: path (relative to folder), mode and blob id. */
  async listTree(revision: string, folder: string): Promise<{ path: string; mode: string; id: string }[]> {
    const out = await this.git(["ls-tree", "-r", "-z", "--full-tree", revision, "--", `${folder}/`]);
    const entries: { path: string; mode: string; id: string }[] = [];
    for (const record of out.split("\0")) {
      if (record === "") continue;
      const tab = record.indexOf("\t");
      const [mode, type, id] = record.slice(0, tab).split(" ");
      const fullPath = record.slice(tab + 1);
      if (type !== "blob" || !mode || !id) continue; // submodules ("commit") are not packaged
      entries.push({ path: fullPath.slice(folder.length + 1), mode, id });
    }
    return entries;
  }

  /** Read many blobs through one `git cat-file --batch` process. */
  async readBlobs(ids: string[]): Promise<Map<string, Buffer>> {
    const unique = [...new Set(ids)];
    const blobs = new Map<string, Buffer>();
    if (unique.length === 0) return blobs;
    const child = spawn("git", ["cat-file", "--batch"], { cwd: this.root, stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    const exited = new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => resolve(code ?? 1));
    });
    child.stdin.end(`${unique.join("\n")}\n`);
    if ((await exited) !== 0) throw new SourceError("git cat-file failed while reading the pinned source");
    const all = Buffer.concat(chunks);
    let offset = 0;
    for (const id of unique) {
      const headerEnd = all.indexOf(10, offset);
      const [, , size] = all.subarray(offset, headerEnd).toString("utf8").split(" ");
      const start = headerEnd + 1;
      const end = start + Number(size);
      blobs.set(id, all.subarray(start, end));
      offset = end + 1; // skip the newline after each blob
    }
    return blobs;
  }
}

/** Resolve a symlink target inside the source folder; null when it leaves the folder. */
export function resolveLinkInside(linkPath: string, target: string): string | null {
  if (path.posix.isAbsolute(target)) return null;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(linkPath), target));
  if (resolved === ".." || resolved.startsWith("../") || resolved === ".") return null;
  return resolved;
}

/**
 * A pinned commit's source. `commit` must be a full object id: git reads 40 hex digits as an
 * object id before any ref of that name (it only warns that the ref is ambiguous), so a branch
 * or tag named like the id cannot stand in for it; the type check refuses tags, trees and blobs.
 */
export async function snapshotFromGit(repo: GitRepository, commit: string, folder: string): Promise<SourceSnapshot> {
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new SourceError(`${commit} is not a full commit id (40 hex digits)`);
  const type = await repo.objectType(commit);
  if (!type) throw new SourceError(`git object ${commit} is not in this clone`);
  if (type !== "commit") {
    throw new SourceError(
      `${commit} is a git ${type} object, not a commit: pin the commit that holds the source (git rev-parse <name>^{commit} prints it)`,
    );
  }
  const label = `commit ${commit.slice(0, 12)}`;
  const listed = await repo.listTree(commit, folder);
  const paths = listed.map((entry) => entry.path);
  refuseUnsafePaths(label, folder, paths);
  const clash = describePathClash(paths);
  if (clash !== null) throw new UnsafePathError(`${label} cannot be packaged: in ${folder}/, ${clash}`);
  const links = listed.filter((entry) => entry.mode === "120000");
  const linkTargets = await repo.readBlobs(links.map((link) => link.id));
  const byPath = new Map(listed.map((entry) => [entry.path, entry]));
  const files: SourceFile[] = [];
  for (const entry of listed) {
    if (entry.mode !== "120000") {
      files.push({ path: entry.path, id: entry.id });
      continue;
    }
    files.push({ path: entry.path, id: followGitLink(entry.path, byPath, linkTargets) });
  }
  return {
    label,
    commitTime: await repo.commitTime(commit),
    files,
    async read(wanted) {
      const blobs = await repo.readBlobs(wanted.map((file) => file.id));
      return new Map(wanted.map((file) => [file.path, blobs.get(file.id) ?? Buffer.alloc(0)]));
    },
  };
}

function followGitLink(
  start: string,
  byPath: Map<string, { path: string; mode: string; id: string }>,
  targets: Map<string, Buffer>,
): string {
  let current = byPath.get(start);
  for (let hops = 0; current && hops < 40; hops++) {
    if (current.mode !== "120000") return current.id;
    const target = targets.get(current.id)?.toString("utf8") ?? "";
    const resolved = resolveLinkInside(current.path, target);
    if (!resolved) throw new SourceError(`symlink ${start} points outside the plugin folder (${target})`);
    current = byPath.get(resolved);
  }
  throw new SourceError(`symlink ${start} does not point at a file inside the plugin folder`);
}

/** The files under `folder` as they are on disk; `shownAs` names the folder in messages (source/<slug>). */
export async function snapshotFromWorkingTree(folder: string, shownAs = folder): Promise<SourceSnapshot> {
  const files: SourceFile[] = [];
  const contents = new Map<string, Buffer>();
  const root = path.resolve(folder);
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(path.join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const entryPath = relative === "" ? entry.name : `${relative}/${entry.name}`;
      refuseUnsafePaths("the working tree", shownAs, [entryPath]);
      const absolute = path.join(root, entryPath);
      const stats = await lstat(absolute);
      if (stats.isDirectory()) {
        await walk(entryPath);
      } else if (stats.isSymbolicLink()) {
        const target = await readlink(absolute);
        const resolved = resolveLinkInside(entryPath, target);
        if (!resolved) throw new SourceError(`symlink ${entryPath} points outside the plugin folder (${target})`);
        const content = await readFile(path.join(root, resolved)).catch(() => {
          throw new SourceError(`symlink ${entryPath} does not point at a file inside the plugin folder`);
        });
        files.push({ path: entryPath, id: sha256Hex(content) });
        contents.set(entryPath, content);
      } else if (stats.isFile()) {
        const content = await readFile(absolute);
        files.push({ path: entryPath, id: sha256Hex(content) });
        contents.set(entryPath, content);
      }
    }
  };
  await walk("");
  return {
    label: "working tree",
    commitTime: null,
    files,
    async read(wanted) {
      return new Map(wanted.map((file) => [file.path, contents.get(file.path) ?? Buffer.alloc(0)]));
    },
  };
}
