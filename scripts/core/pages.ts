/**
 * The human pages of the published folder, rendered with handlebars from site/pages/*.hbs.
 * Values are escaped by handlebars; only changelog HTML (already made safe by markdown-it)
 * is inserted raw.
 */
import Handlebars from "handlebars";
import { latestPackageFileName, pluginFilePath } from "../contract/index.ts";
import { type PackageFactsByVersion, requirementsOf } from "./documents.ts";
import { renderMarkdown } from "./markdown.ts";
import type { PluginPlan } from "./plan.ts";

export interface SiteTemplates {
  index: string;
  plugin: string;
  style: string;
}

export function renderPages(
  plugins: PluginPlan[],
  facts: ReadonlyMap<string, PackageFactsByVersion>,
  templates: SiteTemplates,
): { path: string; content: string }[] {
  const handlebars = Handlebars.create();
  handlebars.registerPartial("style", templates.style);
  const indexPage = handlebars.compile(templates.index, { strict: true });
  const pluginPage = handlebars.compile(templates.plugin, { strict: true });

  const summaries = plugins.map((plugin) => ({
    name: plugin.definition.name,
    slug: plugin.slug,
    description: plugin.definition.description,
    stable: plugin.latest.stable ?? "none",
    beta: plugin.latest.beta ?? "none",
  }));
  const pages = [{ path: "index.html", content: indexPage({ plugins: summaries }) }];
  for (const plugin of plugins) {
    const pluginFacts = facts.get(plugin.slug) ?? new Map();
    const releases = plugin.releases
      .filter((release) => release.built)
      .reverse()
      .map((release) => {
        const packageFacts = pluginFacts.get(release.version);
        return {
          version: release.version,
          status: release.status,
          channel: release.channel ?? "none",
          releasedAt: release.definition.released_at ?? "not released",
          file: release.packaged ? release.fileName : null,
          size: packageFacts ? formatSize(packageFacts.size) : "not packaged",
          bytes: packageFacts?.size ?? null,
          sha256: packageFacts?.sha256 ?? release.definition.sha256 ?? "",
          md5: packageFacts?.md5 ?? "",
          skipReason: release.skipReason ?? "",
          ...requirementsOf(plugin, release),
          forceUpdate: release.definition.force_update,
          deprecationReason: release.definition.deprecation_reason ?? "",
          changelogHtml: renderMarkdown(release.definition.changelog),
        };
      });
    pages.push({
      path: pluginFilePath(plugin.slug, "index.html"),
      content: pluginPage({
        name: plugin.definition.name,
        slug: plugin.slug,
        descriptionHtml: renderMarkdown(plugin.definition.description),
        homepage: plugin.definition.homepage,
        author: plugin.definition.author,
        stable: plugin.latest.stable ?? "none",
        beta: plugin.latest.beta ?? "none",
        latestZip: plugin.latest.stable ? latestPackageFileName(plugin.slug) : null,
        releases,
      }),
    });
  }
  return pages;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
