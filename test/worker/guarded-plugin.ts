/**
 * The fixture's `guarded` plugin (fixture-feed.ts), as the workerd tests read it (no Node
 * modules here): 1.0.0 and 1.1.0 to every site, 1.2.0 to 50% of them with a guard: halted when
 * its error share exceeds 1.1.0's (its baseline) by more than 20 points, once 4 sites report.
 */
export const GUARDED_SLUG = "guarded";
export const GUARDED_RELEASES = {
  versions: ["1.0.0", "1.1.0", "1.2.0"],
  guarded: "1.2.0",
  baseline: "1.1.0",
  rollout: 50,
  guard: { max_error_rise_points: 20, min_sites: 4 },
} as const;
