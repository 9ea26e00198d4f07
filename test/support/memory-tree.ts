/**
 * Release trees in memory, for tests of the pure core: plugin.yaml and release YAML as text,
 * through parseReleaseTree and compilePlan, with no git and no disk. A release needs only its
 * version and status; what the status requires (released_at, a source pin, a changelog) is
 * filled in unless the test gives it. Lines come in this order: version, status, released_at,
 * source, changelog, then the test's other fields.
 */

import type { Status } from "../../scripts/contract/index.ts";
import { type ParsedTree, parseReleaseTree } from "../../scripts/core/parse-tree.ts";
import { type BuildPlan, compilePlan, type PluginPlan } from "../../scripts/core/plan.ts";
import { formatProblem, type LocateField } from "../../scripts/core/problems.ts";
import { STATUS_RULES } from "../../scripts/core/schema.ts";
import { DEMO_PLUGIN_YAML, type ReleaseFieldValue, releaseYaml } from "./demo-plugin.ts";

/** A release's YAML fields; `null` leaves out a field that would otherwise be filled in. */
export type ReleaseFields = { version: string; status: Status } & Record<string, ReleaseFieldValue | null>;

export interface MemoryPlugin {
  /** Default "demo"; the demo plugin.yaml with this slug. */
  slug?: string;
  /** YAML appended to the demo plugin.yaml (retain, channels, site_url...). */
  pluginYaml?: string;
  releases: ReleaseFields[];
}

/** A commit id for release YAML: in memory nothing checks that it exists. */
export const SOURCE_PIN = "c0ffee".padEnd(40, "0");

function releaseText(fields: ReleaseFields): string {
  const rules = STATUS_RULES[fields.status];
  const defaults: Record<string, ReleaseFieldValue> = {
    ...(rules.needsReleaseDate ? { released_at: "2026-01-01T00:00:00Z", source: SOURCE_PIN } : {}),
    ...(rules.offered ? { changelog: `Changes in ${fields.version}.` } : {}),
  };
  // version and status first, whatever order the test wrote its fields in.
  const ordered: Record<string, ReleaseFieldValue | null> = { version: "", status: "", ...defaults };
  Object.assign(ordered, fields);
  const merged: Record<string, ReleaseFieldValue> = {};
  for (const [key, value] of Object.entries(ordered)) if (value !== null) merged[key] = value;
  return releaseYaml(merged);
}

/** The files of a tree: releases/<slug>/plugin.yaml and one <version>.yaml per release. */
export function memoryFiles(plugins: MemoryPlugin[]): {
  pluginDirs: string[];
  files: { path: string; text: string }[];
} {
  const files = plugins.flatMap((plugin) => {
    const slug = plugin.slug ?? "demo";
    const dir = `releases/${slug}`;
    return [
      {
        path: `${dir}/plugin.yaml`,
        text: `${DEMO_PLUGIN_YAML.replace("slug: demo", `slug: ${slug}`)}${plugin.pluginYaml ?? ""}`,
      },
      ...plugin.releases.map((release) => ({ path: `${dir}/${release.version}.yaml`, text: releaseText(release) })),
    ];
  });
  return { pluginDirs: plugins.map((plugin) => `releases/${plugin.slug ?? "demo"}`), files };
}

export interface MemoryTree {
  parsed: ParsedTree;
  plan: BuildPlan;
  /** Where a release's field is, as `feedwright check` locates it. */
  locate: LocateField;
}

/** Parses and plans the plugins; throws on any problem, since a test means a valid tree. */
export function memoryTree(...plugins: MemoryPlugin[]): MemoryTree {
  const parsed = parseReleaseTree(memoryFiles(plugins));
  if (parsed.problems.length > 0) {
    throw new Error(parsed.problems.map((problem) => formatProblem(problem)).join("\n"));
  }
  const locate: LocateField = (plugin, release, field) => {
    const found = parsed.plugins
      .find((candidate) => candidate.slug === plugin.slug)
      ?.releases.find((candidate) => candidate.version === release.version);
    if (!found) throw new Error(`no release ${plugin.slug} ${release.version}`);
    return found.locate(typeof field === "string" ? [field] : field);
  };
  return { parsed, plan: compilePlan(parsed.plugins), locate };
}

/** The plan of the one plugin of a tree. */
export function memoryPlan(plugin: MemoryPlugin): PluginPlan {
  const found = memoryTree(plugin).plan.plugins[0];
  if (!found) throw new Error("no plugin");
  return found;
}
