/**
 * The pure front of the build: the text of every file under releases/ in, validated plugin
 * and release definitions out, with every problem in the tree (not just the first).
 */
import semver from "semver";
import { PLATFORMS, SLUG_PATTERN } from "../contract/index.ts";
import { checkGeeklogReleases, type GeeklogRelease } from "./geeklog.ts";
import { type FieldPath, parseYaml, validateYaml } from "./parse-yaml.ts";
import { ASSETS_FOLDER, checkAssetBytes, isAssetPath } from "./plugin-assets.ts";
import { compareText, type Position, type Problem, problemAt, START_OF_FILE } from "./problems.ts";
import { type PluginDefinition, pluginSchema, type ReleaseDefinition, releaseSchema, STATUS_RULES } from "./schema.ts";

export interface InputFile {
  /** Relative to the repository root, with forward slashes: releases/<slug>/<name>.yaml */
  path: string;
  /** The file's bytes as read (parseYaml checks their size and UTF-8), or text already decoded. */
  text: string | Uint8Array;
}

export interface ReleaseTree {
  /** Every folder directly under releases/, as releases/<name>. */
  pluginDirs: string[];
  files: InputFile[];
  /** What reading the tree refused (symlinks, special files), reported with the rest. */
  problems?: Problem[];
}

export interface Release {
  file: string;
  version: string;
  versionCode: number;
  definition: ReleaseDefinition;
  /** What a Geeklog plugin's release is (patch or upgrade, from what); null for other platforms. */
  geeklog: GeeklogRelease | null;
  locate(path: FieldPath, part?: "key" | "value"): Position;
}

/** An image of the plugin's assets/ folder that plugin.yaml names (icons, banners). */
export interface PluginAsset {
  /** As plugin.yaml names it and as it is published below plugins/<slug>/: assets/<name>. */
  path: string;
  bytes: Uint8Array;
}

export interface Plugin {
  dir: string;
  file: string;
  slug: string;
  definition: PluginDefinition;
  /** The images plugin.yaml names, checked, by path. */
  assets: PluginAsset[];
  /** Oldest first, by semver precedence. */
  releases: Release[];
  locate(path: FieldPath): Position;
}

export interface ParsedTree {
  plugins: Plugin[];
  problems: Problem[];
}

/**
 * What earlier runs found a release file's bytes to define (passed in by the I/O layer, which
 * keeps it authenticated beside the package cache): a file whose exact bytes validated before
 * is not parsed again, which is most of the time a run spends on a thousand unchanged files.
 * Its positions (for a message about it) are found by parsing it when first asked for.
 */
export interface ReleaseFileMemo {
  /** The definition these exact bytes validated to, if remembered. */
  recall(text: string | Uint8Array): ReleaseDefinition | undefined;
  /** These bytes validated to this definition, every check of the file passed. */
  remember(text: string | Uint8Array, definition: ReleaseDefinition): void;
}

/**
 * MAJOR*10000 + MINOR*100 + PATCH: the numeric version the service feedwright replaces
 * published (README, <version>.yaml), which sites running its plugin still read.
 */
export function versionCode(version: string): number {
  const parsed = semver.parse(version);
  if (!parsed) throw new Error(`not a semantic version: ${version}`);
  return parsed.major * 10000 + parsed.minor * 100 + parsed.patch;
}

export function parseReleaseTree(tree: ReleaseTree, memo: ReleaseFileMemo | null = null): ParsedTree {
  const problems: Problem[] = [...(tree.problems ?? [])];
  const plugins: Plugin[] = [];
  for (const dir of [...tree.pluginDirs].sort()) {
    const plugin = parsePluginDir(dir, tree.files, problems, memo);
    if (plugin) plugins.push(plugin);
  }
  return { plugins, problems };
}

