/**
 * Reading a plugin's source: from a pinned git commit, or from the working tree for releases
 * that are not pinned yet. Each file comes with an id that changes whenever its content does,
 * so the package cache can decide without reading any content. Every path is checked to be a
 * plain relative path (describeUnsafePath) before anything is read.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { lstat, readdir, readFile, readlink } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { sha256Hex } from "../core/digest.ts";
import { SourceError, UnsafePathError } from "../core/errors.ts";
import { describePathClash, describeUnsafePath } from "../core/packaging.ts";

/**
 * A pinned commit's folder looked at without listing it: whether the package would hold
 * `mainFile` there, for a plain folder (see GitRepository.plainTree: safe names, no clash, no
 * symlink), where that is all a build checks of a release it does not package. Null when the
 * folder is not plain: snapshotFromGit then says exactly what is wrong. A SourceError when the
 * folder holds no file at all, as snapshotFromGit's caller says.
 */
export async function inspectPlainGitSource(
  repo: GitRepository,
  commit: string,
  folder: string,
  mainFile: string,
): Promise<{ label: string; hasMainFile: boolean } | null> {
  const label = `commit ${commit.slice(0, 12)}`;
  const tree = await repo.folderTree(commit, folder);
  if (!tree) throw new SourceError(`${label} has no ${folder}/ folder`);
  const { plain, files } = await repo.plainTree(tree);
  if (!plain) return null;
  if (files === 0) throw new SourceError(`${label} has no ${folder}/ folder`);
  const entry = await repo.findEntry(tree, mainFile);
  return { label, hasMainFile: entry !== null && entry.mode !== "160000" };
}

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

/** A tree entry as `git ls-tree` shows it: the mode in six octal digits ("100644", "120000"). */
export interface TreeEntry {
  path: string;
  mode: string;
  id: string;
}

/** Tree listings kept by one GitRepository. */
const MAX_TREE_LISTINGS = 64;

/** How long the object reader waits for another request before it ends its git process. */
const IDLE_READER_MS = 250;

/** An object read through `git cat-file --batch`. */
interface GitObject {
  type: string;
  content: Buffer;
}

/**
 * One long-lived `git cat-file --batch` for a whole build: every object (commit, tree, blob) is
 * asked for by id on its stdin and answered in order on its stdout, so reading a release's
 * source costs a few lines on a pipe instead of several processes. Requests are pipelined;
 * while any is waiting the process keeps Node alive, and when none is, it does not, and it
 * ends after a moment of idleness (so a caller that forgets close() leaves nothing running).
 */
class GitObjectReader {
  private session: BatchSession | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** The object `name` (a full object id), or null when this clone does not have it. */
  read(name: string): Promise<GitObject | null> {
    return this.readMany([name])[0] as Promise<GitObject | null>;
  }

  /** Many objects, asked for in one write: each answer, or null for one this clone does not have. */
  readMany(names: string[]): Promise<GitObject | null>[] {
    const bad = names.find((name) => !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(name));
    if (bad !== undefined) return names.map(() => Promise.reject(new Error(`not an object id: ${bad}`)));
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (!this.session || this.session.ended) this.session = new BatchSession(this.root, () => this.idle());
    return this.session.readMany(names);
  }

  /** Ends the git process once it has answered what it was asked; a later read starts another. */
  close(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.session?.end();
    this.session = null;
  }

  private idle(): void {
    this.idleTimer ??= setTimeout(() => this.close(), IDLE_READER_MS).unref();
  }
}

