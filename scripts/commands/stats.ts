/**
 * `feedwright stats <slug> --url <worker>`: the release health figures the Worker's /stats/
 * answers (worker/src/stats.ts), in the terminal or as JSON. The admin token comes from the
 * ADMIN_TOKEN environment variable only: on a command line, the shell history and `ps` would
 * show it.
 */
import type { Command } from "commander";
import {
  type ApiErrorBody,
  apiBaseFor,
  apiUrl,
  type Counts,
  type DayFigures,
  type FreshFigures,
  isSlug,
} from "../contract/index.ts";
import { MissingKeyError, StatsError, UsageError } from "../core/errors.ts";
import { type CommandContext, environmentOf, printJson, reportingJsonErrors, withRootOption } from "./context.ts";

/** What /stats/ answers (the fields this command prints): the contract's figures. */
export interface StatsAnswer extends FreshFigures {
  slug: string;
  generated_at: string;
  census: { generated_at: string; installations: number; health: Counts };
  history?: { from: string; to: string; days: DayFigures[] };
}

interface StatsOptions {
  url: string;
  from?: string;
  to?: string;
  json?: boolean;
  refresh?: boolean;
}

export function addStatsCommand(program: Command, { io }: CommandContext): void {
  withRootOption(
    program
      .command("stats")
      .description("Print a plugin's release health from the Worker's /stats/ (admin token from $ADMIN_TOKEN).")
      .argument("<slug>")
      .requiredOption(
        "--url <url>",
        "where the Worker answers, e.g. https://updates.example.com or http://127.0.0.1:8787",
      )
      .option("--from <day>", "first day of the history (YYYY-MM-DD); with --to")
      .option("--to <day>", "last day of the history (YYYY-MM-DD); with --from")
      .option("--refresh", "count the census of installation records again now")
      .option("--json", "print the Worker's answer as JSON"),
    "unused: the figures come from the Worker at --url",
  )
    .addHelpText(
      "after",
      "\nExamples:\n  $ feedwright stats my-plugin --url https://updates.example.com\n  $ feedwright stats my-plugin --url http://127.0.0.1:8787 --from 2026-03-01 --to 2026-03-31 --json\n  (with ADMIN_TOKEN set to the Worker's secret, in the environment: never on the command line)",
    )
    .action(async (slug: string, options: StatsOptions) =>
      reportingJsonErrors(options.json, io, async () => {
        const token = environmentOf(io).ADMIN_TOKEN;
        if (!token) throw new MissingKeyError("ADMIN_TOKEN is not set: use the same value as the Worker's secret");
        if (!isSlug(slug)) throw new UsageError(`"${slug}" is not a plugin slug`);
        if (!/^https?:\/\/[^/]+\/?$/.test(options.url))
          throw new UsageError(`--url: expected the Worker's origin, http(s)://host[:port], found "${options.url}"`);
        if ((options.from === undefined) !== (options.to === undefined))
          throw new UsageError("--from and --to go together");
        for (const [name, day] of [
          ["--from", options.from],
          ["--to", options.to],
        ] as const) {
          if (day !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(day))
            throw new UsageError(`${name}: expected a day YYYY-MM-DD, found "${day}"`);
        }
        const query = new URLSearchParams();
        if (options.from && options.to) {
          query.set("from", options.from);
          query.set("to", options.to);
        }
        if (options.refresh) query.set("refresh", "1");
        const url = apiUrl(
          apiBaseFor(options.url.replace(/\/+$/, "")),
          slug,
          "stats",
          query.size > 0 ? `?${query}` : "",
        );
        const answer = await fetchStats(url, token);
        if (options.json) printJson(io, answer);
        else io.stdout(renderStats(answer));
      }),
    );
}

async function fetchStats(url: string, token: string): Promise<StatsAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new StatsError(`cannot reach ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new StatsError(`${url} answered ${response.status} with something other than JSON`);
  }
  if (!response.ok) {
    const error = (body as Partial<ApiErrorBody>).error;
    throw new StatsError(`${url} answered ${response.status}${error ? ` (${error.code}): ${error.message}` : ""}`);
  }
  return body as StatsAnswer;
}

/** "a 2, b 1", in the order given. */
function listed(counts: Counts | undefined): string {
  const entries = Object.entries(counts ?? {});
  return entries.length === 0 ? "none" : entries.map(([name, count]) => `${name} ${count}`).join(", ");
}

function table(rows: (string | number)[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => String(row[column] ?? "").length))) ?? [];
  return rows
    .map((row) => `  ${row.map((cell, column) => String(cell).padEnd(widths[column] ?? 0)).join("  ")}`.trimEnd())
    .join("\n");
}

/** The answer for a person at a terminal: the same figures as the JSON, in tables. */
export function renderStats(stats: StatsAnswer): string {
  const lines: string[] = [];
  lines.push(`${stats.slug}: release health at ${stats.generated_at}`);
  lines.push("");
  lines.push(`installations ${stats.installations}`);
  const versions = Object.keys(stats.versions).sort((a, b) => b.localeCompare(a, "en", { numeric: true }));
  if (versions.length > 0) {
    lines.push(
      table([
        ["version", "sites", "healthy", "outdated", "error"],
        ...versions.map((version) => {
          const health = stats.health_by_version[version] ?? {};
          return [version, stats.versions[version] ?? 0, health.healthy ?? 0, health.outdated ?? 0, health.error ?? 0];
        }),
      ]),
    );
  }
  lines.push(`health: ${listed(stats.health)}`);
  lines.push(`WordPress: ${listed(stats.wp_versions)}`);
  lines.push(`PHP: ${listed(stats.php_versions)}`);
  lines.push("");
  lines.push(`downloads ${stats.downloads.total} (${listed(stats.downloads.by_kind)})`);
  lines.push(`  by version: ${listed(stats.downloads.by_version)}`);
  if (stats.recent_downloads.length > 0) {
    lines.push("  newest:");
    lines.push(
      table(
        stats.recent_downloads
          .slice(0, 10)
          .map((record) => [record.at, record.version, record.kind, record.address ?? "-", record.user_agent ?? "-"]),
      ),
    );
  }
  lines.push("");
  lines.push(
    `census of installation records at ${stats.census.generated_at} (health judged against the releases published now): ${stats.census.installations} sites, ${listed(stats.census.health)}`,
  );
  if (stats.history) {
    lines.push("");
    lines.push(`history ${stats.history.from} to ${stats.history.to}`);
    lines.push(
      table([
        ["day", "sites", "new", "healthy", "outdated", "error", "downloads", "auto_update", "manual", "versions"],
        ...stats.history.days.map((day) => [
          day.day,
          day.installations,
          day.registrations,
          day.health.healthy ?? 0,
          day.health.outdated ?? 0,
          day.health.error ?? 0,
          day.downloads.total,
          day.downloads.by_kind.auto_update ?? 0,
          day.downloads.by_kind.manual ?? 0,
          listed(day.versions),
        ]),
      ]),
    );
  }
  return `${lines.join("\n")}\n`;
}
