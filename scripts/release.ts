/**
 * Commands that write release YAML for you: `release` starts a version, `promote` moves it
 * along the lifecycle (pinning its source and recording its package on the way), and
 * `rollforward` starts the next patch from a good version's code. Each edits the YAML in place,
 * keeping comments, and leaves nothing half-written when it refuses.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import semver from "semver";
import { parseDocument } from "yaml";
import { loadPlan, runBuild } from "./build.ts";
import { pluginFilePath, RELEASES_FILE, type ReleasesDocument, STATUSES, type Status } from "./contract/index.ts";
import { InputError, ReleaseError, UsageError } from "./core/errors.ts";
import { stampVersionInBytes } from "./core/packaging.ts";
import { parseYaml } from "./core/parse-yaml.ts";
import type { PluginPlan } from "./core/plan.ts";
import { STATUS_ORDER, STATUS_RULES, TEXT_LIMITS } from "./core/schema.ts";
import type { SigningKey } from "./core/signing.ts";
import { GitRepository } from "./io/source-reader.ts";
import { readUpdaterVersions } from "./io/updater-versions.ts";

const run = promisify(execFile);

export const CHANGELOG_PLACEHOLDER = "- Describe what changed for the people who run this plugin.";

async function pluginOf(repoRoot: string, slug: string): Promise<PluginPlan> {
  const { plan } = await loadPlan({ repoRoot }, { checkSources: false });
  const plugin = plan.plugins.find((candidate) => candidate.slug === slug);
  if (!plugin) throw new ReleaseError(`no plugin "${slug}" in ${path.join(repoRoot, "releases")}`);
  return plugin;
}

function releaseFile(repoRoot: string, slug: string, version: string): string {
  return path.join(repoRoot, "releases", slug, `${version}.yaml`);
}

/** Write the version into the plugin's main file in the working tree (header and constant). */
async function stampSource(repoRoot: string, plugin: PluginPlan, version: string): Promise<string | null> {
  const { platform, main_file: mainFileName, version_constant: versionConstant } = plugin.definition;
  if (platform !== "wordpress" || !mainFileName || !versionConstant) return null;
  const mainFile = path.join(repoRoot, "source", plugin.slug, mainFileName);
  const bytes = await readFile(mainFile).catch(() => {
    throw new ReleaseError(`${path.relative(repoRoot, mainFile)} does not exist`);
  });
  // Bytes, not text: only the version may change in a file that is not UTF-8 (Latin-1, say).
  const stamped = stampVersionInBytes(bytes, version, versionConstant);
  if (stamped.problems.length > 0)
    throw new ReleaseError(`${path.relative(repoRoot, mainFile)} ${stamped.problems.join("; ")}`);
  await writeFile(mainFile, stamped.bytes);
  return path.relative(repoRoot, mainFile);
}

/** A Geeklog release's kind, as its draft says it: a patch has the update number in its version. */
type GeeklogDraft = { kind: "upgrade" } | { kind: "patch"; update: number };

function draftYaml(version: string, changelog: string, geeklog: GeeklogDraft | null = null): string {
  return [
    "# yaml-language-server: $schema=../release.schema.json",
    `version: ${version}`,
    "status: draft",
    "changelog: |",
    ...changelog.split("\n").map((line) => `  ${line}`),
    ...(geeklog === null
      ? []
      : geeklog.kind === "patch"
        ? [
            "# Geeklog: the same version, the next update number (the plugins table's pi_update_count).",
            "geeklog:",
            "  kind: patch",
            `  update: ${geeklog.update}`,
            "  # SQL the client runs (a table as {$_TABLES['key']}) and the $_TABLES keys it backs up first.",
            "  sql: []",
            "  backup_tables: []",
          ]
        : [
            "# Geeklog: a new version, offered to sites on the release before it.",
            "geeklog:",
            "  kind: upgrade",
            "  # SQL the client runs (a table as {$_TABLES['key']}) and the $_TABLES keys it backs up first.",
            "  sql: []",
            "  backup_tables: []",
          ]),
    "",
  ].join("\n");
}

/**
 * The version a release may be started at: a semantic version, and for a Geeklog plugin also
 * `<version>+update.<n>` (a patch: the same version with an update number).
 */
