/**
 * GET /api/plugins/<slug>/stats/: the figures now, straight from the plugin's history Durable
 * Object (no snapshot to go stale), and with `?from=YYYY-MM-DD&to=YYYY-MM-DD` the daily figures
 * of those days too (at most HISTORY_MAX_DAYS of them, so an answer stays a bounded size: a
 * few hundred counts a day, whatever the number of sites). Beside them, `census`: every stored
 * installation record counted with its health judged against the releases published now
 * (census.ts), as of the last schedule, or now with `?refresh=1`; and `rollouts`: where each
 * partial or guarded rollout stands (rollouts.ts). The answer's shape is the contract's
 * PluginStats (scripts/contract/health-figures.ts), which `feedwright stats` and the dashboard read.
 */
import type { Census, OfferIndexDocument, PluginStats } from "../../scripts/contract/index.ts";
import { censusKey, computeCensus } from "./census.ts";
import type { DownloadCounter } from "./downloads.ts";
import { badRequest } from "./errors.ts";
import { addDays, DAILY_FIGURE_DAYS, dayOf, daysBetween, HISTORY_MAX_DAYS, RETENTION } from "./history.ts";
import { historyOf } from "./history-hooks.ts";
import { readHeldReleases, rolloutReleasesOf } from "./rollouts.ts";

export type { PluginStats } from "../../scripts/contract/index.ts";

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function dayParameter(url: URL, name: string): string | null {
  const value = url.searchParams.get(name);
  if (value === null) return null;
  // A real calendar day: 2026-02-30 is refused, not read as March 2nd.
  if (!DAY_PATTERN.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || addDays(value, 0) !== value)
    throw badRequest(`${name}: "${value.slice(0, 40)}" is not a day (YYYY-MM-DD)`, "invalid_field");
  return value;
}

/** The history range asked for, or null; every mistake a 400 that says what is wrong. */
export function historyRange(url: URL, now: Date): { from: string; to: string } | null {
  const from = dayParameter(url, "from");
  const to = dayParameter(url, "to");
  if (from === null && to === null) return null;
  if (from === null || to === null) throw badRequest("history needs both from and to (YYYY-MM-DD)", "invalid_field");
  if (from > to) throw badRequest(`from (${from}) is after to (${to})`, "invalid_field");
  if (daysBetween(from, to) + 1 > HISTORY_MAX_DAYS)
    throw badRequest(`from..to spans more than ${HISTORY_MAX_DAYS} days: ask in parts`, "invalid_field");
  const today = dayOf(now);
  if (from > today) throw badRequest(`from (${from}) is in the future`, "invalid_field");
  const oldest = addDays(today, -DAILY_FIGURE_DAYS);
  // Days compare as strings (YYYY-MM-DD), so no Math.max here.
  return { from: [from, oldest].sort()[1] ?? from, to: [to, today].sort()[0] ?? to };
}

export interface StatsBindings {
  INSTALLATIONS: KVNamespace;
  DOWNLOAD_COUNTER: DurableObjectNamespace<DownloadCounter>;
}

export async function answerStats(
  env: StatsBindings,
  plugin: OfferIndexDocument,
  url: URL,
  now: Date,
  ttlDays: number,
): Promise<PluginStats> {
  const range = historyRange(url, now);
  const history = historyOf(env, plugin.slug);
  const [fresh, rollouts] = await Promise.all([
    history.fresh(now.toISOString(), ttlDays),
    history.rolloutStatuses(rolloutReleasesOf(plugin)),
  ]);
  const stored =
    url.searchParams.get("refresh") === "1"
      ? null
      : await env.INSTALLATIONS.get<Census>(censusKey(plugin.slug), "json");
  const census = stored ?? (await refreshCensus(env, plugin, now));
  const stats: PluginStats = {
    slug: plugin.slug,
    generated_at: now.toISOString(),
    retention: RETENTION,
    ...fresh,
    census,
    rollouts,
  };
  if (range)
    stats.history = { ...range, days: await history.history(range.from, range.to, now.toISOString(), ttlDays) };
  return stats;
}

/** Count the census now and keep it for the answers until the next schedule. */
export async function refreshCensus(env: StatsBindings, plugin: OfferIndexDocument, now: Date): Promise<Census> {
  const held = new Set(await readHeldReleases(env, plugin));
  const census = await computeCensus(env.INSTALLATIONS, plugin, now, held);
  await env.INSTALLATIONS.put(censusKey(plugin.slug), JSON.stringify(census));
  return census;
}