/** One `git cat-file --batch` process and the requests it has not answered yet, in order. */
class BatchSession {
  ended = false;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve(object: GitObject | null): void; reject(error: Error): void }[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes the answer being received needs in all: no joining of chunks before they are there. */
  private needed = 0;
  private failure: Error | null = null;
  private readonly onIdle: () => void;

  constructor(root: string, onIdle: () => void) {
    this.onIdle = onIdle;
    const child = spawn("git", ["cat-file", "--batch"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    child.on("error", (error) => this.fail(new SourceError(`could not run git cat-file: ${error.message}`)));
    child.on("close", (code) => {
      this.ended = true;
      if (this.waiting.length > 0)
        this.fail(
          new SourceError(`git cat-file stopped (exit ${code}) while reading the pinned source: ${stderr.trim()}`),
        );
    });
    // EPIPE when git is gone: the close handler above says what happened.
    child.stdin.on("error", () => {});
    this.hold(false);
  }

  readMany(names: string[]): Promise<GitObject | null>[] {
    const failure = this.failure;
    if (failure) return names.map(() => Promise.reject(failure));
    if (names.length === 0) return [];
    if (this.waiting.length === 0) this.hold(true);
    const answers = names.map(
      (_) =>
        new Promise<GitObject | null>((resolve, reject) => {
          this.waiting.push({ resolve, reject });
        }),
    );
    this.child.stdin.write(`${names.join("\n")}\n`);
    return answers;
  }

  end(): void {
    this.ended = true;
    this.child.stdin.end();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.ended = true;
    for (const request of this.waiting.splice(0)) request.reject(this.failure);
    this.hold(false);
  }

  /** While requests wait, the process and its pipes keep Node's event loop alive; otherwise not. */
  private hold(active: boolean): void {
    const { child } = this;
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as unknown as {
      ref(): void;
      unref(): void;
    }[])
      if (active) handle.ref();
      else handle.unref();
  }

  /**
   * Answers as they arrive: an object that lies within one chunk of git's output is handed out
   * as a view of it; one that spans chunks is copied into a buffer of its own (the chunks are
   * not joined, so a package's worth of output costs no more memory than its objects).
   */
  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.needed) return;
    for (;;) {
      const request = this.waiting[0];
      const first = this.chunks[0];
      if (!request || !first) return;
      const headerEnd = first.indexOf(10);
      if (headerEnd < 0) {
        // The header is split between chunks (it is short): join just those.
        if (this.chunks.length < 2) return;
        this.chunks.splice(0, 2, Buffer.concat([first, this.chunks[1] as Buffer]));
        continue;
      }
      const header = first.subarray(0, headerEnd).toString("utf8").split(" ");
      let answer: GitObject | null = null;
      if (header.length === 2) {
        // "<name> missing" (or "ambiguous"): this clone does not have it.
        this.drop(headerEnd + 1);
      } else {
        // "<id> <type> <size>", then the content and a newline.
        const size = Number(header[2]);
        this.needed = headerEnd + 1 + size + 1;
        if (this.buffered < this.needed) return;
        answer = { type: header[1] ?? "", content: this.take(headerEnd + 1, size) };
        this.drop(1);
      }
      this.waiting.shift();
      this.needed = 0;
      if (this.waiting.length === 0) {
        this.hold(false);
        if (!this.ended) this.onIdle();
      }
      request.resolve(answer);
    }
  }

  /** `size` bytes from `offset` on, dropping what comes before them and them from the chunks. */
  private take(offset: number, size: number): Buffer {
    this.drop(offset);
    if (size === 0) return Buffer.alloc(0);
    const first = this.chunks[0] as Buffer;
    if (first.length >= size) {
      const view = first.subarray(0, size);
      this.drop(size);
      return view;
    }
    const content = Buffer.allocUnsafeSlow(size);
    let filled = 0;
    while (filled < size) {
      const next = this.chunks[0] as Buffer;
      const part = Math.min(next.length, size - filled);
      next.copy(content, filled, 0, part);
      filled += part;
      this.drop(part);
    }
    return content;
  }

  /** Forget the next `count` bytes of git's output. */
  private drop(count: number): void {
    let left = count;
    this.buffered -= count;
    while (left > 0) {
      const first = this.chunks[0] as Buffer;
      if (first.length > left) {
        this.chunks[0] = first.subarray(left);
        return;
      }
      left -= first.length;
      this.chunks.shift();
    }
  }
}

/** A commit object's tree and committer time. */
function parseCommit(content: Buffer): { tree: string; time: Date } {
  const text = content.toString("utf8");
  const headerEnd = text.indexOf("\n\n");
  const lines = (headerEnd < 0 ? text : text.slice(0, headerEnd)).split("\n");
  const tree = lines.find((line) => line.startsWith("tree "))?.slice(5) ?? "";
  const committer = lines.find((line) => line.startsWith("committer "))?.split(" ") ?? [];
  // "committer Name <email> 1700000000 +0000": the time is the second field from the end.
  const seconds = Number(committer.at(-2));
  return { tree, time: new Date(seconds * 1000) };
}

/** The entries of a tree object: mode (canonical, six octal digits as ls-tree prints it), name and id. */
function parseTree(content: Buffer, idBytes: number): { mode: string; name: string; id: string }[] {
  const entries: { mode: string; name: string; id: string }[] = [];
  let offset = 0;
  while (offset < content.length) {
    const space = content.indexOf(32, offset);
    const nul = content.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 1 + idBytes > content.length)
      throw new SourceError("git returned a damaged tree object");
    const mode = canonicalMode(Number.parseInt(content.subarray(offset, space).toString("latin1"), 8));
    const name = content.subarray(space + 1, nul).toString("utf8");
    const id = content.subarray(nul + 1, nul + 1 + idBytes).toString("hex");
    entries.push({ mode, name, id });
    offset = nul + 1 + idBytes;
  }
  return entries;
}