function readNewVersion(plugin: PluginPlan, version: string): GeeklogDraft | null {
  const geeklog = plugin.definition.platform === "geeklog";
  const patch = geeklog ? /^([^+]+)\+update\.([1-9][0-9]{0,8})$/.exec(version) : null;
  const plain = patch?.[1] ?? version;
  if (semver.valid(plain) !== plain)
    throw new ReleaseError(
      `"${version}" is not a semantic version like 1.2.3${geeklog ? " (or 1.2.3+update.1 for a Geeklog patch)" : ""}`,
    );
  if (!geeklog) return null;
  return patch ? { kind: "patch", update: Number(patch[2]) } : { kind: "upgrade" };
}

export async function startRelease(repoRoot: string, slug: string, version: string): Promise<string[]> {
  const plugin = await pluginOf(repoRoot, slug);
  const geeklog = readNewVersion(plugin, version);
  // A Geeklog patch shares its version's precedence (1.1.0+update.1 is 1.1.0): compare the text.
  const same = (other: string) => (geeklog ? other === version : semver.eq(other, version));
  if (plugin.releases.some((release) => same(release.version))) {
    throw new ReleaseError(`${slug} ${version} already exists (releases/${slug}/${version}.yaml)`);
  }
  const file = releaseFile(repoRoot, slug, version);
  const stamped = await stampSource(repoRoot, plugin, version);
  await writeFile(file, draftYaml(version, CHANGELOG_PLACEHOLDER, geeklog), { flag: "wx" });
  const latest = plugin.latest.stable;
  return [
    `wrote ${path.relative(repoRoot, file)} (draft)${stamped ? ` and the version into ${stamped}` : ""}`,
    ...(latest && semver.lt(version, latest) ? [`warning: ${version} is lower than the latest stable ${latest}`] : []),
    "next: write the changelog, commit the source and the YAML, then",
    `  feedwright promote ${slug} ${version} testing   (or released / update_ready)`,
  ];
}

export async function promoteRelease(input: {
  repoRoot: string;
  slug: string;
  version: string;
  status: string;
  /** deprecation_reason, only with deprecated: what sites still on the release are told. */
  reason?: string | null;
  now: Date;
  keys: SigningKey[];
}): Promise<string[]> {
  const { repoRoot, slug, version } = input;
  if (!(STATUSES as readonly string[]).includes(input.status)) {
    throw new ReleaseError(`"${input.status}" is not a status: expected one of ${STATUSES.join(", ")}`);
  }
  const target = input.status as Status;
  const reason = input.reason === undefined || input.reason === null ? null : checkReason(input.reason, target);
  const file = releaseFile(repoRoot, slug, version);
  const { bytes, document, current } = await readReleaseToPromote(repoRoot, file, slug, version);
  const done: string[] = [];
  const reasonLine = target === "deprecated" ? applyDeprecationReason(document, reason, slug, version) : null;
  if (reasonLine) done.push(reasonLine);
  checkPromotion({ repoRoot, file, slug, version, document, reasonChanged: reasonLine !== null }, current, target);
  // The build refuses a guard on a withdrawn release (it has no rollout left to halt): deprecating
  // one whose guard tripped is one command, not a command and an edit.
  if (target === "deprecated" && document.has("guard")) {
    document.delete("guard");
    done.push("guard removed: no site is offered a deprecated release, so there is no rollout to halt");
  }
  if (STATUS_RULES[target].built && !document.get("source"))
    done.push(await pinSourceToHead(repoRoot, slug, version, document));
  document.set("status", target);
  if (STATUS_RULES[target].needsReleaseDate && !document.get("released_at")) {
    const stamp = input.now.toISOString().replace(/\.\d{3}Z$/, "Z");
    document.set("released_at", stamp);
    done.push(`released_at ${stamp}`);
  }
  await writeFile(file, document.toString());
  try {
    if (STATUS_RULES[target].built && !document.get("sha256")) {
      done.push(...(await recordPackage(repoRoot, file, slug, version, document, input.keys)));
    } else {
      await loadPlan({ repoRoot }, { checkSources: true });
    }
  } catch (error) {
    await writeFile(file, bytes); // nothing half-written: the bytes as they were
    throw error;
  }
  const headline = current === target ? `still ${current}` : `${current} → ${target}`;
  return [`${slug} ${version}: ${headline}`, ...done.map((line) => `  ${line}`)];
}

/**
 * The text of `--reason`, checked before anything is written: only with deprecated, not
 * empty, within the limit the schema puts on deprecation_reason, and no control characters
 * (a line break is fine).
 */
