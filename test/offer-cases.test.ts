/**
 * One table (test/support/offer-cases.ts), three implementations of the offer: the Worker's
 * decision, the PHP updater's offer() and the plan's latest per channel. Pure and in memory
 * (one php process for the whole table): failures show in seconds.
 */
import { describe, expect, it } from "vitest";
import { offerIndexOf } from "../scripts/contract/index.ts";
import { type MemoryPlugin, memoryPlan } from "./support/memory-tree.ts";
import {
  expectedAnswer,
  OFFER_CASES,
  OFFER_SLUG,
  type OfferAnswer,
  type OfferCase,
  rolloutBucket,
  siteOf,
} from "./support/offer-cases.ts";
import {
  ANSWER_BASES,
  decideWithPhp,
  decideWithPlan,
  decideWithWorker,
  hasNoConstraint,
  type PhpOfferAnswer,
  planOf,
  publishedOf,
  reasonsOf,
  releasesJsonAnswer,
  workerAnswer,
  workerBucket,
} from "./support/offer-deciders.ts";
import { UPDATER_VERSIONS } from "./support/updater-php.ts";

/** The answer an implementation should give today: the expected one, or its marked divergence. */
function answerFor(offerCase: OfferCase, side: "worker" | "php" | "plan"): OfferAnswer {
  return { ...expectedAnswer(offerCase), ...offerCase.known?.[side] };
}

const named = OFFER_CASES.map((offerCase) => [offerCase.name, offerCase] as const);

describe("the offer table", () => {
  it("has at least 30 cases, names unique, each about a case its plan builds", () => {
    expect(OFFER_CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(OFFER_CASES.map((offerCase) => offerCase.name)).size).toBe(OFFER_CASES.length);
    for (const offerCase of OFFER_CASES) {
      const plan = planOf(offerCase);
      const unpackaged = plan.releases
        .filter((release) => release.built && !release.packaged && release.channel === "stable")
        .map((release) => release.version);
      expect(unpackaged, offerCase.name).toEqual(offerCase.unpackaged ?? []);
    }
  });

  it("states every rollout bucket as SHA-256 of slug, version and site id gives it", () => {
    const wrong = OFFER_CASES.flatMap((offerCase) =>
      Object.entries(offerCase.buckets ?? {}).flatMap(([version, bucket]) => {
        const actual = rolloutBucket(OFFER_SLUG, version, siteOf(offerCase).id);
        return actual === bucket
          ? []
          : [`${offerCase.name}: ${version} is in bucket ${actual}, the table says ${bucket}`];
      }),
    );
    expect(wrong).toEqual([]);
  });

  it("puts a rollout case on each side of its boundary", () => {
    const sides = OFFER_CASES.flatMap((offerCase) =>
      offerCase.releases.flatMap((release) => {
        const bucket = offerCase.buckets?.[release.version];
        if (release.rollout === undefined || bucket === undefined) return [];
        return [release.rollout - bucket];
      }),
    );
    expect(sides).toContain(0); // bucket = rollout: out
    expect(sides).toContain(1); // bucket = rollout - 1: in
  });
});

describe("the Worker's offer decision", () => {
  it.each(named)("%s", async (_name, offerCase) => {
    const answer = await decideWithWorker(publishedOf(planOf(offerCase)), siteOf(offerCase), offerCase.held);
    expect(answer).toEqual(answerFor(offerCase, "worker"));
    for (const [version, bucket] of Object.entries(offerCase.buckets ?? {})) {
      expect(await workerBucket(OFFER_SLUG, version, siteOf(offerCase).id), version).toBe(bucket);
    }
  });
});