/** The mode as git itself reads a tree entry (canon_mode): a regular file is 100644 or 100755, whatever was written. */
function canonicalMode(mode: number): string {
  const type = mode & 0o170000;
  if (type === 0o100000) return mode & 0o111 ? "100755" : "100644";
  if (type === 0o120000) return "120000";
  if (type === 0o040000) return "040000";
  return "160000";
}

/**
 * Git bound to one repository. Objects (commits, trees, blobs) are read through one
 * long-lived `git cat-file --batch` (see GitObjectReader); the few questions about refs and
 * the work tree run as separate, argument-safe processes. close() ends the reader.
 */
export class GitRepository {
  readonly root: string;
  private readonly objects: GitObjectReader;
  /** Listings of trees by id: most of a plugin's folders are the same tree in every commit. */
  private readonly treeListings = new Map<string, TreeEntry[]>();
  private readonly objectTypes = new Map<string, Promise<string | null>>();
  /** Tree objects read, by id. */
  private readonly trees = new Map<string, Promise<{ mode: string; name: string; id: string }[]>>();
  /** plainTree's verdicts by tree id. */
  private readonly plainTrees = new Map<string, Promise<{ plain: boolean; files: number }>>();
  /** Commits read (their tree and time): remembered, as an id names the same commit for ever. */
  private readonly commits = new Map<string, Promise<{ tree: string; time: Date }>>();
  constructor(root: string) {
    this.root = root;
    this.objects = new GitObjectReader(root);
  }

