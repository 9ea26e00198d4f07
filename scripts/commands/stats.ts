/**
 * `feedwright stats <slug> --url <worker>`: the release health figures the Worker's /stats/
 * answers (worker/src/stats.ts; its shape is the contract's PluginStats), in the terminal or as
 * JSON, the rollouts and their guards included. The admin token comes from the ADMIN_TOKEN
 * environment variable only: on a command line, the shell history and `ps` would show it.
 */
import type { Command } from "commander";
import type { Counts, GuardFigures, PluginStats, RolloutEvent, RolloutStatus } from "../contract/index.ts";
import { UsageError } from "../core/errors.ts";
import { adminTokenOf, callWorker, workerActionUrl } from "../io/worker-admin.ts";
import { type CommandContext, environmentOf, printJson, reportingJsonErrors, withRootOption } from "./context.ts";

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
        const token = adminTokenOf(environmentOf(io));
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
        const url = workerActionUrl(options.url, slug, "stats", query.size > 0 ? `?${query}` : "");
        const answer = await callWorker<PluginStats>(url, token);
        if (options.json) printJson(io, answer);
        else io.stdout(renderStats(answer));
      }),
    );
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

/** "4 of 10 (40%)": errors among the sites that report. */
function errorShare(errors: number, sites: number): string {
  return `${errors} of ${sites}${sites === 0 ? "" : ` (${Math.round((errors * 1000) / sites) / 10}%)`}`;
}

function guardFiguresText(status: RolloutStatus): [onRelease: string, baseline: string] {
  const figures: GuardFigures = status.figures;
  return [
    errorShare(figures.errors, figures.sites),
    status.guard?.baseline
      ? `${status.guard.baseline}: ${errorShare(figures.baseline_errors, figures.baseline_sites)}`
      : "-",
  ];
}

function verdictOf(status: RolloutStatus): string {
  const judgement = status.judgement;
  if (!judgement || !status.guard) return "-";
  if (judgement.waiting) return `waiting (${status.figures.sites} of ${status.guard.min_sites} sites)`;
  return judgement.tripped ? "over the limit" : "within the limit";
}

function eventLine(event: RolloutEvent): string {
  const who = event.by === "guard" ? "the guard" : "hand";
  return `${event.action === "halt" ? "halted" : "resumed"} ${event.at} by ${who} at ${event.rollout}%: ${event.reason || "(no reason given)"}`;
}

/**
 * Each partial, guarded or halted rollout: its state, rollout, guard, the error shares the
 * guard compares (sites on the release, sites on its baseline) and its verdict, then the halt
 * in force or the last one, and the guard's summary.
 */
export function renderRollouts(rollouts: readonly RolloutStatus[]): string[] {
  if (rollouts.length === 0) return ["rollouts: none partial, guarded or halted"];
  const lines = [
    "rollouts",
    table([
      ["version", "channel", "rollout", "state", "guard", "errors on it", "errors on baseline", "verdict"],
      ...rollouts.map((status) => [
        status.version,
        status.channel,
        `${status.rollout}%`,
        status.state,
        status.guard ? `+${status.guard.max_error_rise_points} points once ${status.guard.min_sites} sites` : "none",
        ...guardFiguresText(status),
        verdictOf(status),
      ]),
    ]),
  ];
  for (const status of rollouts) {
    const lastHalt = status.halt ?? status.events.find((event) => event.action === "halt");
    // The guard's verdict now, unless it is word for word the halt's reason below.
    if (status.judgement && status.judgement.summary !== lastHalt?.reason) lines.push(`  ${status.judgement.summary}`);
    if (lastHalt) lines.push(`  ${status.version} ${status.halt ? "" : "last "}${eventLine(lastHalt)}`);
    const newest = status.events[0];
    if (status.state === "resumed" && newest)
      lines.push(
        `  ${status.version} ${eventLine(newest)}${status.guard ? ` (the guard is disarmed until the rollout is raised above ${newest.rollout}%)` : ""}`,
      );
  }
  return lines;
}

/** The answer for a person at a terminal: the same figures as the JSON, in tables. */
export function renderStats(stats: PluginStats): string {
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
  lines.push(...renderRollouts(stats.rollouts ?? []));
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
