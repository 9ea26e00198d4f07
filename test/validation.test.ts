/**
 * Bad input, one kind per row: each row starts from the valid demo repository, breaks one
 * thing and checks that `build` and `validate` fail with exit 1, name the exact
 * file:line:col with a message that says what was expected and what was found, and that the
 * previous output folder is left exactly as it was.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, type ExpectStatic, expect, it } from "vitest";
import { snapshotFiles } from "./support/files.ts";
import { runFeedwright } from "./support/run-cli.ts";
import { createDemoRepo, DEMO_PLUGIN_YAML, demoMainFile, type ScratchRepo, TEST_ENV } from "./support/scratch-repo.ts";

/** What the cases use of a scratch repository (copies implement just this). */
type DemoRepo = Pick<
  ScratchRepo,
  "root" | "write" | "read" | "remove" | "git" | "commit" | "feedwright" | "cleanup"
> & {
  pins: Record<string, string>;
};
type Mutation = (repo: DemoRepo) => void;

interface Expected {
  /** Relative to the repository root. */
  file: string;
  line: number;
  col: number;
  /** A part of the message that must appear in it. */
  message: string;
}

interface Case {
  name: string;
  mutate: Mutation;
  /** Every problem the build reports, in the order it prints them (by file, line, col). */
  expected: Expected[];
}

/*
 * The demo repository's files, as createDemoRepo writes them (line numbers are used below):
 *
 * releases/demo/1.0.0.yaml              releases/demo/1.1.0.yaml (same, with
 *   1 version: "1.0.0"                    status "update_ready", released_at
 *   2 status: "released"                  2026-02-01, the 1.1.0 pin and
 *   3 released_at: "2026-01-01T00:00:00Z" changelog "Second.")
 *   4 source: "<commit of source 1.0.0>"
 *   5 changelog: First.
 *
 * releases/demo/plugin.yaml: DEMO_PLUGIN_YAML, 12 lines from name (1), slug (2), platform (3),
 * ... main_file (7), version_constant (8), requires_php (9) ... to api_base (12).
 */
const STATUSES = "draft, testing, staged, released, update_ready, deprecated";
const RELEASE_FIELDS =
  "version, status, changelog, released_at, requires_php, requires_wp, tested_wp, force_update, rollout, guard, source, sha256, updater_version, upgrade_notice, deprecation_reason";
const GUARD_NEEDS_ROLLOUT = "guard: only with rollout below 100 (a guard halts a release before it reaches every site)";
const MISSING_COMMIT = "0123456789abcdef0123456789abcdef01234567";
const FULL_COMMIT_ID = "expected the full 40-digit lower-case id of a git commit (git rev-parse HEAD prints one)";

/** A problem in releases/<file>. */
function at(file: string, line: number, col: number, message: string): Expected {
  return { file: `releases/${file}`, line, col, message };
}

/** Set `key: <value>` (raw YAML) in releases/demo/<file>: on the key's line, or appended when absent. */
function setField(file: string, key: string, value: string): Mutation {
  return (repo) => {
    const lines = repo.read(`releases/demo/${file}`).trimEnd().split("\n");
    const index = lines.findIndex((line) => line.startsWith(`${key}:`));
    if (index === -1) lines.push(`${key}: ${value}`);
    else lines[index] = `${key}: ${value}`;
    repo.write(`releases/demo/${file}`, `${lines.join("\n")}\n`);
  };
}

/** Append these lines to releases/demo/<file>. */
function appendLines(file: string, ...lines: string[]): Mutation {
  return (repo) => {
    const text = repo.read(`releases/demo/${file}`).trimEnd();
    repo.write(`releases/demo/${file}`, `${[text, ...lines].join("\n")}\n`);
  };
}

function removeField(file: string, key: string): Mutation {
  return (repo) => {
    const lines = repo.read(`releases/demo/${file}`).trimEnd().split("\n");
    repo.write(`releases/demo/${file}`, `${lines.filter((line) => !line.startsWith(`${key}:`)).join("\n")}\n`);
  };
}

/** Write releases/<file> (relative to releases/) with these lines. */
function writeLines(file: string, ...lines: string[]): Mutation {
  return (repo) => repo.write(`releases/${file}`, lines.length > 0 ? `${lines.join("\n")}\n` : "");
}

/** releases/demo/1.0.0.yaml's lines, so a case can replace or insert one and keep the rest. */
function release100(repo: DemoRepo): string[] {
  return repo.read("releases/demo/1.0.0.yaml").trimEnd().split("\n");
}

/** Change source/demo, commit it, and pin releases/demo/<file> to that commit. */
function pinToNewSource(file: string, change: Mutation): Mutation {
  return (repo) => {
    change(repo);
    const commit = repo.commit(`source for ${file}`);
    setField(file, "source", `"${commit}"`)(repo);
  };
}

function all(...mutations: Mutation[]): Mutation {
  return (repo) => {
    for (const mutation of mutations) mutation(repo);
  };
}