function parsePluginDir(
  dir: string,
  allFiles: InputFile[],
  problems: Problem[],
  memo: ReleaseFileMemo | null,
): Plugin | null {
  const dirName = dir.slice(dir.lastIndexOf("/") + 1);
  const files = allFiles.filter((file) => file.path.startsWith(`${dir}/`));
  const pluginFile = `${dir}/plugin.yaml`;
  if (!SLUG_PATTERN.test(dirName)) {
    problems.push(
      problemAt(
        pluginFile,
        START_OF_FILE,
        `folder name "${dirName}" is not a safe slug: expected lower-case letters, digits and dashes, starting with a letter or digit`,
      ),
    );
  }
  const plugin = parsePluginFile(
    pluginFile,
    files.find((file) => file.path === pluginFile),
    dirName,
    problems,
  );
  const assetFiles = files.filter((file) => file.path.startsWith(`${dir}/${ASSETS_FOLDER}/`));
  const releases = parseReleaseFiles(
    dir,
    files.filter((file) => file.path !== pluginFile && !assetFiles.includes(file)),
    plugin?.definition.platform ??
      declaredPlatform(
        pluginFile,
        files.find((file) => file.path === pluginFile),
      ),
    problems,
    memo,
  );
  if (!plugin) return null;
  const assets = checkAssets(dir, pluginFile, plugin, assetFiles, problems);
  return {
    dir,
    file: pluginFile,
    slug: dirName,
    definition: plugin.definition,
    assets,
    releases,
    locate: plugin.locate,
  };
}

/**
 * The images plugin.yaml names from the plugin's assets/ folder: each must be there and be
 * what its name says (checkAssetBytes); a file there that nothing names is a problem too, so
 * a misspelt name is caught rather than an image silently left out.
 */
function checkAssets(
  dir: string,
  pluginFile: string,
  plugin: { definition: PluginDefinition; locate(path: FieldPath): Position },
  files: InputFile[],
  problems: Problem[],
): PluginAsset[] {
  const named = new Map<string, FieldPath>();
  const { icons, banners } = plugin.definition;
  for (const [field, images] of [
    ["icons", icons],
    ["banners", banners],
  ] as const) {
    for (const [key, value] of Object.entries(images ?? {})) {
      if (typeof value === "string" && isAssetPath(value) && !named.has(value)) named.set(value, [field, key]);
    }
  }
  const byPath = new Map(files.map((file) => [file.path.slice(dir.length + 1), file]));
  const assets: PluginAsset[] = [];
  for (const [assetPath, field] of [...named].sort(([a], [b]) => compareText(a, b))) {
    const file = byPath.get(assetPath);
    if (!file) {
      problems.push(
        problemAt(
          pluginFile,
          plugin.locate(field),
          `${field.join(".")}: ${dir}/${assetPath} does not exist (put the image there, or name another)`,
        ),
      );
      continue;
    }
    const bytes = typeof file.text === "string" ? new TextEncoder().encode(file.text) : file.text;
    const problem = checkAssetBytes(assetPath, bytes);
    if (problem) problems.push(problemAt(file.path, START_OF_FILE, `${assetPath} ${problem}`));
    else assets.push({ path: assetPath, bytes });
  }
  for (const [assetPath, file] of byPath) {
    if (named.has(assetPath)) continue;
    problems.push(
      problemAt(
        file.path,
        START_OF_FILE,
        isAssetPath(assetPath)
          ? "unused image: name it in plugin.yaml (icons or banners), or remove it"
          : `unexpected file: ${ASSETS_FOLDER}/ holds the images plugin.yaml names (.png, .jpg, .jpeg, .gif, .webp or .svg, no sub-folders)`,
      ),
    );
  }
  return assets;
}

/**
 * The platform plugin.yaml names when it is not valid as a whole (its problems are reported
 * already): its releases are still checked by their platform's rules, so a Geeklog patch is not
 * also reported as a duplicate of its version. Null when it names none of the platforms.
 */
function declaredPlatform(pluginFile: string, input: InputFile | undefined): string | null {
  if (!input) return null;
  const value = parseYaml(pluginFile, input.text).value as { platform?: unknown } | null | undefined;
  const platform = typeof value === "object" && value !== null ? value.platform : undefined;
  return typeof platform === "string" && (PLATFORMS as readonly string[]).includes(platform) ? platform : null;
}

