/**
 * The PHP updater every package of a plugin with `updater_path` carries: rendered from
 * site/updater/feedwright-updater.php.hbs with values from plugin.yaml only (never from
 * the key the build signs with, which differs per machine), so a package stays a pure
 * function of the repository.
 */
import Handlebars from "handlebars";
import type { PluginPlan } from "./plan.ts";
import type { PublicKey } from "./signing.ts";

/** Compiled templates by their text: the text is read once by the caller (scripts/io/updater-template.ts). */
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

/** The only ways a value may enter the updater: one helper per PHP context. */
const CONTEXT_HELPERS: Record<string, (value: string) => string> = {
  php: phpString,
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

export interface RenderedUpdater {
  /** Path inside the plugin folder (plugin.yaml's updater_path). */
  path: string;
  content: Buffer;
  className: string;
}

/** The updater for a plugin, or null when its plugin.yaml asks for none. */
export function renderUpdater(plugin: PluginPlan, templateText: string): RenderedUpdater | null {
  const { definition } = plugin;
  if (!definition.updater_path) return null;
  const namePart = phpNamePart(plugin.slug);
  const className = `Feedwright_Updater_${namePart}`;
  const text = compileTemplate(templateText)({
    slug: plugin.slug,
    className,
    prefix: `feedwright_${namePart.toLowerCase()}`,
    mainFile: definition.main_file,
    updaterPath: definition.updater_path,
    siteUrl: plugin.siteUrl,
    apiBase: plugin.apiBase,
    defaultChannel: definition.channels.includes("stable") ? "stable" : "beta",
    publicKeys: definition.public_keys ?? [],
    siteIdOption: definition.updater_credentials?.site_id_option ?? "",
    apiKeyOption: definition.updater_credentials?.api_key_option ?? "",
  });
  return { path: definition.updater_path, content: Buffer.from(text, "utf8"), className };
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
