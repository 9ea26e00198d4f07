/**
 * The release health dashboard of the published folder (dashboard/): one page that reads the
 * site's own Worker (/stats/, with the admin token a person enters) and draws it with Chart.js.
 * The library's file and licence are copied next to the page from the installed package (its
 * version pinned by package-lock.json, so the bytes are the same on every build); the page's
 * Content-Security-Policy lets it load scripts and connect to its own origin only.
 */
import Handlebars from "handlebars";
import type { PluginPlan } from "./plan.ts";

export const DASHBOARD_FOLDER = "dashboard";
export const CHART_LIBRARY_FILE = "chart.umd.min.js";

export interface DashboardTemplates {
  page: string;
  style: string;
  script: string;
  chartLibrary: string;
  chartLicense: string;
}

export function renderDashboard(
  plugins: PluginPlan[],
  templates: DashboardTemplates,
): { path: string; content: string }[] {
  const handlebars = Handlebars.create();
  handlebars.registerPartial("style", templates.style);
  const page = handlebars.compile(templates.page, { strict: true });
  const listed = plugins
    .filter((plugin) => plugin.active)
    .map((plugin) => ({ slug: plugin.slug, name: plugin.definition.name }));
  return [
    { path: `${DASHBOARD_FOLDER}/index.html`, content: page({ plugins: listed }) },
    { path: `${DASHBOARD_FOLDER}/dashboard.js`, content: templates.script },
    { path: `${DASHBOARD_FOLDER}/${CHART_LIBRARY_FILE}`, content: templates.chartLibrary },
    { path: `${DASHBOARD_FOLDER}/chart.js-LICENSE.md`, content: templates.chartLicense },
  ];
}