  /** Ends the object reader; any later read starts it again. */
  close(): void {
    this.objects.close();
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

  /**
   * The object type of a full object id (commit, tree, blob, tag), or null when this clone does
   * not have it. Remembered: an object id names the same object for ever.
   */
  objectType(id: string): Promise<string | null> {
    let type = this.objectTypes.get(id);
    if (!type) {
      type = this.objects.read(id).then((object) => object?.type ?? null);
      this.objectTypes.set(id, type);
    }
    return type;
  }

  /** Ask for many objects' types at once (one write of every id, answers streamed back). */
  async prefetchTypes(ids: string[]): Promise<void> {
    const unknown = [...new Set(ids)].filter(
      (id) => !this.objectTypes.has(id) && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(id),
    );
    this.objects.readMany(unknown).forEach((answer, index) => {
      this.objectTypes.set(
        unknown[index] ?? "",
        answer.then((object) => object?.type ?? null),
      );
    });
    await Promise.all(ids.map((id) => this.objectType(id).catch(() => null)));
  }

  /** A commit's tree and committer time; a SourceError when `commit` is not a commit of this clone. */
  readCommit(commit: string): Promise<{ tree: string; time: Date }> {
    let found = this.commits.get(commit);
    if (!found) {
      found = this.objects.read(commit).then((object) => {
        if (!object) throw new SourceError(`git object ${commit} is not in this clone`);
        if (object.type !== "commit") throw new SourceError(`${commit} is a git ${object.type} object, not a commit`);
        return parseCommit(object.content);
      });
      // Bounded, as the tree listings are; a commit is read twice at most per package otherwise.
      if (this.commits.size >= MAX_TREE_LISTINGS) this.commits.clear();
      this.commits.set(commit, found);
    }
    return found;
  }

  async commitTime(commit: string): Promise<Date> {
    return (await this.readCommit(commit)).time;
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

  /**
   * Every path (from the repository's top) that differs between `commit` and the work tree:
   * changed, added, deleted or staged tracked files, and untracked files git does not ignore.
   */
  async changedPaths(commit: string): Promise<string[]> {
    const tracked = await this.git(["diff", "--name-only", "--no-renames", "-z", commit, "--"]);
    const untracked = await this.git(["ls-files", "--others", "--exclude-standard", "--full-name", "-z"]);
    return `${tracked}${untracked}`.split("\0").filter((file) => file !== "");
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

  /**
   * Every file below `folder` at `revision` (a commit id, or a name this resolves first): path
   * relative to folder, mode and blob id, in the order `git ls-tree -r` lists them. Submodules
   * are not files and are left out; a folder that is not there lists nothing.
   */
  async listTree(revision: string, folder: string): Promise<TreeEntry[]> {
    const commit = /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(revision) ? revision : await this.resolve(revision);
    if (!commit) throw new SourceError(`${revision} is not a commit of this clone`);
    const tree = await this.folderTree(commit, folder);
    return tree ? this.listFiles(tree) : [];
  }

  /** The tree of `folder` at `commit`, or null when there is no such folder. */
  async folderTree(commit: string, folder: string): Promise<string | null> {
    let tree = (await this.readCommit(commit)).tree;
    for (const name of folder.split("/").filter((part) => part !== "")) {
      const entry = (await this.readTree(tree)).find((candidate) => candidate.name === name);
      if (entry?.mode !== "040000") return null;
      tree = entry.id;
    }
    return tree;
  }

  /**
   * The entry at `relative` below `tree` (a file, symlink or submodule; not a folder), or null.
   */
  async findEntry(tree: string, relative: string): Promise<{ mode: string; id: string } | null> {
    const names = relative.split("/");
    let current = tree;
    for (const [index, name] of names.entries()) {
      const entry = (await this.readTree(current)).find((candidate) => candidate.name === name);
      if (!entry) return null;
      if (index === names.length - 1) return entry.mode === "040000" ? null : entry;
      if (entry.mode !== "040000") return null;
      current = entry.id;
    }
    return null;
  }

  /**
   * Whether everything below `tree` is plainly packageable, and how many files it holds: every
   * name a safe path segment (describeUnsafePath), no name twice, no file that is also a folder,
   * no symlink. Remembered by tree id, so the folders most commits share are looked at once.
   */
  plainTree(tree: string): Promise<{ plain: boolean; files: number }> {
    let verdict = this.plainTrees.get(tree);
    if (!verdict) {
      verdict = this.readTree(tree).then(async (entries) => {
        const names = new Set<string>();
        let files = 0;
        for (const entry of entries) {
          if (
            names.has(entry.name) ||
            entry.mode === "120000" ||
            entry.name.includes("/") ||
            describeUnsafePath(entry.name) !== null
          )
            return { plain: false, files };
          names.add(entry.name);
          if (entry.mode === "040000") {
            const inside = await this.plainTree(entry.id);
            if (!inside.plain) return { plain: false, files };
            files += inside.files;
          } else if (entry.mode !== "160000") files += 1;
        }
        return { plain: true, files };
      });
      if (this.plainTrees.size >= MAX_TREE_LISTINGS * 8) this.plainTrees.clear();
      this.plainTrees.set(tree, verdict);
    }
    return verdict;
  }

  private readTree(id: string): Promise<{ mode: string; name: string; id: string }[]> {
    let rows = this.trees.get(id);
    if (!rows) {
      rows = this.objects.read(id).then((object) => {
        if (object?.type !== "tree") throw new SourceError(`git tree ${id} is not in this clone`);
        return parseTree(object.content, id.length / 2);
      });
      if (this.trees.size >= MAX_TREE_LISTINGS * 8) this.trees.clear();
      this.trees.set(id, rows);
    }
    return rows;
  }

  private async listFiles(tree: string): Promise<TreeEntry[]> {
    const known = this.treeListings.get(tree);
    if (known) return known;
    const files: TreeEntry[] = [];
    for (const entry of await this.readTree(tree)) {
      if (entry.mode === "040000") {
        for (const file of await this.listFiles(entry.id)) files.push({ ...file, path: `${entry.name}/${file.path}` });
      } else if (entry.mode !== "160000") {
        files.push({ path: entry.name, mode: entry.mode, id: entry.id });
      }
    }
    // Bounded: the listings of a thousand commits' folders are not all worth keeping.
    if (this.treeListings.size >= MAX_TREE_LISTINGS) this.treeListings.clear();
    this.treeListings.set(tree, files);
    return files;
  }

  /** Blobs by id, through the long-lived reader. */
  async readBlobs(ids: string[]): Promise<Map<string, Buffer>> {
    const unique = [...new Set(ids)];
    const objects = await Promise.all(this.objects.readMany(unique));
    const blobs = new Map<string, Buffer>();
    unique.forEach((id, index) => {
      const object = objects[index];
      if (!object) throw new SourceError(`git object ${id} is not in this clone`);
      blobs.set(id, object.content);
    });
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
  const { time } = await repo.readCommit(commit);
  const listed = await repo.listTree(commit, folder);
  const paths = listed.map((entry) => entry.path);
  refuseUnsafePaths(label, folder, paths);
  const clash = describePathClash(paths);
  if (clash !== null) throw new UnsafePathError(`${label} cannot be packaged: in ${folder}/, ${clash}`);
  const links = listed.filter((entry) => entry.mode === "120000");
  let files: SourceFile[] = listed;
  if (links.length > 0) {
    const linkTargets = await repo.readBlobs(links.map((link) => link.id));
    const byPath = new Map(listed.map((entry) => [entry.path, entry]));
    files = listed.map((entry) => ({
      path: entry.path,
      id: entry.mode === "120000" ? followGitLink(entry.path, byPath, linkTargets) : entry.id,
    }));
  }
  return {
    label,
    commitTime: time,
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
