/**
 * The `verbose` plugin's texts in the fixture feed (fixture-feed.ts), as long as the schema
 * allows: the Worker's check-update answer must stay under 1 KiB all the same.
 */
export const VERBOSE_CHANGELOG = 'Ünïcödé and "quoted" words, repeated. '.repeat(1400);
export const VERBOSE_REASON = "Withdrawn: it could lose data on some hosts; update at once. ".repeat(64).slice(0, 4096);
