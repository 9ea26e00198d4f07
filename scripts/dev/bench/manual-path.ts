/**
 * The manual path feedwright is measured against: what the original service ran for each
 * version, one after the other: `git archive` of the pinned source, `zip -X -r`, `sha256sum`
 * and `md5sum`. One shell script for the whole list, so nothing but those commands is timed.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CORPUS_SLUG, type CorpusRelease } from "./corpus.ts";
import { type Timed, timeCommand } from "./measure.ts";

const SCRIPT = `set -eu
repo="$1"; list="$2"; out="$3"; folder="$4"
while read -r version commit; do
  work="$out/$version"
  mkdir -p "$work/$folder"
  git -C "$repo" archive --format=tar "$commit:source/$folder" | tar -x -C "$work/$folder"
  (cd "$work" && zip -X -r -q "$folder-v$version.zip" "$folder")
  sha256sum "$work/$folder-v$version.zip" > "$work/$folder-v$version.zip.sha256"
  md5sum "$work/$folder-v$version.zip" > "$work/$folder-v$version.zip.md5"
done < "$list"
`;

/** Package `releases` the manual way from the repository at `repo`; the output is thrown away afterwards. */
export async function timeManualPath(repo: string, releases: CorpusRelease[]): Promise<Timed> {
  const scratch = mkdtempSync(path.join(tmpdir(), "feedwright-bench-manual-"));
  try {
    const list = path.join(scratch, "list");
    const script = path.join(scratch, "package.sh");
    writeFileSync(list, releases.map((release) => `${release.version} ${release.commit}\n`).join(""));
    writeFileSync(script, SCRIPT);
    const out = path.join(scratch, "out");
    const timed = await timeCommand("bash", [script, repo, list, out, CORPUS_SLUG], { cwd: scratch });
    if (timed.code !== 0) throw new Error(`the manual path failed: ${timed.stderr}`);
    return timed;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