/** plugin.yaml, whose slug must be the folder's name. */
function parsePluginFile(
  pluginFile: string,
  input: InputFile | undefined,
  dirName: string,
  problems: Problem[],
): { definition: PluginDefinition; locate(path: FieldPath): Position } | null {
  if (!input) {
    problems.push(
      problemAt(pluginFile, START_OF_FILE, "missing file: every folder under releases/ needs a plugin.yaml"),
    );
    return null;
  }
  const parsed = parseYaml(pluginFile, input.text);
  const validated = validateYaml(pluginFile, parsed, pluginSchema);
  problems.push(...validated.problems);
  const definition = validated.data;
  if (!definition) return null;
  // An unsafe folder name is already reported; asking for the slug to match it would not help.
  if (SLUG_PATTERN.test(dirName) && definition.slug !== dirName) {
    problems.push(
      problemAt(
        pluginFile,
        parsed.locate(["slug"]),
        `slug: expected "${dirName}" (the folder name), found "${definition.slug}"`,
      ),
    );
  }
  return { definition, locate: parsed.locate };
}

/**
 * Every <version>.yaml beside plugin.yaml, oldest first; anything else in the folder is a
 * problem. `platform` is plugin.yaml's (null when it is not valid: its own rules then wait).
 */
function parseReleaseFiles(
  dir: string,
  files: InputFile[],
  platform: string | null,
  problems: Problem[],
  memo: ReleaseFileMemo | null,
): Release[] {
  const releases: Release[] = [];
  for (const file of files) {
    const name = file.path.slice(dir.length + 1);
    if (name.includes("/") || !name.endsWith(".yaml")) {
      problems.push(
        problemAt(
          file.path,
          START_OF_FILE,
          "unexpected file: a plugin folder holds plugin.yaml and <version>.yaml files",
        ),
      );
      continue;
    }
    const release = parseReleaseFile(file, name.slice(0, -".yaml".length), platform, problems, memo);
    if (release) releases.push(release);
  }
  // A Geeklog patch is its version with an update number (1.1.0+update.1): the Geeklog rules
  // say which releases may share a version. Build metadata orders them (compareBuild).
  if (platform !== "geeklog") checkUniqueVersions(releases, problems);
  releases.sort((a, b) => semver.compareBuild(a.version, b.version));
  if (platform === null) return releases;
  const geeklog = checkGeeklogReleases(platform, releases, problems);
  return releases.flatMap((release) => {
    if (platform !== "geeklog") return [release];
    const derived = geeklog.get(release.version);
    return derived ? [{ ...release, geeklog: derived }] : [];
  });
}

