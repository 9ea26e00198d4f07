/**
 * The feed the Worker tests run against, built by the real build from an inline scratch
 * repository: every status, a security release, a partial rollout, a release that needs a
 * newer PHP, a beta, a draft, a private plugin, an inactive one (`gone`: active: false), and
 * one whose texts are as long as the schema allows (`verbose`: a 60 KB changelog, a withdrawn
 * release's 4096-character reason), and one whose newest release is rolled out to half the
 * sites under a rollout guard (`guarded`: GUARDED_RELEASES).
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { GREET_PLUGIN_YAML, GREET_SLUG, geeklogReleaseYaml, greetSource } from "../support/geeklog-plugin.ts";
import {
  createScratchRepo,
  DEMO_PLUGIN_YAML,
  demoMainFile,
  releaseYaml,
  type ScratchRepo,
} from "../support/scratch-repo.ts";
import { GUARDED_RELEASES, GUARDED_SLUG } from "./guarded-plugin.ts";
import { VERBOSE_CHANGELOG, VERBOSE_REASON } from "./verbose-texts.ts";

export const FIXTURE_FEED_DIR = path.resolve(import.meta.dirname, ".feed");

export async function buildFixtureFeed(outDir = FIXTURE_FEED_DIR): Promise<void> {
  (await buildFixtureRepository(outDir)).cleanup();
}

/**
 * The same, keeping the releases repository it was built from (commands such as sign-url read
 * its release tree); the caller removes it with cleanup().
 */
