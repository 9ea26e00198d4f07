/**
 * The shapes of release health figures as /api/plugins/<slug>/stats/ answers them: the Worker
 * (worker/src/history.ts) counts them, `feedwright stats` and the dashboard read them.
 */
import type { DownloadKind } from "./download-kind.ts";

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