function checkReason(text: string, target: Status): string {
  if (target !== "deprecated") {
    throw new UsageError(
      `--reason: only with deprecated (it is the deprecation_reason sites on a withdrawn release are told), not with ${target}`,
    );
  }
  const reason = text.trim();
  if (reason === "")
    throw new UsageError("--reason: expected a text saying why the release is withdrawn, found nothing");
  if (reason.length > TEXT_LIMITS.notice) {
    throw new UsageError(`--reason: expected at most ${TEXT_LIMITS.notice} characters, found ${reason.length}`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  const control = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.exec(reason);
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    throw new UsageError(`--reason: expected text without control characters, found U+${code}`);
  }
  return reason;
}

type ReleaseDocument = ReturnType<typeof parseDocument>;

/**
 * Sites still on a withdrawn release are told its deprecation_reason; an empty one tells them
 * nothing, so deprecating needs one (given, or already in the YAML). Returns the line saying
 * what was recorded, or null when the YAML's reason stays.
 */
function applyDeprecationReason(
  document: ReleaseDocument,
  reason: string | null,
  slug: string,
  version: string,
): string | null {
  const recorded = document.get("deprecation_reason");
  if (reason === null && (typeof recorded !== "string" || recorded.trim() === "")) {
    throw new ReleaseError(
      `say why ${version} is withdrawn, for the sites still on it: feedwright promote ${slug} ${version} deprecated --reason "<why>"`,
    );
  }
  if (reason === null || reason === recorded) return null;
  document.set("deprecation_reason", reason);
  return `deprecation_reason ${JSON.stringify(reason.length > 60 ? `${reason.slice(0, 57)}...` : reason)}`;
}

/** The release file's bytes (to put back on failure), its YAML document, and its status, checked. */
async function readReleaseToPromote(
  repoRoot: string,
  file: string,
  slug: string,
  version: string,
): Promise<{ bytes: Buffer; document: ReleaseDocument; current: Status }> {
  const bytes = await readFile(file).catch(() => {
    throw new ReleaseError(`no release ${version} of ${slug}: run feedwright release ${slug} ${version} first`);
  });
  // The same checks as the build (UTF-8, size, tags, ...) before anything is rewritten: a
  // lenient decode would turn a bad byte into U+FFFD and write it back.
  const checked = parseYaml(path.relative(repoRoot, file), bytes);
  if (checked.problems.length > 0) throw new InputError(checked.problems);
  const document = parseDocument(new TextDecoder().decode(bytes));
  // Checked before STATUS_ORDER[current]: a status such as "constructor" or "__proto__" would
  // otherwise find a member of Object.prototype there and skip the forward-only rule.
  const current = String(document.get("status"));
  if (!(STATUSES as readonly string[]).includes(current)) {
    throw new ReleaseError(
      `${path.relative(repoRoot, file)}: status "${current}" is not a status: expected one of ${STATUSES.join(", ")}`,
    );
  }
  return { bytes, document, current: current as Status };
}

/** A status only moves forward (or to deprecated), and nothing is offered to sites without a changelog. */
function checkPromotion(
  release: {
    repoRoot: string;
    file: string;
    slug: string;
    version: string;
    document: ReleaseDocument;
    /** `--reason` gave a deprecated release a new reason: a change, though the status stays. */
    reasonChanged: boolean;
  },
  current: Status,
  target: Status,
): void {
  const { slug, version } = release;
  if (target === current && !(current === "deprecated" && release.reasonChanged))
    throw new ReleaseError(`${slug} ${version} is already ${current}`);
  if (target !== "deprecated" && STATUS_ORDER[target] < STATUS_ORDER[current]) {
    throw new ReleaseError(
      `${slug} ${version} is ${current}: a status only moves forward (or to deprecated), not back to ${target}`,
    );
  }
  const changelog = String(release.document.get("changelog") ?? "");
  if (STATUS_RULES[target].offered && (changelog.trim() === "" || changelog.includes(CHANGELOG_PLACEHOLDER))) {
    throw new ReleaseError(
      `write the changelog in ${path.relative(release.repoRoot, release.file)} before offering ${version} to sites`,
    );
  }
}

/** Pins the release's source to HEAD, refusing uncommitted source: a built release is built from a commit. */
async function pinSourceToHead(
  repoRoot: string,
  slug: string,
  version: string,
  document: ReleaseDocument,
): Promise<string> {
  const git = new GitRepository(repoRoot);
  const folder = `source/${slug}`;
  if (await git.isDirty(folder)) {
    throw new ReleaseError(
      `${folder}/ has uncommitted changes: commit the source of ${version} first, so the release can pin it`,
    );
  }
  const head = await git.headCommit();
  if (!head) throw new ReleaseError("this repository has no commit to pin");
  document.set("source", head);
  return `pinned the source to ${head.slice(0, 12)} (HEAD)`;
}

/** Records the package's sha256, and the updater version it carries, by building it. */
async function recordPackage(
  repoRoot: string,
  file: string,
  slug: string,
  version: string,
  document: ReleaseDocument,
  keys: SigningKey[],
): Promise<string[]> {
  // The updater version goes in first, so the package whose sha256 is recorded is built with it.
  const updaterVersion = await pinUpdaterVersion(repoRoot, slug, document);
  if (updaterVersion !== null) await writeFile(file, document.toString());
  const sha256 = await packageChecksum(repoRoot, slug, version, keys);
  document.set("sha256", sha256);
  await writeFile(file, document.toString());
  return [
    `recorded the package's sha256 ${sha256.slice(0, 16)}…`,
    ...(updaterVersion !== null ? [`recorded updater_version ${updaterVersion} (the updater it carries)`] : []),
  ];
}

/**
 * Records in the release the updater version its package is built with (the newest this
 * feedwright ships) when the plugin has an updater and the release names none yet: with the
 * sha256, it keeps the package's bytes when feedwright's updater changes later.
 */
async function pinUpdaterVersion(repoRoot: string, slug: string, document: ReleaseDocument): Promise<number | null> {
  if (document.get("updater_version") !== undefined) return null;
  const pluginYaml = parseDocument(await readFile(path.join(repoRoot, "releases", slug, "plugin.yaml"), "utf8"));
  if (!pluginYaml.get("updater_path")) return null;
  const newest = Math.max(...readUpdaterVersions().map((candidate) => candidate.version));
  document.set("updater_version", newest);
  return newest;
}

/** Build into a scratch folder and read the package's checksum from releases.json. */
async function packageChecksum(repoRoot: string, slug: string, version: string, keys: SigningKey[]): Promise<string> {
  const out = await mkdtemp(path.join(tmpdir(), "feedwright-promote-"));
  try {
    await runBuild({ repoRoot, outDir: path.join(out, "dist"), keys });
    const releasesPath = path.join(out, "dist", pluginFilePath(slug, RELEASES_FILE));
    const releases = JSON.parse(await readFile(releasesPath, "utf8")) as ReleasesDocument;
    const sha256 = releases.releases.find((release) => release.version === version)?.sha256;
    if (!sha256) throw new ReleaseError(`${version} was not packaged (is it beyond retention?)`);
    return sha256;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/**
 * The next patch release, made from a good version's pinned source: for sites that already
 * took a bad release (WordPress never downgrades, so going back means going forward).
 */
export async function rollForward(repoRoot: string, slug: string, goodVersion: string): Promise<string[]> {
  const plugin = await pluginOf(repoRoot, slug);
  const good = plugin.releases.find((release) => release.version === goodVersion);
  if (!good) throw new ReleaseError(`no release ${goodVersion} of ${slug}`);
  if (good.source.kind !== "git") throw new ReleaseError(`${slug} ${goodVersion} pins no source to roll forward from`);
  const newest = plugin.releases.map((release) => release.version).sort(semver.rcompare)[0] ?? goodVersion;
  const next = semver.inc(newest, "patch");
  if (!next) throw new ReleaseError(`cannot compute the patch after ${newest}`);
  const folder = `source/${slug}`;
  const git = new GitRepository(repoRoot);
  if (await git.isDirty(folder))
    throw new ReleaseError(`${folder}/ has uncommitted changes: commit or stash them first`);
  // The good version's tree replaces the current one, files it did not have included.
  await run("git", ["rm", "-r", "-q", "--", folder], { cwd: repoRoot });
  await run("git", ["checkout", good.source.revision, "--", folder], { cwd: repoRoot });
  await stampSource(repoRoot, plugin, next);
  const file = releaseFile(repoRoot, slug, next);
  await writeFile(
    file,
    draftYaml(
      next,
      `- Returns to the code of ${goodVersion}: the changes after it are withdrawn.`,
      plugin.definition.platform === "geeklog" ? { kind: "upgrade" } : null,
    ),
    { flag: "wx" },
  );
  return [
    `${folder}/ now holds the code of ${goodVersion} (from ${good.source.revision.slice(0, 12)}), stamped ${next}`,
    `wrote ${path.relative(repoRoot, file)} (draft)`,
    "next: commit, then",
    `  feedwright promote ${slug} ${next} update_ready    (sites on the bad release get ${next} automatically)`,
  ];
}