const cases: Case[] = [
  // --- YAML that does not parse ---------------------------------------------------------------
  {
    name: "bad indentation: a field indented further than the others",
    mutate: (repo) => {
      const lines = release100(repo);
      lines[2] = `  ${lines[2]}`;
      writeLines("demo/1.0.0.yaml", ...lines)(repo);
    },
    expected: [at("demo/1.0.0.yaml", 3, 1, "invalid YAML: All mapping items must start at the same column")],
  },
  {
    name: "bad indentation: a field indented under an unquoted value (reads as one multi-line value)",
    mutate: (repo) => {
      const lines = release100(repo);
      lines[1] = "status: released";
      lines[2] = `  ${lines[2]}`;
      writeLines("demo/1.0.0.yaml", ...lines)(repo);
    },
    expected: [
      at(
        "demo/1.0.0.yaml",
        2,
        9,
        "invalid YAML: Nested mappings are not allowed in compact mappings (is a line below this one indented too far?)",
      ),
    ],
  },
  {
    name: "bad indentation: a list item indented less than the one before",
    mutate: (repo) => repo.write("releases/demo/plugin.yaml", `${DEMO_PLUGIN_YAML}exclude:\n  - docs\n - tests\n`),
    expected: [at("demo/plugin.yaml", 15, 1, "invalid YAML: A block sequence may not be used as an implicit map key")],
  },
  {
    name: "an unclosed quote (pointed at where the quote opens, not at the end of the file)",
    mutate: setField("1.0.0.yaml", "changelog", '"First.'),
    expected: [at("demo/1.0.0.yaml", 5, 12, 'invalid YAML: Missing closing "quote for the text that starts here')],
  },
  {
    name: "a tab used for indentation",
    mutate: (repo) =>
      repo.write("releases/demo/plugin.yaml", `${DEMO_PLUGIN_YAML}banners:\n\tlow: https://example.com/low.png\n`),
    expected: [at("demo/plugin.yaml", 14, 1, "invalid YAML: Tabs are not allowed as indentation")],
  },
  {
    name: "a duplicate key in a mapping",
    mutate: (repo) =>
      repo.write("releases/demo/1.0.0.yaml", `${repo.read("releases/demo/1.0.0.yaml")}status: testing\n`),
    expected: [at("demo/1.0.0.yaml", 6, 1, 'invalid YAML: duplicate field "status" (already set on line 2)')],
  },
  {
    name: "two YAML documents in one file",
    mutate: (repo) =>
      repo.write("releases/demo/1.0.0.yaml", `${repo.read("releases/demo/1.0.0.yaml")}---\nstatus: testing\n`),
    expected: [at("demo/1.0.0.yaml", 6, 1, "invalid YAML: a second document starts here (---)")],
  },
  {
    name: "an alias to an anchor that is not defined",
    mutate: setField("1.0.0.yaml", "changelog", "*notes"),
    expected: [at("demo/1.0.0.yaml", 5, 12, "YAML alias *notes is not allowed: write the value out")],
  },

  // --- the wrong shape ----------------------------------------------------------------------
  {
    name: "an empty release file",
    mutate: writeLines("demo/1.0.0.yaml"),
    expected: [at("demo/1.0.0.yaml", 1, 1, "expected a mapping of fields, found an empty file")],
  },
  {
    name: "a release file with only a comment",
    mutate: writeLines("demo/1.0.0.yaml", "# to do"),
    expected: [at("demo/1.0.0.yaml", 1, 1, "expected a mapping of fields, found an empty file")],
  },
  {
    name: "a list instead of a mapping",
    mutate: writeLines("demo/1.0.0.yaml", "- version: 1.0.0", "- status: released"),
    expected: [at("demo/1.0.0.yaml", 1, 1, "expected a mapping, found a list")],
  },
  {
    name: "plain text instead of a mapping",
    mutate: writeLines("demo/plugin.yaml", "Demo Plugin"),
    expected: [at("demo/plugin.yaml", 1, 1, 'expected a mapping, found "Demo Plugin"')],
  },
  {
    name: "an unknown field, with the closest allowed name and the list of allowed ones",
    mutate: (repo) => {
      const lines = release100(repo);
      lines[2] = lines[2]?.replace("released_at", "relased_at") ?? "";
      writeLines("demo/1.0.0.yaml", ...lines)(repo);
    },
    expected: [
      at(
        "demo/1.0.0.yaml",
        3,
        1,
        `unknown field "relased_at" (did you mean "released_at"?); expected one of: ${RELEASE_FIELDS}`,
      ),
    ],
  },
  {
    name: "an unknown field in a nested mapping",
    mutate: (repo) =>
      repo.write("releases/demo/plugin.yaml", `${DEMO_PLUGIN_YAML}banners:\n  medium: https://example.com/b.png\n`),
    expected: [at("demo/plugin.yaml", 14, 3, 'unknown field "medium"; expected one of: low, high')],
  },

  // --- wrong types and values -----------------------------------------------------------------
  {
    name: "status: a number",
    mutate: setField("1.0.0.yaml", "status", "5"),
    expected: [at("demo/1.0.0.yaml", 2, 9, `status: expected one of ${STATUSES}, found number 5`)],
  },
  {
    name: "status: not one of the statuses",
    mutate: setField("1.0.0.yaml", "status", "relased"),
    expected: [at("demo/1.0.0.yaml", 2, 9, `status: expected one of ${STATUSES}, found "relased"`)],
  },
  {
    name: "status: left empty",
    mutate: setField("1.0.0.yaml", "status", ""),
    expected: [at("demo/1.0.0.yaml", 2, 9, `status: expected one of ${STATUSES}, found an empty value`)],
  },
  {
    name: "force_update: a text instead of true or false",
    mutate: setField("1.0.0.yaml", "force_update", '"yes"'),
    expected: [at("demo/1.0.0.yaml", 6, 15, 'force_update: expected true or false, found "yes"')],
  },
  {
    name: "rollout: a text instead of a number",
    mutate: setField("1.0.0.yaml", "rollout", '"50"'),
    expected: [at("demo/1.0.0.yaml", 6, 10, 'rollout: expected a number, found "50"')],
  },
  {
    name: "rollout: 0",
    mutate: setField("1.0.0.yaml", "rollout", "0"),
    expected: [at("demo/1.0.0.yaml", 6, 10, "rollout: expected at least 1, found number 0")],
  },
  {
    name: "rollout: 101",
    mutate: setField("1.0.0.yaml", "rollout", "101"),
    expected: [at("demo/1.0.0.yaml", 6, 10, "rollout: expected at most 100, found number 101")],
  },
  {
    name: "rollout: not a whole number",
    mutate: setField("1.0.0.yaml", "rollout", "12.5"),
    expected: [at("demo/1.0.0.yaml", 6, 10, "rollout: expected a whole number, found number 12.5")],
  },
  {
    name: "issue 14: a rollout guard on a release that reaches every site (no rollout)",
    mutate: appendLines("1.1.0.yaml", "guard:", "  max_error_rise_points: 5", "  min_sites: 20"),
    expected: [at("demo/1.1.0.yaml", 6, 1, `${GUARD_NEEDS_ROLLOUT}, found no rollout (every site)`)],
  },
  {
    name: "issue 14: a rollout guard with rollout 100",
    mutate: appendLines("1.1.0.yaml", "rollout: 100", "guard: {max_error_rise_points: 5, min_sites: 20}"),
    expected: [at("demo/1.1.0.yaml", 7, 1, `${GUARD_NEEDS_ROLLOUT}, found rollout 100`)],
  },
  {
    name: "issue 14: a rollout guard on a deprecated release",
    mutate: all(
      setField("1.0.0.yaml", "status", "deprecated"),
      appendLines(
        "1.0.0.yaml",
        "deprecation_reason: Broke.",
        "rollout: 50",
        "guard: {max_error_rise_points: 5, min_sites: 20}",
      ),
    ),
    expected: [
      at(
        "demo/1.0.0.yaml",
        8,
        1,
        "guard: not on a deprecated release: no site is offered it, so there is no rollout to halt (remove the guard)",
      ),
    ],
  },
  {
    name: "issue 14: a rollout guard without min_sites",
    mutate: appendLines("1.1.0.yaml", "rollout: 30", "guard: {max_error_rise_points: 5}"),
    expected: [at("demo/1.1.0.yaml", 7, 8, "guard.min_sites: required field is missing (expected a number)")],
  },
  {
    name: "issue 14: every problem of a guard in one run: a fraction of a point, no sites, a misspelt field, no rollout",
    mutate: appendLines("1.1.0.yaml", "guard:", "  max_error_rise_points: 2.5", "  min_sites: 0", "  min_site: 3"),
    expected: [
      at("demo/1.1.0.yaml", 6, 1, `${GUARD_NEEDS_ROLLOUT}, found no rollout (every site)`),
      at("demo/1.1.0.yaml", 7, 26, "guard.max_error_rise_points: expected a whole number, found number 2.5"),
      at("demo/1.1.0.yaml", 8, 14, "guard.min_sites: expected at least 1, found number 0"),
      at(
        "demo/1.1.0.yaml",
        9,
        3,
        'unknown field "min_site" (did you mean "min_sites"?); expected one of: max_error_rise_points, min_sites',
      ),
    ],
  },
  {
    name: "changelog: a list instead of a text",
    mutate: (repo) => {
      const lines = release100(repo);
      lines[4] = "changelog:\n  - First.";
      writeLines("demo/1.0.0.yaml", ...lines)(repo);
    },
    expected: [at("demo/1.0.0.yaml", 6, 3, "changelog: expected a text, found a list")],
  },
  {
    name: "version: an unquoted 1.0 is a number to YAML",
    mutate: writeLines("demo/1.0.yaml", "version: 1.0", "status: draft"),
    expected: [at("demo/1.0.yaml", 1, 10, 'version: expected a text, found number 1.0 (write it in quotes: "1.0")')],
  },
  {
    name: "exclude: a text instead of a list",
    mutate: setField("plugin.yaml", "exclude", "docs"),
    expected: [at("demo/plugin.yaml", 13, 10, 'exclude: expected a list, found "docs"')],
  },
  {
    name: "requires_php: a word",
    mutate: setField("plugin.yaml", "requires_php", "seven"),
    expected: [at("demo/plugin.yaml", 9, 15, 'requires_php: expected a version like "7.4" or "6.5.2", found "seven"')],
  },
  {
    name: "requires_php: an unquoted 8.0 is a number to YAML",
    mutate: setField("plugin.yaml", "requires_php", "8.0"),
    expected: [
      at("demo/plugin.yaml", 9, 15, 'requires_php: expected a text, found number 8.0 (write it in quotes: "8.0")'),
    ],
  },
  {
    name: "retain: -1",
    mutate: setField("plugin.yaml", "retain", "-1"),
    expected: [at("demo/plugin.yaml", 13, 9, "retain: expected at least 0, found number -1")],
  },
  {
    name: "channels: an unknown channel",
    mutate: setField("plugin.yaml", "channels", "[stable, alpha]"),
    expected: [at("demo/plugin.yaml", 13, 20, 'channels.1: expected one of stable, beta, found "alpha"')],
  },
  {
    name: "platform: not one of the platforms",
    mutate: setField("plugin.yaml", "platform", "joomla"),
    expected: [
      at("demo/plugin.yaml", 3, 11, 'platform: expected one of wordpress, geeklog, custom, shopify, found "joomla"'),
    ],
  },
  {
    name: "api_base: not a URL",
    mutate: setField("plugin.yaml", "api_base", "api.example.com/api"),
    expected: [at("demo/plugin.yaml", 12, 11, 'api_base: expected an http(s) URL, found "api.example.com/api"')],
  },
  {
    name: "homepage: not an http(s) URL",
    mutate: setField("plugin.yaml", "homepage", "ftp://example.com"),
    expected: [at("demo/plugin.yaml", 5, 11, 'homepage: expected an http(s) URL, found "ftp://example.com"')],
  },
  {
    name: "main_file: a path that leaves the plugin",
    mutate: setField("plugin.yaml", "main_file", "../demo.php"),
    expected: [at("demo/plugin.yaml", 7, 12, 'main_file: expected a path inside the plugin, found "../demo.php"')],
  },
  {
    name: "main_file: an absolute path",
    mutate: setField("plugin.yaml", "main_file", "/etc/passwd"),
    expected: [
      at("demo/plugin.yaml", 7, 12, 'main_file: expected a relative path like my-plugin.php, found "/etc/passwd"'),
    ],
  },
  {
    name: "version_constant: lower case",
    mutate: setField("plugin.yaml", "version_constant", "demo_version"),
    expected: [
      at(
        "demo/plugin.yaml",
        8,
        19,
        'version_constant: expected a PHP constant name like MY_PLUGIN_VERSION, found "demo_version"',
      ),
    ],
  },
  {
    name: "slug: a path",
    mutate: setField("plugin.yaml", "slug", "../etc"),
    expected: [
      at(
        "demo/plugin.yaml",
        2,
        7,
        'slug: expected lower-case letters, digits and dashes, starting with a letter or digit, found "../etc"',
      ),
    ],
  },
  {
    name: "slug: upper case",
    mutate: setField("plugin.yaml", "slug", "Demo"),
    expected: [
      at(
        "demo/plugin.yaml",
        2,
        7,
        'slug: expected lower-case letters, digits and dashes, starting with a letter or digit, found "Demo"',
      ),
    ],
  },
  {
    name: "released_at: a date without a time",
    mutate: setField("1.0.0.yaml", "released_at", "2026-01-01"),
    expected: [
      at(
        "demo/1.0.0.yaml",
        3,
        14,
        'released_at: expected an ISO 8601 time like 2026-01-09T12:00:00Z, found "2026-01-01"',
      ),
    ],
  },
  {
    name: "released_at: not a time at all",
    mutate: setField("1.0.0.yaml", "released_at", "yesterday"),
    expected: [
      at(
        "demo/1.0.0.yaml",
        3,
        14,
        'released_at: expected an ISO 8601 time like 2026-01-09T12:00:00Z, found "yesterday"',
      ),
    ],
  },
  {
    name: "source: not hex",
    mutate: setField("1.0.0.yaml", "source", "main"),
    expected: [at("demo/1.0.0.yaml", 4, 9, `source: ${FULL_COMMIT_ID}, found "main"`)],
  },
  {
    name: "issue 9 item 9: source: an abbreviated commit id (a new object can make it ambiguous)",
    mutate: (repo) => setField("1.0.0.yaml", "source", `"${repo.pins["1.0.0"]?.slice(0, 12)}"`)(repo),
    expected: [at("demo/1.0.0.yaml", 4, 9, `source: ${FULL_COMMIT_ID}, found "`)],
  },
  {
    name: "issue 9 item 9: source: a commit id in upper case",
    mutate: (repo) => setField("1.0.0.yaml", "source", `"${repo.pins["1.0.0"]?.toUpperCase()}"`)(repo),
    expected: [at("demo/1.0.0.yaml", 4, 9, `source: ${FULL_COMMIT_ID}, found "`)],
  },
  {
    name: "sha256: not 64 lower-case hex digits",
    mutate: setField("1.0.0.yaml", "sha256", "ABC123"),
    expected: [at("demo/1.0.0.yaml", 6, 9, 'sha256: expected 64 lower-case hex digits, found "ABC123"')],
  },

  // --- missing fields -------------------------------------------------------------------------
  {
    name: "version missing",
    mutate: removeField("1.0.0.yaml", "version"),
    expected: [at("demo/1.0.0.yaml", 1, 1, "version: required field is missing (expected a text)")],
  },
  {
    name: "status missing",
    mutate: removeField("1.0.0.yaml", "status"),
    expected: [at("demo/1.0.0.yaml", 1, 1, `status: required field is missing (expected one of ${STATUSES})`)],
  },
  {
    name: "plugin name missing",
    mutate: (repo) => repo.write("releases/demo/plugin.yaml", DEMO_PLUGIN_YAML.replace("name: Demo Plugin\n", "")),
    expected: [at("demo/plugin.yaml", 1, 1, "name: required field is missing (expected a text)")],
  },
  {
    name: "released_at missing for a released release (pointed at the status that needs it)",
    mutate: removeField("1.0.0.yaml", "released_at"),
    expected: [
      at(
        "demo/1.0.0.yaml",
        2,
        9,
        "released_at: required when status is released (expected an ISO 8601 time), found nothing",
      ),
    ],
  },
  {
    name: "released_at missing for an update_ready release",
    mutate: removeField("1.1.0.yaml", "released_at"),
    expected: [at("demo/1.1.0.yaml", 2, 9, "released_at: required when status is update_ready")],
  },
  {
    name: "released_at missing for a deprecated release",
    mutate: all(removeField("1.1.0.yaml", "released_at"), setField("1.1.0.yaml", "status", "deprecated")),
    expected: [at("demo/1.1.0.yaml", 2, 9, "released_at: required when status is deprecated")],
  },
  {
    name: "changelog empty for a released release",
    mutate: setField("1.0.0.yaml", "changelog", '""'),
    expected: [
      at(
        "demo/1.0.0.yaml",
        5,
        12,
        "changelog: expected a non-empty text for a release offered to sites (status released), found nothing",
      ),
    ],
  },
  {
    name: "changelog blank (only a space) for a testing release",
    mutate: writeLines("demo/1.2.0-beta.1.yaml", 'version: "1.2.0-beta.1"', "status: testing", 'changelog: " "'),
    expected: [
      at(
        "demo/1.2.0-beta.1.yaml",
        3,
        12,
        "changelog: expected a non-empty text for a release offered to sites (status testing)",
      ),
    ],
  },
  {
    name: "source missing for a released release (pointed at the status that needs it)",
    mutate: removeField("1.0.0.yaml", "source"),
    expected: [
      at(
        "demo/1.0.0.yaml",
        2,
        9,
        "source: required when status is released (expected the git commit that holds this release's source), found nothing",
      ),
    ],
  },

  // --- rules across fields and files ------------------------------------------------------------
  {
    name: "version not equal to the file name",
    mutate: setField("1.0.0.yaml", "version", '"1.0.1"'),
    expected: [at("demo/1.0.0.yaml", 1, 10, 'version: expected "1.0.0" (the file name), found "1.0.1"')],
  },
  {
    name: "invalid semver: 1.0",
    mutate: writeLines("demo/1.0.yaml", 'version: "1.0"', "status: draft"),
    expected: [
      at("demo/1.0.yaml", 1, 10, 'version: expected a semantic version like 1.2.3 or 1.3.0-beta.1, found "1.0"'),
    ],
  },
  {
    name: "invalid semver: v1.0.0",
    mutate: writeLines("demo/v1.0.0.yaml", "version: v1.0.0", "status: draft"),
    expected: [
      at("demo/v1.0.0.yaml", 1, 10, 'version: expected a semantic version like 1.2.3 or 1.3.0-beta.1, found "v1.0.0"'),
    ],
  },
  {
    name: "invalid semver: 01.0.0",
    mutate: writeLines("demo/01.0.0.yaml", "version: 01.0.0", "status: draft"),
    expected: [
      at("demo/01.0.0.yaml", 1, 10, 'version: expected a semantic version like 1.2.3 or 1.3.0-beta.1, found "01.0.0"'),
    ],
  },
  {
    name: "minor 100",
    mutate: writeLines("demo/1.100.0.yaml", "version: 1.100.0", "status: draft"),
    expected: [
      at(
        "demo/1.100.0.yaml",
        1,
        10,
        'version: minor and patch must be at most 99 (version_code = MAJOR*10000 + MINOR*100 + PATCH would collide), found "1.100.0"',
      ),
    ],
  },
  {
    name: "patch 100",
    mutate: writeLines("demo/1.0.100.yaml", "version: 1.0.100", "status: draft"),
    expected: [at("demo/1.0.100.yaml", 1, 10, "version: minor and patch must be at most 99")],
  },
  {
    name: "duplicate versions: 1.0.0 and 1.0.0+build.1 (each file names the other)",
    mutate: writeLines("demo/1.0.0+build.1.yaml", "version: 1.0.0+build.1", "status: draft"),
    expected: [
      at(
        "demo/1.0.0+build.1.yaml",
        1,
        10,
        "version: duplicate of releases/demo/1.0.0.yaml (both are 1.0.0 to a site comparing versions)",
      ),
      at(
        "demo/1.0.0.yaml",
        1,
        10,
        "version: duplicate of releases/demo/1.0.0+build.1.yaml (both are 1.0.0 to a site comparing versions)",
      ),
    ],
  },
  {
    name: "deprecation_reason on a released release",
    mutate: setField("1.0.0.yaml", "deprecation_reason", "Old."),
    expected: [
      at(
        "demo/1.0.0.yaml",
        6,
        21,
        "deprecation_reason: only meaningful when status is deprecated, found status released",
      ),
    ],
  },
  {
    name: "slug not equal to the folder name",
    mutate: setField("plugin.yaml", "slug", "other"),
    expected: [at("demo/plugin.yaml", 2, 7, 'slug: expected "demo" (the folder name), found "other"')],
  },
  {
    name: "an unsafe folder name",
    mutate: (repo) =>
      repo.write("releases/Bad_Name/plugin.yaml", DEMO_PLUGIN_YAML.replace("slug: demo", "slug: bad-name")),
    expected: [
      at(
        "Bad_Name/plugin.yaml",
        1,
        1,
        'folder name "Bad_Name" is not a safe slug: expected lower-case letters, digits and dashes, starting with a letter or digit',
      ),
    ],
  },
  {
    name: "plugin.yaml missing",
    mutate: (repo) => repo.remove("releases/demo/plugin.yaml"),
    expected: [at("demo/plugin.yaml", 1, 1, "missing file: every folder under releases/ needs a plugin.yaml")],
  },
  {
    name: "a stray file in a plugin folder",
    mutate: (repo) => repo.write("releases/demo/notes.txt", "remember to bump\n"),
    expected: [
      at("demo/notes.txt", 1, 1, "unexpected file: a plugin folder holds plugin.yaml and <version>.yaml files"),
    ],
  },
  {
    name: "a release file with the .yml extension",
    mutate: writeLines("demo/1.2.0.yml", "version: 1.2.0", "status: draft"),
    expected: [
      at("demo/1.2.0.yml", 1, 1, "unexpected file: a plugin folder holds plugin.yaml and <version>.yaml files"),
    ],
  },
  {
    name: "a release file in a subfolder",
    mutate: writeLines("demo/old/0.9.0.yaml", "version: 0.9.0", "status: draft"),
    expected: [
      at("demo/old/0.9.0.yaml", 1, 1, "unexpected file: a plugin folder holds plugin.yaml and <version>.yaml files"),
    ],
  },

  // --- icons and banners (issue 11 item 12) ------------------------------------------------------
  {
    name: "issue 11 item 12: an icon named in plugin.yaml that is not in assets/",
    mutate: (repo) => repo.write("releases/demo/plugin.yaml", `${DEMO_PLUGIN_YAML}icons:\n  svg: assets/icon.svg\n`),
    expected: [
      at("demo/plugin.yaml", 14, 8, "icons.svg: releases/demo/assets/icon.svg does not exist (put the image there"),
    ],
  },
  {
    name: "issue 11 item 12: an icon that is neither an image in assets/ nor a URL",
    mutate: (repo) => repo.write("releases/demo/plugin.yaml", `${DEMO_PLUGIN_YAML}icons:\n  1x: ../icon.png\n`),
    expected: [
      at(
        "demo/plugin.yaml",
        14,
        7,
        "icons.1x: expected an image in the plugin's assets/ folder, like assets/icon-256x256.png",
      ),
    ],
  },
  {
    name: "issue 11 item 12: an SVG icon with a script in it",
    mutate: (repo) => {
      repo.write("releases/demo/plugin.yaml", `${DEMO_PLUGIN_YAML}icons:\n  svg: assets/icon.svg\n`);
      repo.write(
        "releases/demo/assets/icon.svg",
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n',
      );
    },
    expected: [at("demo/assets/icon.svg", 1, 1, "assets/icon.svg contains a <script> element")],
  },
  {
    name: "issue 11 item 12: an SVG banner that loads an image from elsewhere",
    mutate: (repo) => {
      repo.write("releases/demo/plugin.yaml", `${DEMO_PLUGIN_YAML}banners:\n  low: assets/banner.svg\n`);
      repo.write(
        "releases/demo/assets/banner.svg",
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/p.png"/></svg>\n',
      );
    },
    expected: [at("demo/assets/banner.svg", 1, 1, "contains a reference to another file or address")],
  },
  {
    name: "issue 11 item 12: a .png icon whose bytes are not a PNG",
    mutate: (repo) => {
      repo.write("releases/demo/plugin.yaml", `${DEMO_PLUGIN_YAML}icons:\n  1x: assets/icon-128x128.png\n`);
      repo.write("releases/demo/assets/icon-128x128.png", "<html>not an image</html>\n");
    },
    expected: [at("demo/assets/icon-128x128.png", 1, 1, "assets/icon-128x128.png is not a PNG image")],
  },
  {
    name: "issue 11 item 12: an image in assets/ that plugin.yaml does not name",
    mutate: (repo) => repo.write("releases/demo/assets/icon.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>\n'),
    expected: [
      at("demo/assets/icon.svg", 1, 1, "unused image: name it in plugin.yaml (icons or banners), or remove it"),
    ],
  },

  // --- the pinned source ------------------------------------------------------------------------
  {
    name: "source: a commit that does not exist in the repository",
    mutate: setField("1.0.0.yaml", "source", `"${MISSING_COMMIT}"`),
    expected: [at("demo/1.0.0.yaml", 4, 9, `source: commit ${MISSING_COMMIT} does not exist in this repository`)],
  },
  {
    name: "source: a commit without the main file",
    mutate: pinToNewSource("1.1.0.yaml", (repo) => repo.remove("source/demo/demo.php")),
    expected: [at("demo/1.1.0.yaml", 4, 9, "has no demo.php in source/demo/ (main_file in releases/demo/plugin.yaml)")],
  },
  {
    name: "source: a commit without the plugin's source folder",
    mutate: pinToNewSource("1.1.0.yaml", (repo) => repo.remove("source/demo")),
    expected: [at("demo/1.1.0.yaml", 4, 9, "has no source/demo/ folder")],
  },
  {
    name: "source: a committed symlink that points outside the plugin folder",
    mutate: pinToNewSource("1.1.0.yaml", (repo) =>
      symlinkSync("../../etc/passwd", path.join(repo.root, "source/demo/passwd")),
    ),
    expected: [
      at("demo/1.1.0.yaml", 4, 9, "source: symlink passwd points outside the plugin folder (../../etc/passwd)"),
    ],
  },
  {
    name: "no source pinned and no source/demo/ in the working tree",
    mutate: all(
      (repo) => repo.remove("source/demo"),
      writeLines("demo/1.2.0-beta.1.yaml", 'version: "1.2.0-beta.1"', "status: testing", "changelog: Beta."),
    ),
    expected: [
      at("demo/1.2.0-beta.1.yaml", 1, 1, "source: source/demo/ does not exist and the release pins no source"),
    ],
  },
  {
    name: "sha256 recorded but not the one the build produces",
    mutate: setField("1.0.0.yaml", "sha256", `"${"0".repeat(64)}"`),
    expected: [at("demo/1.0.0.yaml", 6, 9, `not the recorded ${"0".repeat(64)}: a released package must not change`)],
  },
  {
    name: "the pinned main file has no Version: header",
    mutate: pinToNewSource("1.1.0.yaml", (repo) =>
      repo.write("source/demo/demo.php", demoMainFile("1.1.0").replace(" * Version: 1.1.0\n", "")),
    ),
    expected: [at("demo/1.1.0.yaml", 4, 9, 'has no "Version:" line in its plugin header')],
  },
  {
    name: "the pinned main file does not define the version constant",
    mutate: pinToNewSource("1.1.0.yaml", (repo) =>
      repo.write("source/demo/demo.php", demoMainFile("1.1.0").replace("DEMO_VERSION", "DEMO_V")),
    ),
    expected: [at("demo/1.1.0.yaml", 4, 9, "has no define('DEMO_VERSION', '...')")],
  },
  {
    name: "the packaged main file does not contain api_base",
    mutate: setField("plugin.yaml", "api_base", "https://api.other.example/api"),
    expected: [
      at(
        "demo/1.0.0.yaml",
        4,
        9,
        "source: packaged demo.php does not contain the api_base https://api.other.example/api",
      ),
      at(
        "demo/1.1.0.yaml",
        4,
        9,
        "source: packaged demo.php does not contain the api_base https://api.other.example/api",
      ),
    ],
  },

  // --- bytes that are not UTF-8 text (issue 9 item 8) -------------------------------------------
  {
    name: "issue 9 item 8: invalid UTF-8 (a Latin-1 é in a changelog) is pointed at, not published as U+FFFD",
    mutate: (repo) =>
      repo.write(
        "releases/demo/1.0.0.yaml",
        Buffer.concat([
          Buffer.from(`${release100(repo).slice(0, 4).join("\n")}\nchangelog: Caf`),
          Buffer.from([0xe9]),
          Buffer.from(".\n"),
        ]),
      ),
    expected: [at("demo/1.0.0.yaml", 5, 15, "invalid UTF-8 (byte 0xE9 at byte offset ")],
  },
  {
    name: "issue 9 item 8: invalid UTF-8 in plugin.yaml (a two-byte character cut short)",
    mutate: (repo) =>
      repo.write(
        "releases/demo/plugin.yaml",
        Buffer.concat([
          Buffer.from(DEMO_PLUGIN_YAML.slice(0, DEMO_PLUGIN_YAML.indexOf("author: Example") + "author: Exampl".length)),
          Buffer.from([0xc3]),
          Buffer.from(DEMO_PLUGIN_YAML.slice(DEMO_PLUGIN_YAML.indexOf("\nmain_file:"))),
        ]),
      ),
    expected: [at("demo/plugin.yaml", 6, 15, "invalid UTF-8 (byte 0xC3 at byte offset ")],
  },
  {
    name: "issue 9 item 8: a release file saved as UTF-16",
    mutate: (repo) =>
      repo.write("releases/demo/1.0.0.yaml", Buffer.from(`\ufeff${repo.read("releases/demo/1.0.0.yaml")}`, "utf16le")),
    expected: [at("demo/1.0.0.yaml", 1, 1, "invalid UTF-8 (byte 0xFF at byte offset 0): save the file as UTF-8")],
  },
  {
    name: "issue 9 item 8: a NUL character",
    mutate: setField("1.0.0.yaml", "changelog", "First.\0"),
    expected: [at("demo/1.0.0.yaml", 5, 18, "character U+0000 (a control character) is not allowed in YAML")],
  },
  {
    name: "issue 9 item 8: an escape character (U+001B, which can rewrite a terminal)",
    mutate: setField("1.0.0.yaml", "changelog", '"First.\x1b[2J"'),
    expected: [at("demo/1.0.0.yaml", 5, 19, "character U+001B (a control character) is not allowed in YAML")],
  },
  {
    name: "issue 9 item 8: a byte-order mark inside the file (only one at the very start is allowed)",
    mutate: setField("1.0.0.yaml", "changelog", "First.\ufeff"),
    expected: [at("demo/1.0.0.yaml", 5, 18, "character U+FEFF (a byte-order mark) is only allowed at the start")],
  },

  // --- YAML features that change what a value means (issue 9 item 12) -----------------------------
  {
    name: "issue 9 item 12: an unknown YAML tag (!evil)",
    mutate: setField("1.0.0.yaml", "changelog", "!evil First."),
    expected: [at("demo/1.0.0.yaml", 5, 12, "YAML tag !evil is not allowed")],
  },
  {
    name: "issue 9 item 12: a !!binary tag (read as bytes, not text)",
    mutate: setField("1.0.0.yaml", "changelog", "!!binary Rmlyc3Qu"),
    expected: [at("demo/1.0.0.yaml", 5, 12, "YAML tag !!binary is not allowed")],
  },
  {
    name: "issue 9 item 12: a standard tag (!!str) is refused too: quotes say the same",
    mutate: setField("plugin.yaml", "requires_php", "!!str 7.4"),
    expected: [at("demo/plugin.yaml", 9, 15, 'YAML tag !!str is not allowed (write text in quotes: "7.4")')],
  },
  {
    name: "issue 9 item 12: a verbatim tag on a mapping",
    mutate: (repo) =>
      repo.write(
        "releases/demo/plugin.yaml",
        `${DEMO_PLUGIN_YAML}banners: !<tag:evil.example,2026:x>\n  low: https://example.com/low.png\n`,
      ),
    expected: [at("demo/plugin.yaml", 13, 10, "YAML tag !<tag:evil.example,2026:x> is not allowed")],
  },
  {
    name: "issue 9 item 12: a %YAML 1.1 directive (yes would read as true)",
    mutate: (repo) =>
      repo.write("releases/demo/1.0.0.yaml", `%YAML 1.1\n---\n${repo.read("releases/demo/1.0.0.yaml")}`),
    expected: [at("demo/1.0.0.yaml", 1, 1, "YAML directive %YAML 1.1 is not allowed")],
  },
  {
    name: "issue 9 item 12: an anchor and an alias (one value written in two places)",
    mutate: all(
      setField("1.0.0.yaml", "changelog", "&notes First."),
      setField("1.0.0.yaml", "upgrade_notice", "*notes"),
    ),
    expected: [
      at("demo/1.0.0.yaml", 5, 12, "YAML anchor &notes is not allowed: write the value out"),
      at("demo/1.0.0.yaml", 6, 17, "YAML alias *notes is not allowed: write the value out"),
    ],
  },
  {
    name: "issue 9 item 12: a billion-laughs expansion (aliases of aliases)",
    mutate: writeLines(
      "demo/1.2.0.yaml",
      'version: "1.2.0"',
      "status: draft",
      `a: &a [${Array(9).fill("lol").join(", ")}]`,
      `b: &b [${Array(9).fill("*a").join(", ")}]`,
      `c: &c [${Array(9).fill("*b").join(", ")}]`,
    ),
    expected: [
      at("demo/1.2.0.yaml", 3, 4, "YAML anchor &a is not allowed"),
      at("demo/1.2.0.yaml", 4, 4, "YAML anchor &b is not allowed"),
      at("demo/1.2.0.yaml", 5, 4, "YAML anchor &c is not allowed"),
    ],
  },
  {
    name: "issue 9 item 12: a duplicate key in a nested mapping",
    mutate: (repo) =>
      repo.write(
        "releases/demo/plugin.yaml",
        `${DEMO_PLUGIN_YAML}banners:\n  low: https://example.com/a.png\n  low: https://example.com/b.png\n`,
      ),
    expected: [at("demo/plugin.yaml", 15, 3, 'invalid YAML: duplicate field "low" (already set on line 14)')],
  },
  {
    name: "issue 9 item 12: a __proto__ field",
    mutate: setField("1.0.0.yaml", "__proto__", "{ status: draft }"),
    expected: [at("demo/1.0.0.yaml", 6, 1, 'unknown field "__proto__"')],
  },

  {
    name: "issue 9 item 12: lists nested more than 16 levels deep (refused before the parser recurses)",
    mutate: setField("plugin.yaml", "exclude", `${"[".repeat(100000)}${"]".repeat(100000)}`),
    expected: [at("demo/plugin.yaml", 13, 25, "nested more than 16 levels deep")],
  },
  {
    name: "issue 9 item 12: a list as a field name",
    mutate: (repo) => repo.write("releases/demo/1.0.0.yaml", `${repo.read("releases/demo/1.0.0.yaml")}[a, b]: x\n`),
    expected: [at("demo/1.0.0.yaml", 6, 1, "a field name must be plain text, not a list or mapping")],
  },

  // --- what is not a plain file or folder under releases/ (issue 9 item 12) -----------------------
  {
    name: "issue 9 item 12: a symlinked release file",
    mutate: (repo) => {
      repo.write("notes/1.2.0.yaml", 'version: "1.2.0"\nstatus: draft\n');
      symlinkSync("../../notes/1.2.0.yaml", path.join(repo.root, "releases/demo/1.2.0.yaml"));
    },
    expected: [
      at("demo/1.2.0.yaml", 1, 1, "is a symlink (to ../../notes/1.2.0.yaml): releases/ must hold the files themselves"),
    ],
  },
  {
    name: "issue 9 item 12: a symlinked plugin folder",
    mutate: (repo) => {
      repo.write("elsewhere/other/plugin.yaml", DEMO_PLUGIN_YAML.replace("slug: demo", "slug: other"));
      symlinkSync("../elsewhere/other", path.join(repo.root, "releases/other"));
    },
    expected: [at("other", 1, 1, "is a symlink (to ../elsewhere/other): releases/ must hold the files themselves")],
  },
  {
    name: "issue 9 item 12: releases/ itself a symlink",
    mutate: (repo) => {
      renameSync(path.join(repo.root, "releases"), path.join(repo.root, "elsewhere"));
      symlinkSync("elsewhere", path.join(repo.root, "releases"));
    },
    expected: [
      {
        file: "releases",
        line: 1,
        col: 1,
        message: "is a symlink (to elsewhere): releases/ must hold the files themselves",
      },
    ],
  },
  {
    name: "issue 9 item 12: a version longer than 256 characters",
    mutate: setField("1.0.0.yaml", "version", `"${"1".repeat(257)}"`),
    expected: [at("demo/1.0.0.yaml", 1, 10, "version: expected at most 256 characters, found a text of 257")],
  },
  {
    name: "issue 9 item 12: a 300-digit number where a text belongs is quoted back shortened, not in full",
    mutate: setField("plugin.yaml", "requires_php", "7".repeat(300)),
    expected: [
      at(
        "demo/plugin.yaml",
        9,
        15,
        `requires_php: expected a text, found number ${"7".repeat(57)}... (write it in quotes: "${"7".repeat(57)}...")`,
      ),
    ],
  },
  {
    name: "issue 9 item 12: a symlink that points nowhere",
    mutate: (repo) => symlinkSync("missing.yaml", path.join(repo.root, "releases/demo/1.2.0.yaml")),
    expected: [at("demo/1.2.0.yaml", 1, 1, "is a symlink (to missing.yaml)")],
  },
  {
    name: "issue 9 item 12: a named pipe where a release file would be (reading it would wait forever)",
    mutate: (repo) => execFileSync("mkfifo", [path.join(repo.root, "releases/demo/1.2.0.yaml")]),
    expected: [at("demo/1.2.0.yaml", 1, 1, "is not a regular file")],
  },

  // --- sizes (issue 9 item 12) -------------------------------------------------------------------
  {
    name: "issue 9 item 12: a changelog longer than 65536 characters",
    mutate: setField("1.0.0.yaml", "changelog", "x".repeat(65537)),
    expected: [at("demo/1.0.0.yaml", 5, 12, "changelog: expected at most 65536 characters, found a text of 65537")],
  },
  {
    name: "issue 9 item 12: an upgrade notice longer than 4096 characters",
    mutate: setField("1.0.0.yaml", "upgrade_notice", "x".repeat(4097)),
    expected: [at("demo/1.0.0.yaml", 6, 17, "upgrade_notice: expected at most 4096 characters, found a text of 4097")],
  },
  {
    name: "issue 9 item 12: a deprecation reason longer than 4096 characters",
    mutate: all(
      setField("1.0.0.yaml", "status", "deprecated"),
      setField("1.0.0.yaml", "deprecation_reason", "x".repeat(4097)),
    ),
    expected: [
      at("demo/1.0.0.yaml", 6, 21, "deprecation_reason: expected at most 4096 characters, found a text of 4097"),
    ],
  },
  {
    name: "issue 9 item 12: a description longer than 65536 characters",
    mutate: setField("plugin.yaml", "description", "x".repeat(65537)),
    expected: [at("demo/plugin.yaml", 4, 14, "description: expected at most 65536 characters, found a text of 65537")],
  },
  {
    name: "issue 9 item 12: a plugin name longer than 200 characters",
    mutate: setField("plugin.yaml", "name", "x".repeat(201)),
    expected: [at("demo/plugin.yaml", 1, 7, "name: expected at most 200 characters, found a text of 201")],
  },
  {
    name: "issue 9 item 12: an author longer than 200 characters",
    mutate: setField("plugin.yaml", "author", "x".repeat(201)),
    expected: [at("demo/plugin.yaml", 6, 9, "author: expected at most 200 characters, found a text of 201")],
  },
  {
    name: "issue 9 item 12: more than 256 exclude patterns",
    mutate: setField("plugin.yaml", "exclude", `[${Array.from({ length: 257 }, (_, i) => `p${i}`).join(", ")}]`),
    expected: [at("demo/plugin.yaml", 13, 10, "exclude: expected at most 256 items, found 257")],
  },
  {
    name: "issue 9 item 12: a release file larger than 1 MiB (refused before it is parsed)",
    mutate: setField("1.0.0.yaml", "changelog", "x".repeat(1024 * 1024)),
    expected: [at("demo/1.0.0.yaml", 1, 1, "file is larger than 1 MiB (1048576 bytes), the limit for a YAML file")],
  },
  {
    name: "issue 9 item 12: a plugin.yaml larger than 1 MiB",
    mutate: (repo) => repo.write("releases/demo/plugin.yaml", `${DEMO_PLUGIN_YAML}# ${"x".repeat(1024 * 1024)}\n`),
    expected: [at("demo/plugin.yaml", 1, 1, "file is larger than 1 MiB")],
  },

  // --- URLs (issue 9 item 5) ---------------------------------------------------------------------
  {
    name: "issue 9 item 5: api_base with PHP in it (*/phpinfo();/*)",
    mutate: setField("plugin.yaml", "api_base", "https://api.example.com/x/*/phpinfo();/*"),
    expected: [
      at(
        "demo/plugin.yaml",
        12,
        11,
        'api_base: expected only letters, digits and - . _ ~ : / (and %XX escapes) in this URL, found "https://api.example.com/x/*/phpinfo();/*"',
      ),
    ],
  },
  {
    name: "issue 9 item 5: api_base with a space",
    mutate: setField("plugin.yaml", "api_base", "https://api.example.com/a b"),
    expected: [
      at(
        "demo/plugin.yaml",
        12,
        11,
        'api_base: expected only letters, digits and - . _ ~ : / (and %XX escapes) in this URL (as a browser writes it: "https://api.example.com/a%20b")',
      ),
    ],
  },
  {
    name: "issue 9 item 5: api_base with a query",
    mutate: setField("plugin.yaml", "api_base", "https://api.example.com/api?x=1"),
    expected: [at("demo/plugin.yaml", 12, 11, "api_base: expected no query (?...): paths are appended to this URL")],
  },
  {
    name: "issue 9 item 5: api_base with a fragment",
    mutate: setField("plugin.yaml", "api_base", "https://api.example.com/api#x"),
    expected: [at("demo/plugin.yaml", 12, 11, "api_base: expected no fragment (#...): paths are appended to this URL")],
  },
  {
    name: "issue 9 item 5: api_base with a trailing slash",
    mutate: setField("plugin.yaml", "api_base", "https://api.example.com/api/"),
    expected: [
      at(
        "demo/plugin.yaml",
        12,
        11,
        'api_base: expected no trailing slash ("https://api.example.com/api"): paths are appended to this URL',
      ),
    ],
  },
  {
    name: "issue 9 item 5: api_base with a user name and password",
    mutate: setField("plugin.yaml", "api_base", "https://user:secret@api.example.com/api"),
    expected: [at("demo/plugin.yaml", 12, 11, "api_base: expected a URL without a user name or password")],
  },
  {
    name: "issue 9 item 5: api_base with dot segments (not the URL a browser would request)",
    mutate: setField("plugin.yaml", "api_base", "https://api.example.com/x/../api"),
    expected: [
      at(
        "demo/plugin.yaml",
        12,
        11,
        'api_base: expected the URL as a browser reads it ("https://api.example.com/api")',
      ),
    ],
  },
  // --- api_base names the Worker's API (issue 11 item 2) -------------------------------------------
  ...(
    [
      ["an origin without /api (every URL built from it 404s)", "http://127.0.0.1:8841", "http://127.0.0.1:8841/api"],
      ["another path", "https://updates.example.com/v1/wp-updates", "https://updates.example.com/api"],
      ["/api below a path", "https://updates.example.com/feeds/api", "https://updates.example.com/api"],
      ["a path below /api", "https://updates.example.com/api/v2", "https://updates.example.com/api"],
    ] as const
  ).map(
    ([what, value, suggested]): Case => ({
      name: `issue 11 item 2: api_base is ${what}`,
      mutate: setField("plugin.yaml", "api_base", value),
      expected: [
        at(
          "demo/plugin.yaml",
          12,
          11,
          `api_base: expected the Worker's API URL ending in /api, such as ${suggested} (the Worker answers at <origin>/api/plugins/<slug>/<action>/ and nowhere else), found "${value}"`,
        ),
      ],
    }),
  ),
  {
    name: "issue 9 item 5: site_url closing a PHP string ('.phpinfo().')",
    mutate: setField("plugin.yaml", "site_url", "https://updates.example.com/'.phpinfo().'"),
    expected: [at("demo/plugin.yaml", 13, 11, "site_url: expected only letters, digits and - . _ ~ : /")],
  },
  {
    name: "issue 9 item 5: homepage in capitals (not the URL as a browser reads it)",
    mutate: setField("plugin.yaml", "homepage", "HTTPS://EXAMPLE.com/"),
    expected: [
      at("demo/plugin.yaml", 5, 11, 'homepage: expected the URL as a browser reads it ("https://example.com/")'),
    ],
  },
  {
    name: "issue 9 item 5: author_homepage with a user name",
    mutate: setField("plugin.yaml", "author_homepage", "http://user@example.com/"),
    expected: [at("demo/plugin.yaml", 13, 18, "author_homepage: expected a URL without a user name or password")],
  },
  {
    name: "issue 9 item 5: a banner URL with a double quote",
    mutate: (repo) =>
      repo.write("releases/demo/plugin.yaml", `${DEMO_PLUGIN_YAML}banners:\n  low: https://example.com/a"b.png\n`),
    expected: [
      at(
        "demo/plugin.yaml",
        14,
        8,
        'banners.low: expected only letters, digits and - . _ ~ : / ? # @ & = + , ; (and %XX escapes) in this URL (as a browser writes it: "https://example.com/a%22b.png")',
      ),
    ],
  },
  {
    name: "issue 9 item 5: an icon that is a javascript: URL",
    mutate: (repo) =>
      repo.write("releases/demo/plugin.yaml", `${DEMO_PLUGIN_YAML}icons:\n  svg: javascript:alert(1)\n`),
    expected: [at("demo/plugin.yaml", 14, 8, 'icons.svg: expected an http(s) URL, found "javascript:alert(1)"')],
  },
  {
    name: "issue 9 item 5: homepage with a % that is not an escape",
    mutate: setField("plugin.yaml", "homepage", "https://example.com/100%"),
    expected: [at("demo/plugin.yaml", 5, 11, "homepage: expected only letters, digits and")],
  },
  {
    name: "issue 9 item 5: a URL longer than 2048 characters",
    mutate: setField("plugin.yaml", "homepage", `https://example.com/${"x".repeat(2048)}`),
    expected: [at("demo/plugin.yaml", 5, 11, "homepage: expected at most 2048 characters, found a text of 2068")],
  },

  // --- every problem in one run -----------------------------------------------------------------
  {
    name: "three problems in three files: all reported in one run, sorted by file",
    mutate: all(
      setField("plugin.yaml", "retain", "-1"),
      setField("1.1.0.yaml", "rollout", "0"),
      setField("1.0.0.yaml", "status", "relased"),
    ),
    expected: [
      at("demo/1.0.0.yaml", 2, 9, `status: expected one of ${STATUSES}, found "relased"`),
      at("demo/1.1.0.yaml", 6, 10, "rollout: expected at least 1, found number 0"),
      at("demo/plugin.yaml", 13, 9, "retain: expected at least 0, found number -1"),
    ],
  },
];

/** The problem lines of the CLI's stderr (`file:line:col message`), parsed. */
function problemsIn(stderr: string): { file: string; line: number; col: number; message: string }[] {
  return stderr.split("\n").flatMap((text) => {
    const match = /^(\S+):(\d+):(\d+) (.*)$/.exec(text);
    if (!match) return [];
    const [, file = "", line = "", col = "", message = ""] = match;
    return [{ file, line: Number(line), col: Number(col), message }];
  });
}

/**
 * The template repository copied to a new folder, without its output and package cache. A copy
 * (instead of createDemoRepo per case) skips git init and the commits: most of a case's time.
 */
function copyRepository(template: DemoRepo): DemoRepo {
  const root = mkdtempSync(path.join(tmpdir(), "feedwright-validation-"));
  cpSync(template.root, root, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => !["dist", ".feedwright"].includes(path.relative(template.root, source)),
  });
  const repo: DemoRepo = {
    root,
    pins: template.pins,
    write(relativePath, content) {
      mkdirSync(path.dirname(path.join(root, relativePath)), { recursive: true });
      writeFileSync(path.join(root, relativePath), content);
    },
    read: (relativePath) => readFileSync(path.join(root, relativePath), "utf8"),
    remove: (relativePath) => rmSync(path.join(root, relativePath), { recursive: true, force: true }),
    git: (...args) =>
      execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim(),
    commit(message) {
      repo.git("add", "-A");
      repo.git("commit", "-q", "--allow-empty", "-m", message);
      return repo.git("rev-parse", "HEAD");
    },
    feedwright: (...args) => runFeedwright(args, { cwd: root, env: TEST_ENV }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
  return repo;
}

/** Exactly these problems, in this order, then the closing summary line. */
function expectProblems(expect: ExpectStatic, stderr: string, expected: Expected[]): void {
  expect(problemsIn(stderr)).toEqual(
    expected.map((problem) => ({ ...problem, message: expect.stringContaining(problem.message) })),
  );
  const count = expected.length;
  expect(stderr).toContain(`${count} problem${count === 1 ? "" : "s"} in the input; nothing was written\n`);
}

describe("bad input", () => {
  let template: DemoRepo;
  /** The output of a good build of the template, plus a file the build never writes. */
  let previousOutput: Map<string, Buffer>;

  beforeAll(async () => {
    template = createDemoRepo();
    // Fewer files to copy per case: objects in one pack, no sample hooks.
    template.git("gc", "--quiet");
    template.remove(".git/hooks");
    const result = await template.feedwright("build", "--out", "dist", "--quiet");
    expect(result).toMatchObject({ code: 0 });
    previousOutput = snapshotFiles(path.join(template.root, "dist"));
    expect([...previousOutput.keys()]).toContain("plugins/demo/demo-v1.1.0.zip");
    previousOutput.set("keep.txt", Buffer.from("not written by feedwright\n"));
  });
  afterAll(() => template.cleanup());

  /** A fresh copy of the template: git history included, no output, a cold package cache. */
  function copyOfTemplate(onTestFinished: (cleanup: () => void) => void): DemoRepo {
    const repo = copyRepository(template);
    onTestFinished(() => repo.cleanup());
    return repo;
  }

  /** dist/ as a good build left it, plus keep.txt. */
  function placePreviousOutput(repo: DemoRepo): void {
    for (const [file, bytes] of previousOutput) repo.write(`dist/${file}`, bytes);
  }

  /** Same files, same bytes, and no staging or previous folder left beside it. */
  function expectOutputUntouched(expect: ExpectStatic, repo: DemoRepo): void {
    expect(snapshotFiles(path.join(repo.root, "dist"))).toEqual(previousOutput);
    expect(readdirSync(repo.root).filter((name) => name.startsWith("dist"))).toEqual(["dist"]);
  }

  // Each case has its own repository and output folder, so they can run side by side.
  it.concurrent.for(cases)("$name", async ({ mutate, expected }, { expect, onTestFinished }) => {
    const repo = copyOfTemplate(onTestFinished);
    mutate(repo);
    placePreviousOutput(repo);

    const build = await repo.feedwright("build", "--out", "dist");
    expectProblems(expect, build.stderr, expected);
    expect(build.code).toBe(1);
    expectOutputUntouched(expect, repo);

    const validate = await repo.feedwright("validate");
    expectProblems(expect, validate.stderr, expected);
    expect(validate.code).toBe(1);
    expectOutputUntouched(expect, repo);
  });

  it("covers at least 30 kinds of bad input", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });
});
