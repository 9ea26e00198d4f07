/**
 * `feedwright check [--base <ref>]`: everything validate does, plus the release rules against
 * the base of a pull request, and a preview of what sites will see.
 *
 * With a base, the sources and recorded packages checked are those the change can have
 * touched (see touchedReleases): what a pull request adds costs its own packages, not the
 * history's. Every release is checked when anything outside releases/ and source/ differs
 * from the base (feedwright itself, its lockfile, the Node pin: whatever could change a
 * package's bytes), when the base's releases do not parse, and without a base.
 */
import { checkPlanSources, type ProjectPaths, readPlan } from "./build.ts";
import { InputError } from "./core/errors.ts";
import { parseReleaseTree, type ReleaseTree } from "./core/parse-tree.ts";
import { compilePlan } from "./core/plan.ts";
import { type Problem, problemAt, START_OF_FILE } from "./core/problems.ts";
import { type Review, reviewChange, touchedReleases } from "./core/review.ts";
import type { SigningKey } from "./core/signing.ts";
import { RunReleaseFileMemo } from "./io/release-file-memo.ts";
import type { GitRepository } from "./io/source-reader.ts";

export interface CheckResult {
  problems: Problem[];
  review: Review | null;
}

/** The release tree as it was at a git revision. */
export async function loadReleaseTreeAt(git: GitRepository, revision: string): Promise<ReleaseTree> {
  const entries = await git.listTree(revision, "releases");
  const blobs = await git.readBlobs(entries.map((entry) => entry.id));
  const files = entries
    .filter((entry) => entry.path.includes("/"))
    // Bytes, not text: the base is read with the same UTF-8 and size checks as the head.
    .map((entry) => ({ path: `releases/${entry.path}`, text: blobs.get(entry.id) ?? new Uint8Array() }));
  const pluginDirs = [...new Set(files.map((file) => file.path.split("/").slice(0, 2).join("/")))];
  return { pluginDirs, files };
}

/** Changes here cannot alter a pinned release's package: its YAML is compared release by release, its source is pinned by commit. */
const RELEASE_INPUTS = /^(releases|source)\//;

export async function runCheck(
  paths: ProjectPaths,
  baseRef: string | null,
  { cacheSigner = null }: { cacheSigner?: SigningKey | null } = {},
): Promise<CheckResult> {
  const { problems, memo, ...head } = await readPlan(paths, { cacheSigner, memo: new RunReleaseFileMemo() });
  const { git } = head;
  try {
    const baseCommit = baseRef && git ? await git.resolve(baseRef) : null;
    // The base's files that are the head's bytes are not parsed twice.
    const baseTree = baseCommit && git ? parseReleaseTree(await loadReleaseTreeAt(git, baseCommit), memo) : null;
    const base = baseTree ? compilePlan(baseTree.plugins) : null;
    const narrow =
      problems.length === 0 &&
      base !== null &&
      baseTree?.problems.length === 0 &&
      git !== null &&
      baseCommit !== null &&
      !(await changedOutsideReleaseInputs(git, baseCommit));
    problems.push(
      ...(await checkPlanSources(paths, head, {
        cacheSigner,
        ...(narrow && base ? { only: touchedReleases(base) } : {}),
      })),
    );
    if (problems.length > 0) return { problems, review: null };
    if (!baseRef) return { problems: [], review: null };
    if (!base) {
      const why = git ? "is not a revision in this clone (fetch it first)" : "needs a git repository";
      throw new InputError([problemAt("releases", START_OF_FILE, `--base ${baseRef} ${why}`)]);
    }
    return { problems: [], review: reviewChange(base, head.plan, head.locate) };
  } finally {
    git?.close();
  }
}

/** Whether any file outside releases/ and source/ differs between `commit` and the work tree, untracked files included. */
async function changedOutsideReleaseInputs(git: GitRepository, commit: string): Promise<boolean> {
  const changed = await git.changedPaths(commit);
  return changed.some((file) => !RELEASE_INPUTS.test(file));
}
