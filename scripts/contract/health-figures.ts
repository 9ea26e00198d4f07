/**
 * The shapes of release health figures as /api/plugins/<slug>/stats/ answers them: the Worker
 * (worker/src/history.ts) counts them, `feedwright stats` and the dashboard read them.
 */
import type { DownloadKind } from "./download-kind.ts";
import type { RolloutStatus } from "./rollout-guard.ts";

/** Counts by name; every count a Record made with Object.fromEntries (own properties only). */
export type Counts = Record<string, number>;

/** One download as kept: the address cut to /24 (IPv4) or /48 (IPv6). */
export interface DownloadRecord {
  at: string;
  version: string;
  kind: DownloadKind;
  user_agent: string | null;
  address: string | null;
}

export interface Figures {
  installations: number;
  versions: Counts;
  health: Counts;
  health_by_version: Record<string, Counts>;
  wp_versions: Counts;
  php_versions: Counts;
}

export interface DownloadFigures {
  total: number;
  by_kind: Counts;
  by_version: Counts;
  by_version_and_kind: Record<string, Counts>;
}

export interface FreshFigures extends Figures {
  downloads: DownloadFigures;
  recent_downloads: DownloadRecord[];
}

export interface DayFigures extends Figures {
  day: string;
  registrations: number;
  downloads: DownloadFigures;
}

/**
 * Every stored installation record counted, each site's health judged again against the
 * releases published now (the Worker's census.ts), as of the last schedule or `?refresh=1`.
 */
export interface Census {
  generated_at: string;
  installations: number;
  versions: Counts;
  health: Counts;
  wp_versions: Counts;
  php_versions: Counts;
}

/** How long the history keeps what it keeps, as /stats/ states it (worker/src/history.ts). */
export interface Retention {
  daily_figures_days: number;
  download_records_days: number;
  download_records_max: number;
  history_max_days: number;
}

/** GET /api/plugins/<slug>/stats/: the figures now, the census, the rollouts, and the days asked for. */
export interface PluginStats extends FreshFigures {
  slug: string;
  generated_at: string;
  retention: Retention;
  census: Census;
  /**
   * Every release whose rollout is partial (below 100) or guarded, and every release with a
   * halt or resume on record, newest first (scripts/contract/rollout-guard.ts).
   */
  rollouts: RolloutStatus[];
  history?: { from: string; to: string; days: DayFigures[] };
}