function parseReleaseFile(
  file: InputFile,
  fileVersion: string,
  platform: string | null,
  problems: Problem[],
  memo: ReleaseFileMemo | null,
): Release | null {
  let parsedOnce: ReturnType<typeof parseYaml> | null = null;
  const parse = () => {
    parsedOnce ??= parseYaml(file.path, file.text);
    return parsedOnce;
  };
  const at = (path: FieldPath, part?: "key" | "value") => parse().locate(path, part);
  const report = (path: FieldPath, message: string, part?: "key" | "value") =>
    problems.push(problemAt(file.path, at(path, part), message));
  // A Geeklog release has no rollout at all: checkGeeklogReleases refuses the guard there.
  const reportGuard = (release: GuardFields) => {
    const problem = platform === "geeklog" ? null : guardProblemOf(release);
    if (problem) report(["guard"], problem, "key");
  };
  const recalled = memo?.recall(file.text);
  let definition = recalled;
  if (!definition) {
    const validated = validateYaml(file.path, parse(), releaseSchema);
    problems.push(...validated.problems);
    if (!validated.data) {
      // Read from the fields as written, beside the schema's problems: every problem in one run.
      const value = parse().value;
      if (typeof value === "object" && value !== null) reportGuard(value);
      return null;
    }
    definition = validated.data;
  }
  const before = problems.length;

  const { version, status } = definition;
  if (version !== fileVersion) {
    report(["version"], `version: expected "${fileVersion}" (the file name), found "${version}"`);
  }
  const parsedVersion = semver.parse(version);
  if (!parsedVersion || formatWithBuild(parsedVersion) !== version) {
    report(["version"], `version: expected a semantic version like 1.2.3 or 1.3.0-beta.1, found "${version}"`);
  } else {
    const { minor, patch } = parsedVersion;
    if (minor > 99 || patch > 99) {
      report(
        ["version"],
        `version: minor and patch must be at most 99 (version_code = MAJOR*10000 + MINOR*100 + PATCH would collide), found "${version}"`,
      );
    }
  }
  const rules = STATUS_RULES[status];
  if (rules.needsReleaseDate && !definition.released_at) {
    report(["status"], `released_at: required when status is ${status} (expected an ISO 8601 time), found nothing`);
  }
  if (rules.offered && definition.changelog.trim() === "") {
    report(
      ["changelog"],
      `changelog: expected a non-empty text for a release offered to sites (status ${status}), found nothing`,
    );
  }
  if (rules.needsReleaseDate && !definition.source) {
    report(
      ["status"],
      `source: required when status is ${status} (expected the git commit that holds this release's source), found nothing`,
    );
  }
  if (definition.deprecation_reason !== undefined && status !== "deprecated") {
    report(
      ["deprecation_reason"],
      `deprecation_reason: only meaningful when status is deprecated, found status ${status}`,
    );
  }
  reportGuard(definition);
  if (problems.length > before) return null;
  if (!recalled) memo?.remember(file.text, definition);
  // A thousand parsed documents are held for nothing: a message that needs a position parses again.
  parsedOnce = null;
  return { file: file.path, version, versionCode: versionCode(version), definition, geeklog: null, locate: at };
}

/**
 * Why a release's rollout guard can never act, or null: the Worker halts a release only while
 * it is rolled out to part of the sites, and a withdrawn release is offered to none (a status
 * never moves back from deprecated). A draft may carry one: it acts once the draft is offered.
 */
function guardProblemOf(release: GuardFields): string | null {
  if (release.guard === undefined) return null;
  if (release.status === "deprecated") {
    return "guard: not on a deprecated release: no site is offered it, so there is no rollout to halt (remove the guard)";
  }
  // Below 100, or a value the schema refuses already.
  if (release.rollout !== undefined && release.rollout !== 100) return null;
  return `guard: only with rollout below 100 (a guard halts a release before it reaches every site), found ${
    release.rollout === undefined ? "no rollout (every site)" : "rollout 100"
  }`;
}

/** What the guard's rule reads of a release: its definition, or the fields as written when the schema refused some. */
interface GuardFields {
  status?: unknown;
  rollout?: unknown;
  guard?: unknown;
}

/**
 * The version as semver writes it, build metadata included: equal to the text only when the
 * text is a strict semantic version (no "v" or "=" prefix, no spaces). semver.valid() drops
 * build metadata, so it would reject 1.0.0+build.1.
 */
function formatWithBuild(version: semver.SemVer): string {
  return version.build.length > 0 ? `${version.version}+${version.build.join(".")}` : version.version;
}

function checkUniqueVersions(releases: Release[], problems: Problem[]): void {
  // Build metadata does not count for precedence: 1.0.0 and 1.0.0+b2 are the same release to WordPress.
  const byKey = new Map<string, Release[]>();
  for (const release of releases) {
    const key = semver.parse(release.version)?.format() ?? release.version;
    byKey.set(key, [...(byKey.get(key) ?? []), release]);
  }
  // Reported in every file of the group: which one is the mistake is for a person to decide.
  for (const [key, group] of byKey) {
    if (group.length < 2) continue;
    for (const release of group) {
      const others = group.filter((other) => other !== release).map((other) => other.file);
      problems.push(
        problemAt(
          release.file,
          release.locate(["version"]),
          `version: duplicate of ${others.join(", ")} (${group.length === 2 ? "both" : "all"} are ${key} to a site comparing versions)`,
        ),
      );
    }
  }
}
