/**
 * The PHP updater every package of a plugin with `updater_path` carries: rendered from
 * scripts/templates/feedwright-updater.php.hbs with values from plugin.yaml only (never from
 * the key the build signs with, which differs per machine), so a package stays a pure
 * function of the repository.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import type { PluginPlan } from "./plan.ts";
import type { PublicKey } from "./signing.ts";

export const UPDATER_TEMPLATE = path.resolve(import.meta.dirname, "..", "templates", "feedwright-updater.php.hbs");

let compiled: Handlebars.TemplateDelegate | null = null;

function template(): Handlebars.TemplateDelegate {
  if (!compiled) {
    const handlebars = Handlebars.create();
    // A PHP single-quoted literal: only the backslash and the quote are special in it.
    handlebars.registerHelper("php", (value: unknown) => `'${String(value).replace(/[\\']/g, (c) => `\\${c}`)}'`);
    compiled = handlebars.compile(readFileSync(UPDATER_TEMPLATE, "utf8"), { noEscape: true, strict: true });
  }
  return compiled;
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
export function renderUpdater(plugin: PluginPlan): RenderedUpdater | null {
  const { definition } = plugin;
  if (!definition.updater_path) return null;
  const namePart = phpNamePart(plugin.slug);
  const className = `Feedwright_Updater_${namePart}`;
  const text = template()({
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
