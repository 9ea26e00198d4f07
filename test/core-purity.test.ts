/**
 * The core (scripts/core) is pure: it decides everything the build writes from what it is
 * handed, and touches no disk, process, subprocess or clock. Git, time and keys are passed in
 * by scripts/build.ts and the I/O layer (scripts/io). This test is the rule's enforcement.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const CORE = path.resolve(import.meta.dirname, "..", "scripts", "core");
const CONTRACT = path.resolve(import.meta.dirname, "..", "scripts", "contract");

/** Modules the core may not import: the disk, subprocesses, the process, timers, the network. */
const FORBIDDEN_MODULES =
  /^(node:)?(fs|fs\/promises|child_process|process|os|net|http|https|timers|timers\/promises|worker_threads|cluster|dgram|dns|readline|tty|perf_hooks)$/;

interface Finding {
  file: string;
  line: number;
  what: string;
}

/** Each line of a source without its `//` comment, with the modules it imports. */
function scanLines(text: string): { line: number; code: string; imports: string[] }[] {
  return text.split("\n").map((line, index) => {
    const code = line.replace(/\/\/.*$/, "");
    const imports = [...code.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)["']([^"']+)["']/g)].map(
      (match) => match[1] ?? "",
    );
    return { line: index + 1, code, imports };
  });
}

/** Every way a core source reaches outside itself, with its line. */
function findImpurities(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  for (const { line, code, imports } of scanLines(text)) {
    const at = { file, line };
    for (const specifier of imports) {
      if (FORBIDDEN_MODULES.test(specifier)) findings.push({ ...at, what: `imports ${specifier}` });
      if (/^\.\.\/(io|commands|dev)\//.test(specifier) || /^\.\.\/[^/]+\.ts$/.test(specifier))
        findings.push({ ...at, what: `imports ${specifier} (outside the core)` });
    }
    if (/\bprocess\s*\./.test(code)) findings.push({ ...at, what: "reads process" });
    if (/\bDate\.now\s*\(/.test(code)) findings.push({ ...at, what: "reads the clock (Date.now)" });
    if (/\bnew\s+Date\s*\(\s*\)/.test(code)) findings.push({ ...at, what: "reads the clock (new Date())" });
    if (/\bperformance\.now\s*\(/.test(code)) findings.push({ ...at, what: "reads the clock (performance.now)" });
    if (/\bimport\.meta\.(dirname|filename|url)\b/.test(code))
      findings.push({ ...at, what: "finds files on disk (import.meta)" });
  }
  return findings;
}

describe("the pure core", () => {
  it("imports no disk, process, subprocess or clock, and nothing outside scripts/core", () => {
    const files = readdirSync(CORE).filter((name) => name.endsWith(".ts") || name.endsWith(".js"));
    expect(files.length).toBeGreaterThan(10);
    const findings = files.flatMap((name) =>
      findImpurities(`scripts/core/${name}`, readFileSync(path.join(CORE, name), "utf8")),
    );
    expect(findings.map((f) => `${f.file}:${f.line} ${f.what}`)).toEqual([]);
  });

  it("the check catches each kind of impurity", () => {
    const found = (text: string) => findImpurities("x.ts", text).map((finding) => finding.what);
    expect(found('import { readFile } from "node:fs/promises";')).toEqual(["imports node:fs/promises"]);
    expect(found('import fs from "fs";')).toEqual(["imports fs"]);
    expect(found('const { execFile } = await import("node:child_process");')).toEqual(["imports node:child_process"]);
    expect(found("const root = process.cwd();")).toEqual(["reads process"]);
    expect(found("const now = new Date();")).toEqual(["reads the clock (new Date())"]);
    expect(found("const t = Date.now();")).toEqual(["reads the clock (Date.now)"]);
    expect(found('import { GitRepository } from "../io/source-reader.ts";')).toEqual([
      "imports ../io/source-reader.ts (outside the core)",
    ]);
    expect(found('const at = new Date("2026-01-01T00:00:00Z"); // new Date() in a comment')).toEqual([]);
  });
});

/**
 * What a contract file reaches outside itself: the contract runs in the Worker too, so it may
 * import only its own files and semver, and use no Node global (WebCrypto and TextEncoder only).
 */
function findContractLeaks(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  for (const { line, code, imports } of scanLines(text)) {
    const at = { file, line };
    for (const specifier of imports) {
      if (!/^\.\/[a-z-]+\.ts$/.test(specifier) && specifier !== "semver")
        findings.push({ ...at, what: `imports ${specifier}` });
    }
    if (/\b(Buffer|process|require|__dirname)\b/.test(code.replace(/^\s*\*.*$/, "")))
      findings.push({ ...at, what: "uses a Node global" });
  }
  return findings;
}

describe("the contract (scripts/contract)", () => {
  it("imports only itself and semver, and no Node global: the Worker bundles it", () => {
    const files = readdirSync(CONTRACT).filter((name) => name.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(8);
    const findings = files.flatMap((name) =>
      findContractLeaks(`scripts/contract/${name}`, readFileSync(path.join(CONTRACT, name), "utf8")),
    );
    expect(findings.map((f) => `${f.file}:${f.line} ${f.what}`)).toEqual([]);
  });

  it("the check catches a Node import, a build import and a Node global", () => {
    const found = (text: string) => findContractLeaks("x.ts", text).map((finding) => finding.what);
    expect(found('import { createHash } from "node:crypto";')).toEqual(["imports node:crypto"]);
    expect(found('import { STATUS_RULES } from "../core/schema.ts";')).toEqual(["imports ../core/schema.ts"]);
    expect(found('const bytes = Buffer.from("x");')).toEqual(["uses a Node global"]);
    expect(found('import { ROLLOUT } from "./rollout.ts";')).toEqual([]);
  });
});
