/**
 * One version order for the Worker and the updater inside the plugin: SemVer 2.0.0
 * precedence (https://semver.org/#spec-item-11). Each case is `[a, b, sign]` with sign the
 * expected sign of compare(a, b). test/updater-package.test.ts runs the table against the
 * Worker's ordering and against the PHP updater's, so the two cannot drift apart.
 */
export type VersionOrderCase = readonly [a: string, b: string, sign: -1 | 0 | 1];

export const VERSION_ORDER_CASES: readonly VersionOrderCase[] = [
  // The ones PHP's version_compare gets wrong: "p", "pl", "pre", "preview", "patch" rank above
  // the release there ("p" is its "patch level"); a prerelease is always below its release here.
  ["1.3.0-pre.1", "1.3.0", -1],
  ["1.3.0-preview.1", "1.3.0", -1],
  ["1.3.0-p1", "1.3.0", -1],
  ["1.3.0-pl.1", "1.3.0", -1],
  ["1.3.0-patch.1", "1.3.0", -1],
  ["1.3.0", "1.3.0-pre.1", 1],
  ["1.3.0-pre.1", "1.2.9", 1],
  // version_compare treats these as equal or orders them by its own word list; SemVer compares
  // them as ASCII text.
  ["1.0.0-a", "1.0.0-alpha", -1],
  ["1.0.0-b", "1.0.0-beta", -1],
  ["1.0.0-alpha", "1.0.0-dev", -1],
  ["1.0.0-RC.1", "1.0.0-rc.1", -1],
  ["1.0.0-Alpha", "1.0.0-alpha", -1],
  ["1.0.0-beta", "1.0.0-alpha", 1],
  // The precedence example of the SemVer 2.0.0 specification, in order.
  ["1.0.0-alpha", "1.0.0-alpha.1", -1],
  ["1.0.0-alpha.1", "1.0.0-alpha.beta", -1],
  ["1.0.0-alpha.beta", "1.0.0-beta", -1],
  ["1.0.0-beta", "1.0.0-beta.2", -1],
  ["1.0.0-beta.2", "1.0.0-beta.11", -1],
  ["1.0.0-beta.11", "1.0.0-rc.1", -1],
  ["1.0.0-rc.1", "1.0.0", -1],
  // Numeric identifiers compare as numbers, not text.
  ["1.0.0-alpha.10", "1.0.0-alpha.2", 1],
  ["1.0.0-alpha.2", "1.0.0-alpha.10", -1],
  ["1.0.0-rc.999999999", "1.0.0-rc.1000000000", -1],
  ["1.2.3-0.3.7", "1.2.3-0.3.8", -1],
  ["1.0.0-x.7.z.92", "1.0.0-x.7.z.93", -1],
  // A numeric identifier is below an alphanumeric one; an identifier with a letter or a hyphen
  // is alphanumeric even when it starts with digits.
  ["1.0.0-1", "1.0.0-alpha", -1],
  ["1.0.0-alpha.1", "1.0.0-alpha.a", -1],
  ["1.0.0-alpha.99", "1.0.0-alpha.a", -1],
  ["1.0.0-1", "1.0.0-0a", -1],
  ["1.0.0-alpha.-1", "1.0.0-alpha.1", 1],
  ["1.0.0-beta2", "1.0.0-beta.2", 1],
  ["1.0.0-a-b", "1.0.0-a.b", 1],
  // A longer list of identifiers wins when all before are equal.
  ["1.0.0-alpha.1.1", "1.0.0-alpha.1", 1],
  ["1.0.0-alpha.1", "1.0.0-alpha.1.0", -1],
  ["1.0.0-0", "1.0.0", -1],
  // Major, minor and patch compare as numbers.
  ["1.10.0", "1.9.0", 1],
  ["1.0.10", "1.0.9", 1],
  ["10.0.0", "9.0.0", 1],
  ["2.0.0", "1.99.99", 1],
  ["2.0.0-alpha", "1.9.9", 1],
  ["1.0.1-alpha", "1.0.0", 1],
  ["1.0.0", "1.0.0", 0],
  ["1.0.0-rc.1", "1.0.0-rc.1", 0],
  // Build metadata is ignored.
  ["1.0.0+build.1", "1.0.0", 0],
  ["1.0.0+a", "1.0.0+b", 0],
  ["1.0.0-alpha+001", "1.0.0-alpha", 0],
  ["1.0.0-beta+exp.sha.5114f85", "1.0.0", -1],
  ["1.0.0+20130313144700", "1.0.0-rc.1", 1],
  // WordPress-style versions the Worker accepts too: missing parts are zero, a leading "v".
  ["1.2", "1.2.0", 0],
  ["6.7", "6.7.0-RC1", 1],
  ["2", "1.9.9", 1],
  ["v1.2.0", "1.2.0", 0],
];