export async function buildFixtureRepository(outDir: string): Promise<ScratchRepo> {
  const repo = createScratchRepo();
  try {
    const pins: Record<string, string> = {};
    for (const version of ["1.0.0", "1.1.0", "1.2.0", "1.3.0", "1.4.0", "2.0.0-beta.1"]) {
      repo.write("source/demo/demo.php", demoMainFile(version));
      pins[version] = repo.commit(`demo ${version}`);
    }
    repo.write("source/secret/demo.php", demoMainFile("1.0.0"));
    const secretPin = repo.commit("secret 1.0.0");
    repo.write("source/gone/demo.php", demoMainFile("1.0.0"));
    const gonePin = repo.commit("gone 1.0.0");
    repo.write("source/verbose/demo.php", demoMainFile("1.0.0"));
    const verbosePin = repo.commit("verbose 1.0.0");
    const guardedPins: Record<string, string> = {};
    for (const version of GUARDED_RELEASES.versions) {
      repo.write(`source/${GUARDED_SLUG}/demo.php`, demoMainFile(version));
      guardedPins[version] = repo.commit(`${GUARDED_SLUG} ${version}`);
    }
    const released = (version: string, extra: Record<string, string | number | boolean> = {}) =>
      releaseYaml({
        version,
        status: "released",
        released_at: "2026-01-01T00:00:00Z",
        source: pins[version] ?? "",
        changelog: `Changes in ${version}.`,
        ...extra,
      });
    repo.write("releases/demo/plugin.yaml", DEMO_PLUGIN_YAML);
    repo.write(
      "releases/demo/1.0.0.yaml",
      released("1.0.0", { status: "deprecated", deprecation_reason: "Broke sites with old site ids." }),
    );
    repo.write("releases/demo/1.1.0.yaml", released("1.1.0"));
    repo.write("releases/demo/1.2.0.yaml", released("1.2.0", { force_update: true }));
    repo.write("releases/demo/1.3.0.yaml", released("1.3.0", { status: "update_ready", rollout: 30 }));
    repo.write("releases/demo/1.4.0.yaml", released("1.4.0", { requires_php: "8.3" }));
    repo.write(
      "releases/demo/2.0.0-beta.1.yaml",
      releaseYaml({
        version: "2.0.0-beta.1",
        status: "testing",
        source: pins["2.0.0-beta.1"] ?? "",
        changelog: "Beta.",
      }),
    );
    repo.write("releases/demo/2.1.0.yaml", releaseYaml({ version: "2.1.0", status: "draft", changelog: "Not yet." }));
    repo.write(
      "releases/secret/plugin.yaml",
      DEMO_PLUGIN_YAML.replace("slug: demo", "slug: secret").replace("name: Demo Plugin", "name: Secret Plugin") +
        "private: true\n",
    );
    repo.write(
      "releases/secret/1.0.0.yaml",
      releaseYaml({
        version: "1.0.0",
        status: "released",
        released_at: "2026-01-01T00:00:00Z",
        source: secretPin,
        changelog: "Private.",
      }),
    );
    repo.write(
      "releases/gone/plugin.yaml",
      `${DEMO_PLUGIN_YAML.replace("slug: demo", "slug: gone").replace("name: Demo Plugin", "name: Gone Plugin")}active: false\n`,
    );
    repo.write(
      "releases/gone/1.0.0.yaml",
      releaseYaml({
        version: "1.0.0",
        status: "update_ready",
        released_at: "2026-01-01T00:00:00Z",
        source: gonePin,
        changelog: "Switched off since.",
      }),
    );
    // A Geeklog plugin: the first version, an upgrade and a patch (the Geeklog repository).
    const greetPins: Record<string, string> = {};
    for (const version of ["1.0.0", "1.1.0", "1.1.0+update.1"]) {
      for (const [file, text] of Object.entries(greetSource(version))) repo.write(`source/${GREET_SLUG}/${file}`, text);
      greetPins[version] = repo.commit(`greet ${version}`);
    }
    const greet = (version: string, geeklog: string[]) =>
      repo.write(
        `releases/${GREET_SLUG}/${version}.yaml`,
        geeklogReleaseYaml(
          {
            version,
            status: "released",
            released_at: "2026-01-01T00:00:00Z",
            source: greetPins[version] ?? "",
            changelog: `Greet ${version}.`,
          },
          geeklog,
        ),
      );
    repo.write(`releases/${GREET_SLUG}/plugin.yaml`, GREET_PLUGIN_YAML);
    greet("1.0.0", ["kind: upgrade"]);
    greet("1.1.0", ["kind: upgrade", "backup_tables: [greet_items]"]);
    greet("1.1.0+update.1", ["kind: patch", "update: 1"]);
    repo.write(
      "releases/verbose/plugin.yaml",
      DEMO_PLUGIN_YAML.replace("slug: demo", "slug: verbose").replace("name: Demo Plugin", "name: Verbose Plugin"),
    );
    for (const [version, extra] of [
      ["1.0.0", { status: "deprecated", deprecation_reason: VERBOSE_REASON }],
      ["1.1.0", {}],
    ] as const) {
      repo.write(
        `releases/verbose/${version}.yaml`,
        releaseYaml({
          version,
          status: "released",
          released_at: "2026-01-01T00:00:00Z",
          source: verbosePin,
          changelog: VERBOSE_CHANGELOG,
          ...extra,
        }),
      );
    }
    repo.write(
      `releases/${GUARDED_SLUG}/plugin.yaml`,
      DEMO_PLUGIN_YAML.replace("slug: demo", `slug: ${GUARDED_SLUG}`).replace(
        "name: Demo Plugin",
        "name: Guarded Plugin",
      ),
    );
    for (const version of GUARDED_RELEASES.versions) {
      const guarded = version === GUARDED_RELEASES.guarded;
      repo.write(
        `releases/${GUARDED_SLUG}/${version}.yaml`,
        releaseYaml({
          version,
          status: "released",
          released_at: "2026-01-01T00:00:00Z",
          source: guardedPins[version] ?? "",
          changelog: `Guarded ${version}.`,
          ...(guarded ? { rollout: GUARDED_RELEASES.rollout } : {}),
        }) +
          (guarded
            ? `guard:\n  max_error_rise_points: ${GUARDED_RELEASES.guard.max_error_rise_points}\n  min_sites: ${GUARDED_RELEASES.guard.min_sites}\n`
            : ""),
      );
    }
    repo.commit("releases");
    rmSync(outDir, { recursive: true, force: true });
    const result = await repo.feedwright("build", "--out", outDir, "--quiet");
    if (result.code !== 0) throw new Error(`fixture feed did not build:\n${result.stderr}`);
    return repo;
  } catch (error) {
    repo.cleanup();
    throw error;
  }
}
