/**
 * `feedwright check [--base <ref>]`: everything validate does, plus the release rules against
 * the base of a pull request, and a preview of what sites will see.
 */
import { loadPlan, type ProjectPaths } from "./build.ts";
import { InputError } from "./core/errors.ts";
import { parseReleaseTree, type ReleaseTree } from "./core/parse-tree.ts";
import { type BuildPlan, compilePlan } from "./core/plan.ts";
import { type Problem, problemAt, START_OF_FILE } from "./core/problems.ts";
import { type Review, reviewChange } from "./core/review.ts";
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

export async function runCheck(paths: ProjectPaths, baseRef: string | null): Promise<CheckResult> {
  let head: Awaited<ReturnType<typeof loadPlan>>;
  try {
    head = await loadPlan(paths, { checkSources: true });
  } catch (error) {
    if (error instanceof InputError) return { problems: error.problems, review: null };
    throw error;
  }
  if (!baseRef) return { problems: [], review: null };
  const { git } = head;
  if (!git || !(await git.resolve(baseRef))) {
    const why = git ? "is not a revision in this clone (fetch it first)" : "needs a git repository";
    throw new InputError([problemAt("releases", START_OF_FILE, `--base ${baseRef} ${why}`)]);
  }
  const base: BuildPlan = compilePlan(parseReleaseTree(await loadReleaseTreeAt(git, baseRef)).plugins);
  return { problems: [], review: reviewChange(base, head.plan, head.locate) };
}
