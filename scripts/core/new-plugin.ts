/**
 * What `feedwright init` writes for a new WordPress plugin, as plain data: plugin.yaml (with the
 * schema comment editors read) and a minimal source tree whose main file already carries the
 * version header, the version constant, api_base and the `require` of the updater the build
 * writes into every package. scripts/init.ts checks the answers and writes the files.
 */
import { apiBaseProblem, isSlug } from "../contract/index.ts";
import { phpString } from "./updater.ts";

export interface NewPluginAnswers {
  slug: string;
  name: string;
  description: string;
  author: string;
  /** https URL of the plugin's page. */
  homepage: string;
  /** The Worker's API: `<origin>/api`. */
  apiBase: string;
  requiresPhp: string;
  requiresWp: string;
  testedWp: string;
  /** The public half of the key the build signs with (base64), pinned by the updater. */
  publicKey: string;
}

export interface NewPluginFile {
  path: string;
  text: string;
}

/** The updater's place in every package; the main file requires it. */
export const NEW_PLUGIN_UPDATER_PATH = "includes/feedwright-updater.php";

/** The version a new plugin's source says until `feedwright release` writes the first one. */
export const UNRELEASED_VERSION = "0.0.0";

/** `my-plugin` → `MY_PLUGIN`, the prefix of its PHP constants (`P_` first when it starts with a digit). */
export function phpConstantPrefix(slug: string): string {
  const upper = slug.toUpperCase().replace(/-/g, "_");
  return /^[0-9]/.test(upper) ? `P_${upper}` : upper;
}

/** What is wrong with the answers, one message per field; empty when they can be written. */
export function newPluginProblems(answers: NewPluginAnswers): string[] {
  const problems: string[] = [];
  if (!isSlug(answers.slug))
    problems.push(
      `slug: expected lower-case letters, digits and dashes, starting with a letter or digit (at most 64), found "${answers.slug}"`,
    );
  for (const [field, value] of [
    ["name", answers.name],
    ["description", answers.description],
    ["author", answers.author],
  ] as const) {
    if (value.trim() === "") problems.push(`${field}: must not be empty`);
    // Written into a PHP comment and a YAML string: a line break or a comment end would break them.
    if (/[\r\n]|\*\//.test(value)) problems.push(`${field}: must be one line without "*/"`);
  }
  if (!/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(answers.homepage))
    problems.push(`homepage: expected an https URL, found "${answers.homepage}"`);
  const apiBase = apiBaseProblem(answers.apiBase);
  if (apiBase) problems.push(`api-base: ${apiBase}, found "${answers.apiBase}"`);
  for (const [field, value] of [
    ["requires-php", answers.requiresPhp],
    ["requires-wp", answers.requiresWp],
    ["tested-wp", answers.testedWp],
  ] as const) {
    if (!/^\d+(\.\d+){0,2}$/.test(value)) problems.push(`${field}: expected a version such as 7.4, found "${value}"`);
  }
  return problems;
}

/** A YAML double-quoted scalar: the answers are one line (checked), so only `\` and `"` need escaping. */
function yamlString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function renderNewPlugin(answers: NewPluginAnswers): NewPluginFile[] {
  const { slug } = answers;
  const prefix = phpConstantPrefix(slug);
  const functionPrefix = prefix.toLowerCase();
  const mainFile = `${slug}.php`;
  const pluginYaml = [
    "# yaml-language-server: $schema=../plugin.schema.json",
    `name: ${yamlString(answers.name)}`,
    `slug: ${slug}`,
    "platform: wordpress",
    `description: ${yamlString(answers.description)}`,
    `homepage: ${answers.homepage}`,
    `author: ${yamlString(answers.author)}`,
    `main_file: ${mainFile}`,
    `version_constant: ${prefix}_VERSION`,
    `requires_php: "${answers.requiresPhp}"`,
    `requires_wp: "${answers.requiresWp}"`,
    `tested_wp: "${answers.testedWp}"`,
    "# The Worker's API (its origin followed by /api): packaged into the main file, so it cannot",
    "# change for a released version.",
    `api_base: ${answers.apiBase}`,
    "retain: 3",
    "channels: [stable, beta]",
    "# The updater the build writes into every package (the main file requires it) and the keys it",
    "# trusts: the current signing key's public half (feedwright keys public), plus the next one",
    "# while rotating.",
    `updater_path: ${NEW_PLUGIN_UPDATER_PATH}`,
    "public_keys:",
    `  - "${answers.publicKey}"`,
    "",
  ].join("\n");
  const main = `<?php
/**
 * Plugin Name: ${answers.name}
 * Plugin URI: ${answers.homepage}
 * Description: ${answers.description}
 * Version: ${UNRELEASED_VERSION}
 * Author: ${answers.author}
 * Requires at least: ${answers.requiresWp}
 * Requires PHP: ${answers.requiresPhp}
 *
 * @package ${prefix}
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

// feedwright release writes the version here and in the header above.
define( '${prefix}_VERSION', '${UNRELEASED_VERSION}' );
// Where the updater registers the site and reports its health (api_base in plugin.yaml).
define( '${prefix}_API_BASE', ${phpString(answers.apiBase)} );

// Updates from the plugin's feedwright feed: the build writes this file into every package.
if ( file_exists( __DIR__ . '/${NEW_PLUGIN_UPDATER_PATH}' ) ) {
	require_once __DIR__ . '/${NEW_PLUGIN_UPDATER_PATH}';
}

/**
 * The plugin's own code starts here.
 *
 * @return void
 */
function ${functionPrefix}_init() {
}
add_action( 'init', '${functionPrefix}_init' );
`;
  const readme = `=== ${answers.name} ===
Requires at least: ${answers.requiresWp}
Tested up to: ${answers.testedWp}
Requires PHP: ${answers.requiresPhp}

${answers.description}
`;
  return [
    { path: `releases/${slug}/plugin.yaml`, text: pluginYaml },
    { path: `source/${slug}/${mainFile}`, text: main },
    { path: `source/${slug}/readme.txt`, text: readme },
  ];
}
