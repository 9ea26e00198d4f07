/**
 * One error module: every error feedwright expects derives from FeedwrightError and carries
 * its exit status; the CLI catches once, and anything else is an internal error (exit 70)
 * printed with its stack.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../scripts/cli.ts";
import {
  EXIT_INPUT,
  EXIT_INTERNAL,
  EXIT_OK,
  EXIT_USAGE,
  ExpiredFeedError,
  FeedwrightError,
  InputError,
  KeyFormatError,
  MissingKeyError,
  OutputBusyError,
  OutputTargetError,
  ReleaseError,
  SitesImportError,
  SourceError,
  UnsafeKeyError,
  UnsafePathError,
  UsageError,
  VerifyError,
  WranglerError,
} from "../scripts/core/errors.ts";

const SCRIPTS = path.resolve(import.meta.dirname, "..", "scripts");

describe("the error classes", () => {
  it.each([
    ["InputError", new InputError([{ file: "releases/a.yaml", line: 1, col: 1, message: "x" }]), EXIT_INPUT],
    ["UsageError", new UsageError("x"), EXIT_USAGE],
    ["MissingKeyError", new MissingKeyError("x"), EXIT_INPUT],
    ["UnsafeKeyError", new UnsafeKeyError("x"), EXIT_INPUT],
    ["KeyFormatError", new KeyFormatError("x"), EXIT_INPUT],
    ["WranglerError", new WranglerError("x"), EXIT_INPUT],
    ["ReleaseError", new ReleaseError("x"), EXIT_INPUT],
    ["SourceError", new SourceError("x"), EXIT_INPUT],
    ["UnsafePathError", new UnsafePathError("x"), EXIT_INPUT],
    ["OutputTargetError", new OutputTargetError("dist", "it is the home folder"), EXIT_USAGE],
    ["OutputBusyError", new OutputBusyError("x"), EXIT_INPUT],
    ["VerifyError", new VerifyError("x"), EXIT_INPUT],
    ["ExpiredFeedError", new ExpiredFeedError("x"), EXIT_INPUT],
    ["SitesImportError", new SitesImportError("sites.json", ["x"]), EXIT_INPUT],
  ] as const)("%s exits %i", (name, error, code) => {
    expect(error).toBeInstanceOf(FeedwrightError);
    expect(error.name).toBe(name);
    expect(error.exitCode).toBe(code);
  });

  it("keeps the subclasses' families: an unsafe key is a missing key, an unsafe path a source error", () => {
    expect(new UnsafeKeyError("x")).toBeInstanceOf(MissingKeyError);
    expect(new UnsafePathError("x")).toBeInstanceOf(SourceError);
  });

  it("reports every problem of an InputError as file:line:col, sorted, then the count", () => {
    const error = new InputError([
      { file: "releases/b.yaml", line: 2, col: 3, message: "second" },
      { file: "releases/a.yaml", line: 9, col: 1, message: "first" },
    ]);
    expect(error.report()).toEqual([
      "releases/a.yaml:9:1 first",
      "releases/b.yaml:2:3 second",
      "2 problems in the input; nothing was written",
    ]);
    expect(new ReleaseError("no plugin").report()).toEqual(["error: no plugin"]);
  });

  it("issue 11 item 10: the README's exit status table is the one scripts/core/errors.ts defines", () => {
    const readme = readFileSync(path.join(SCRIPTS, "..", "README.md"), "utf8");
    const table = readme.slice(readme.indexOf("| status | means"));
    const rows = table.slice(0, table.indexOf("\n\n"));
    const statuses = [...rows.matchAll(/^\| (\d+) +\| (\S+ \S+)/gm)].map((match) => [Number(match[1]), match[2]]);
    expect(statuses).toEqual([
      [EXIT_OK, "done (a"],
      [EXIT_INPUT, "bad input:"],
      [EXIT_USAGE, "bad usage:"],
      [EXIT_INTERNAL, "an internal"],
    ]);
    expect(new SitesImportError("sites.json", ["x"]).exitCode).toBe(EXIT_INPUT);
  });

  it("are all declared in scripts/core/errors.ts", () => {
    const declaredElsewhere = (readdirSync(SCRIPTS, { recursive: true }) as string[])
      .filter((file) => file.endsWith(".ts") && file !== path.join("core", "errors.ts"))
      .filter((file) => /class \w+ extends \w*Error\b/.test(readFileSync(path.join(SCRIPTS, file), "utf8")));
    expect(declaredElsewhere).toEqual([]);
  });
});

describe("the command line's one catch", () => {
  async function runWith(stdout: (text: string) => void, ...args: string[]) {
    let stderr = "";
    const code = await main(args, {
      cwd: SCRIPTS,
      env: {},
      stdout,
      stderr: (text) => {
        stderr += text;
      },
    });
    return { code, stderr };
  }

  it("prints an unexpected error as an internal error with its stack, and exits 70", async () => {
    // A fault feedwright does not expect: writing to stdout fails.
    const result = await runWith(() => {
      throw new TypeError("stdout went away");
    }, "--version");
    expect(result.code).toBe(EXIT_INTERNAL);
    expect(EXIT_INTERNAL).toBe(70);
    expect(result.stderr).toMatch(
      /^internal error, please report: stdout went away\nTypeError: stdout went away\n\s+at /,
    );
  });

  it("prints an expected error as one line and exits with its code", async () => {
    const result = await runWith(() => {}, "sign-url", "demo", "--version", "1.0.0", "--base", "https://x.test");
    expect(result).toEqual({
      code: EXIT_INPUT,
      stderr: "error: DOWNLOAD_URL_KEY is not set: use the same value as the Worker's secret\n",
    });
  });

  it("maps a refused output folder to bad usage", async () => {
    const result = await runWith(() => {}, "build", "--root", "..", "--out", "..");
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toMatch(
      /^error: refusing to write the output to .*: it is the releases repository \(--root\)\n$/,
    );
  });
});
