/**
 * The PHP updater every package of a plugin with `updater_path` carries: rendered from one of
 * the shipped updater versions (site/updater/<N>/, read by scripts/io/updater-versions.ts) with
 * values from plugin.yaml only (never from the key the build signs with, which differs per
 * machine), so a package stays a pure function of the repository and the updater version its
 * release records. What renders a shipped version must not change either: a released package
 * would then change bytes (its recorded sha256 catches it).
 */
import Handlebars from "handlebars";
import { updaterConstants } from "../contract/index.ts";
import type { PluginPlan, ReleasePlan } from "./plan.ts";
import type { PublicKey } from "./signing.ts";

/** Compiled templates by their text: the versions are read by the caller (scripts/io/updater-versions.ts). */
const compiled = new Map<string, Handlebars.TemplateDelegate>();

/**
 * A PHP string literal holding exactly `value`. Printable ASCII goes in a single-quoted
 * literal, where only the backslash and the quote are special; anything else (newlines, NUL,
 * non-ASCII) in a double-quoted one with every such byte, and `\`, `"` and `$`, as `\xHH`,
 * so the source stays plain ASCII and nothing in it is interpolated.
 */
export function phpString(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const safe = byte >= 0x20 && byte <= 0x7e && byte !== 0x5c && byte !== 0x22 && byte !== 0x24;
    out += safe ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return `"${out}"`;
}

/**
 * Text for inside a PHP comment: every byte outside a small set percent-encoded, so neither
 * a comment end (star, slash), `?>` (leaves PHP mode, even from a `//` comment) nor a line
 * break can appear. A URL stays readable.
 */
