/**
 * The human pages of the published folder, rendered with handlebars from site/pages/*.hbs.
 * Values are escaped by handlebars; only changelog HTML (already made safe by markdown-it)
 * is inserted raw.
 */
import Handlebars from "handlebars";
import { geeklogRepositoryUrl, latestPackageFileName, pluginFilePath } from "../contract/index.ts";
import { type PackageFactsByVersion, requirementsOf } from "./documents.ts";
import { geeklogRequirements } from "./geeklog.ts";
import { renderMarkdown } from "./markdown.ts";
import type { PluginPlan, ReleasePlan } from "./plan.ts";

export interface SiteTemplates {
  index: string;
  plugin: string;
  style: string;
  /** The plugin page's Geeklog section (a partial). */
  geeklog: string;
}

export function renderPages(
  plugins: PluginPlan[],
  facts: ReadonlyMap<string, PackageFactsByVersion>,
  templates: SiteTemplates,
): { path: string; content: string }[] {
  const handlebars = Handlebars.create();
  handlebars.registerPartial("style", templates.style);
  handlebars.registerPartial("geeklog", templates.geeklog);
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
          requirements: requirementsText(plugin, release),
          geeklog: geeklogReleaseFacts(release),
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
        geeklog: geeklogPluginFacts(plugin),
        releases,
      }),
    });
  }
  return pages;
}

/** What a release needs, as its page says it: PHP and WordPress, or PHP and Geeklog (never WordPress for Geeklog). */
function requirementsText(plugin: PluginPlan, release: ReleasePlan): string {
  if (release.geeklog) {
    const needs = geeklogRequirements(plugin, release);
    return `PHP ${needs.php}, Geeklog ${needs.geeklog}`;
  }
  const needs = requirementsOf(plugin, release);
  return `PHP ${needs.requires_php}, WordPress ${needs.requires_wp} (tested ${needs.tested_wp})`;
}

/** The Geeklog section's plugin facts: its name in Geeklog and the repository URL sites add; null for another platform. */
function geeklogPluginFacts(plugin: PluginPlan) {
  const name = plugin.definition.geeklog?.name;
  if (!name) return null;
  const repository = geeklogRepositoryUrl(plugin.siteUrl);
  return { pluginName: name, repositoryUrl: repository.url, repositoryProblem: repository.problem ?? "" };
}

/** A Geeklog release as its page lists it: patch or upgrade, who is offered it, the SQL and the tables. */
function geeklogReleaseFacts(release: ReleasePlan) {
  const geeklog = release.geeklog;
  if (!geeklog) return null;
  const kind =
    geeklog.kind === "patch"
      ? `patch: ${geeklog.geeklogVersion} update ${geeklog.update}`
      : geeklog.from
        ? `upgrade to ${geeklog.geeklogVersion}`
        : `first version ${geeklog.geeklogVersion} (installed by hand)`;
  const offered = release.channel === "stable" && release.packaged;
  const offeredTo = !geeklog.from
    ? "nobody (nothing to upgrade from)"
    : !offered
      ? `nobody (${release.channel === "beta" ? "Geeklog sites are not offered beta releases" : (release.skipReason ?? `status ${release.status}`)})`
      : geeklog.kind === "patch"
        ? `sites on ${geeklog.from} with an update count below ${geeklog.update}`
        : `sites on ${geeklog.from}`;
  return {
    kind,
    offeredTo,
    ownClass: geeklog.updateClass === "own",
    sql: geeklog.sql,
    backupTables: geeklog.backupTables,
  };
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