describe("issue 12: the Worker answers from the offer index as it answered from releases.json", () => {
  it.each(named)("%s", async (_name, offerCase) => {
    const releases = publishedOf(planOf(offerCase));
    const site = siteOf(offerCase);
    expect(await workerAnswer(offerIndexOf(releases), reasonsOf(releases), site)).toEqual(
      await releasesJsonAnswer(releases, site, ANSWER_BASES),
    );
  });

  it("and on 300 generated plugins, each asked by sites on every version, channel and requirement", async () => {
    let state = 12;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    let compared = 0;
    for (let plugin = 0; plugin < 300; plugin++) {
      const count = 1 + Math.floor(random() * 12);
      const releases: MemoryPlugin["releases"] = [];
      for (let index = 0; index < count; index++) {
        const version = `1.${index}.0${random() < 0.2 ? "-beta.1" : ""}`;
        const status = version.includes("beta")
          ? pick(["testing", "staged"] as const)
          : pick(["released", "released", "update_ready", "deprecated", "draft"] as const);
        releases.push({
          version,
          status,
          ...(random() < 0.4 ? { rollout: pick([1, 20, 50, 99, 100]) } : {}),
          ...(random() < 0.3 ? { requires_php: pick(["7.4", "8.0", "8.2", "8.4"]) } : {}),
          ...(random() < 0.2 ? { requires_wp: pick(["6.0", "6.5", "6.8"]) } : {}),
          ...(random() < 0.15 ? { force_update: true } : {}),
          ...(status === "deprecated" ? { deprecation_reason: `Withdrawn ${version}.` } : {}),
        });
      }
      const published = publishedOf(
        memoryPlan({ slug: OFFER_SLUG, pluginYaml: `retain: ${pick([0, 1, 3])}\n`, releases }),
      );
      const index = offerIndexOf(published);
      const reasons = reasonsOf(published);
      for (const version of ["0.9.0", ...releases.map((release) => release.version)]) {
        for (const channel of ["stable", "beta"] as const) {
          const site = {
            version,
            channel,
            id: `site-${plugin}-${version}`,
            php: pick(["7.4.0", "8.1.0", "8.3.1"]),
            wp: pick(["6.4", "6.7.1"]),
          };
          expect(await workerAnswer(index, reasons, site), `plugin ${plugin}, ${JSON.stringify(site)}`).toEqual(
            await releasesJsonAnswer(published, site, ANSWER_BASES),
          );
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(2000);
  });
});

/** Updater version 4 is the first to ask which releases are held back (issue 14 item 4). */
const FIRST_WITH_HOLDS = 4;

// Every shipped updater version: released packages keep the one they were built with.
describe.each(UPDATER_VERSIONS.map((updater) => [updater.version, updater] as const))(
  "the PHP updater's offer (updater version %i)",
  (_version, updater) => {
    // Cases with held releases only from the version that knows holds: sites on older ones
    // are offered a held release, and the Worker refuses its download.
    const cases = OFFER_CASES.filter((offerCase) => !offerCase.held || updater.version >= FIRST_WITH_HOLDS);
    // One php process per plugin definition (plugin.yaml differs in retain and channels).
    const answers = new Map<OfferCase, PhpOfferAnswer>();
    const byDefinition = new Map<string, OfferCase[]>();
    for (const offerCase of cases) {
      const key = JSON.stringify(offerCase.plugin ?? {});
      byDefinition.set(key, [...(byDefinition.get(key) ?? []), offerCase]);
    }
    const answerOf = (offerCase: OfferCase): PhpOfferAnswer => {
      if (answers.size === 0) {
        for (const cases of byDefinition.values()) {
          const [first] = cases;
          if (!first) continue;
          const results = decideWithPhp(
            planOf(first),
            cases.map((each) => ({
              releases: publishedOf(planOf(each)),
              site: siteOf(each),
              buckets: Object.keys(each.buckets ?? {}),
              held: each.held ?? [],
            })),
            updater,
          );
          cases.forEach((each, index) => {
            const result = results[index];
            if (result) answers.set(each, result);
          });
        }
      }
      const answer = answers.get(offerCase);
      if (!answer) throw new Error(`no PHP answer for ${offerCase.name}`);
      return answer;
    };

    it.each(cases.map((offerCase) => [offerCase.name, offerCase] as const))("%s", (_name, offerCase) => {
      const { buckets, ...answer } = answerOf(offerCase);
      expect(answer).toEqual(answerFor(offerCase, "php"));
      expect(buckets).toEqual(offerCase.buckets ?? {});
    });
  },
);

describe("the plan's latest per channel", () => {
  const unconstrained = OFFER_CASES.filter(hasNoConstraint);

  it("covers at least 20 cases with no rollout or requirement in the way", () => {
    expect(unconstrained.length).toBeGreaterThanOrEqual(20);
  });

  it.each(unconstrained.map((offerCase) => [offerCase.name, offerCase] as const))("%s", (_name, offerCase) => {
    const { offer } = answerFor(offerCase, "plan");
    expect(decideWithPlan(planOf(offerCase), siteOf(offerCase))).toEqual({ offer });
  });
});