export function phpComment(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const char = String.fromCharCode(byte);
    out +=
      /^[A-Za-z0-9 ._~:/#@!$&'()+,;=%[\]-]$/.test(char) && byte < 0x80
        ? char
        : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** A PHP class name: refused (not encoded) when it is anything but a plain identifier. */
export function phpIdentifier(value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw new Error(`updater template: ${JSON.stringify(value)} is not a PHP identifier`);
  }
  return value;
}

/** A PHP integer literal: refused (not encoded) when it is anything but a whole number. */
export function phpInteger(value: string): string {
  if (!/^(0|[1-9][0-9]{0,14})$/.test(value)) {
    throw new Error(`updater template: ${JSON.stringify(value)} is not a whole number`);
  }
  return value;
}

/** The only ways a value may enter the updater: one helper per PHP context. */
const CONTEXT_HELPERS: Record<string, (value: string) => string> = {
  php: phpString,
  int: phpInteger,
  comment: phpComment,
  identifier: phpIdentifier,
};

/**
 * Refuses a template that writes any value other than through a context helper: a plain
 * `{{value}}` or `{{{value}}}`, a helper fed a subexpression or a literal, partials, and any
 * block but `{{#each list}}`. A new line in the template cannot then forget the encoding.
 */
export function checkUpdaterTemplate(text: string): void {
  type Node = {
    type: string;
    loc?: { start: { line: number; column: number } };
    path?: { type: string; original?: unknown };
    params?: Node[];
    hash?: unknown;
    escaped?: boolean;
    program?: { body: Node[] } | null;
    inverse?: { body: Node[] } | null;
    original?: unknown;
  };
  const refuse = (node: Node, why: string): never => {
    const at = node.loc ? `line ${node.loc.start.line}:${node.loc.start.column + 1}` : "somewhere";
    throw new Error(`updater template, ${at}: ${why}`);
  };
  const walk = (body: Node[]) => {
    for (const node of body) {
      if (node.type === "ContentStatement" || node.type === "CommentStatement") continue;
      const name = node.path?.type === "PathExpression" ? String(node.path.original) : "";
      const params = node.params ?? [];
      const param = params[0];
      if (node.type === "MustacheStatement") {
        if (!Object.hasOwn(CONTEXT_HELPERS, name) || params.length !== 1) {
          refuse(
            node,
            `"${[name, ...params.map((p) => String(p.original))].join(" ")}" is not rendered through a context helper (${Object.keys(CONTEXT_HELPERS).join(", ")})`,
          );
        }
        if (param?.type !== "PathExpression")
          refuse(node, `${name} takes a value, not a ${param?.type === "SubExpression" ? "subexpression" : "literal"}`);
        if (node.escaped !== true || node.hash) refuse(node, `${name} must be used as {{${name} value}}`);
        continue;
      }
      if (
        node.type === "BlockStatement" &&
        name === "each" &&
        params.length === 1 &&
        param?.type === "PathExpression" &&
        !node.hash
      ) {
        walk(node.program?.body ?? []);
        walk(node.inverse?.body ?? []);
        continue;
      }
      refuse(node, `${node.type} "${name}" is not allowed in the updater template`);
    }
  };
  walk((Handlebars.parse(text) as unknown as { body: Node[] }).body);
}

function compileTemplate(text: string): Handlebars.TemplateDelegate {
  let template = compiled.get(text);
  if (!template) {
    checkUpdaterTemplate(text);
    const handlebars = Handlebars.create();
    for (const [name, helper] of Object.entries(CONTEXT_HELPERS)) {
      handlebars.registerHelper(name, (value: unknown) => helper(String(value)));
    }
    template = handlebars.compile(text, { noEscape: true, strict: true });
    compiled.set(text, template);
  }
  return template;
}

/** `igny8-wp-bridge` → `Igny8_Wp_Bridge`: the part of the PHP names that keeps two plugins apart. */
export function phpNamePart(slug: string): string {
  return slug
    .split("-")
    .filter((part) => part !== "")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("_");
}

/** One shipped updater version: the files of site/updater/<version>/, by path inside it. */
export interface UpdaterVersion {
  version: number;
  files: { path: string; text: string }[];
}

/**
 * The file of a version folder that is rendered to `updater_path` (the main file requires it);
 * the only templated file. Every other file is real PHP, copied into the updater's folder (see
 * updaterFolder) with its namespace line made the plugin's own (see SOURCE_NAMESPACE).
 */
export const UPDATER_ENTRY = "feedwright-updater.php.hbs";

/**
 * The namespace line every PHP file of a version folder but the entry carries, exactly once:
 * in the package it becomes `namespace Feedwright_Updater_<Slug>;` (version 1's class name, valid
 * for any slug, a leading digit included), so two plugins on one site each load their own
 * classes, and the files themselves stay PHP that php -l and phpcs read.
 */
export const SOURCE_NAMESPACE = "namespace Feedwright_Updater_Source;";

/**
 * Where the updater's other files go in the package: a folder beside `updater_path`, named
 * after it without ".php" (includes/feedwright-updater.php → includes/feedwright-updater/).
 */
export function updaterFolder(updaterPath: string): string {
  return updaterPath.replace(/\.php$/, "");
}

export interface RenderedUpdater {
  /** The updater version it was rendered from. */
  version: number;
  /** Path inside the plugin folder of the file the main file requires (plugin.yaml's updater_path). */
  path: string;
  /** Every file of the updater, that one first, by path inside the plugin folder. */
  files: { path: string; content: Buffer }[];
  /** The PHP name that carries the slug: version 1's class, later versions' namespace. */
  className: string;
}

/**
 * The updater version a release is built with, or why it cannot be built: the version it
 * records (`updater_version`), else the newest. A release whose sha256 is recorded must record
 * its updater version too, so a newer feedwright can never slip a new updater into it.
 */
export function selectUpdaterVersion(
  plugin: PluginPlan,
  release: ReleasePlan,
  available: readonly number[],
): { version: number | null } | { problem: string } {
  const recorded = release.definition.updater_version;
  if (!plugin.definition.updater_path) {
    if (recorded === undefined) return { version: null };
    return {
      problem: `updater_version: expected only when ${plugin.file} sets updater_path (the package carries no updater), found ${recorded}`,
    };
  }
  const newest = Math.max(...available);
  if (recorded === undefined) {
    if (release.definition.sha256) {
      return {
        problem:
          "updater_version: required when sha256 is recorded: the updater version (site/updater/<N>/) the package was built with, which feedwright promote records with sha256 (1 for packages recorded before feedwright versioned its updater), found nothing",
      };
    }
    return { version: newest };
  }
  if (!available.includes(recorded)) {
    return {
      problem: `updater_version: expected an updater version this feedwright ships (${available.join(", ")}), found ${recorded}: is feedwright older than the one that recorded it?`,
    };
  }
  return { version: recorded };
}

/** A version's file with the plugin's namespace; refused when the namespace line is not there exactly once. */
function renameNamespace(version: number, file: { path: string; text: string }, namespace: string): string {
  const lines = file.text.split("\n");
  const at = lines.flatMap((line, index) => (line === SOURCE_NAMESPACE ? [index] : []));
  if (at.length !== 1 || lines.some((line) => /^\s*namespace\b/.test(line) && line !== SOURCE_NAMESPACE)) {
    throw new Error(
      `updater version ${version}: ${file.path} must declare ${JSON.stringify(SOURCE_NAMESPACE)} once and no other namespace`,
    );
  }
  lines[at[0] ?? 0] = `namespace ${namespace};`;
  return lines.join("\n");
}

/** The updater for a plugin, from one updater version, or null when its plugin.yaml asks for none. */
export function renderUpdater(plugin: PluginPlan, updater: UpdaterVersion): RenderedUpdater | null {
  const { definition } = plugin;
  if (!definition.updater_path) return null;
  const entry = updater.files.find((file) => file.path === UPDATER_ENTRY);
  if (!entry) throw new Error(`updater version ${updater.version} has no ${UPDATER_ENTRY}`);
  const namePart = phpNamePart(plugin.slug);
  const className = `Feedwright_Updater_${namePart}`;
  const folder = updaterFolder(definition.updater_path);
  const others = updater.files.filter((file) => file !== entry);
  const text = compileTemplate(entry.text)({
    slug: plugin.slug,
    className,
    prefix: `feedwright_${namePart.toLowerCase()}`,
    mainFile: definition.main_file,
    updaterPath: definition.updater_path,
    // The updater's other files, by path relative to updater_path's folder.
    folder: folder.slice(folder.lastIndexOf("/") + 1),
    files: others.map((file) => file.path),
    siteUrl: plugin.siteUrl,
    apiBase: plugin.apiBase,
    defaultChannel: definition.channels.includes("stable") ? "stable" : "beta",
    publicKeys: definition.public_keys ?? [],
    siteIdOption: definition.updater_credentials?.site_id_option ?? "",
    apiKeyOption: definition.updater_credentials?.api_key_option ?? "",
    // What the feed, the Worker and the updater agree on (used from updater version 3 on).
    contract: updaterConstants(plugin.slug),
  });
  return {
    version: updater.version,
    path: definition.updater_path,
    files: [
      { path: definition.updater_path, content: Buffer.from(text, "utf8") },
      ...others.map((file) => ({
        path: `${folder}/${file.path}`,
        content: Buffer.from(renameNamespace(updater.version, file, phpIdentifier(className)), "utf8"),
      })),
    ],
    className,
  };
}

/**
 * What the build says when a plugin's updater would refuse this build's packages: the key the
 * build signs with is not among the keys its plugin.yaml pins (a development key, or a key
 * being rotated in before public_keys lists it).
 */
export function pinnedKeyWarnings(plugins: PluginPlan[], signingKeys: PublicKey[]): string[] {
  const warnings: string[] = [];
  for (const plugin of plugins) {
    const pinned = plugin.definition.public_keys;
    if (!plugin.definition.updater_path || !pinned) continue;
    if (signingKeys.some((key) => pinned.includes(key.publicKey))) continue;
    warnings.push(
      `warning: ${plugin.slug}: this build signs with ${signingKeys.map((key) => key.publicKey).join(", ")}, which is not in public_keys (${pinned.join(", ")}) of ${plugin.file}: sites running its updater will refuse these packages and this feed`,
    );
  }
  return warnings;
}
