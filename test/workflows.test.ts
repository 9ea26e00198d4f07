/**
 * The GitHub workflows, read as data: actions pinned to commits, least privilege, full
 * history, secrets only through env, and every command they run exists in this project.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runFeedwright } from "./support/run-cli.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const DIR = path.join(ROOT, ".github/workflows");
const packageJson = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  steps?: Step[];
  uses?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflows = readdirSync(DIR)
  .filter((name) => name.endsWith(".yml"))
  .map((name) => ({ name, workflow: parse(readFileSync(path.join(DIR, name), "utf8")) as Workflow }));

const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps ?? []);
const commandLines = (workflow: Workflow) =>
  steps(workflow)
    .flatMap((step) => (step.run ?? "").split("\n"))
    .map((line) => line.trim())
    .filter(Boolean);

async function feedwrightKnows(command: string[]): Promise<boolean> {
  const { code } = await runFeedwright([...command, "--help"], { cwd: ROOT });
  return code === 0;
}

describe("workflows", () => {
  it("cover pull requests, merges to main and the scheduled re-sign", () => {
    expect(workflows.map((w) => w.name).sort()).toEqual(["publish.yml", "pull-request.yml", "resign.yml"]);
    const byName = Object.fromEntries(workflows.map((w) => [w.name, w.workflow]));
    expect(Object.keys(byName["pull-request.yml"]?.on ?? {})).toEqual(["pull_request"]);
    expect(byName["publish.yml"]?.on.push).toEqual({ branches: ["main"] });
    expect(Object.keys(byName["resign.yml"]?.on ?? {})).toContain("schedule");
  });

  it.each(workflows)("$name pins every action to a full commit SHA", ({ workflow }) => {
    const uses = steps(workflow).flatMap((step) => (step.uses ? [step.uses] : []));
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
  });

  it.each(workflows)("$name reads by default and grants more only to the job that needs it", ({ workflow }) => {
    expect(workflow.permissions).toEqual({ contents: "read" });
    const allowedWrites = new Set(["pull-requests", "contents"]);
    for (const job of Object.values(workflow.jobs)) {
      expect(job.permissions, "every job states its permissions").toBeDefined();
      for (const [scope, level] of Object.entries(job.permissions ?? {})) {
        if (level === "write") expect(allowedWrites.has(scope), scope).toBe(true);
      }
    }
  });

  it.each(workflows)("$name checks out the full history (pinned sources, the serial)", ({ workflow }) => {
    for (const step of steps(workflow).filter((s) => s.uses?.startsWith("actions/checkout@"))) {
      const isResignCommit = step.with?.ref === "main" && !("fetch-depth" in (step.with ?? {}));
      if (!isResignCommit) expect(step.with?.["fetch-depth"]).toBe(0);
    }
  });

  it.each(workflows)("$name passes secrets only through env, never inline in a command", ({ workflow }) => {
    for (const line of commandLines(workflow)) expect(line).not.toMatch(/\$\{\{\s*(secrets|github\.event)\./);
  });

  it.each(workflows)("$name runs only commands this project has", async ({ workflow }) => {
    let checked = 0;
    for (const line of commandLines(workflow)) {
      for (const match of line.matchAll(/npx feedwright ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/g)) {
        const words = [match[1] ?? "", ...(match[2] ? [match[2]] : [])];
        const known = (await feedwrightKnows(words)) || (await feedwrightKnows(words.slice(0, 1)));
        expect(known, `feedwright ${words.join(" ")}`).toBe(true);
        checked += 1;
      }
      for (const match of line.matchAll(/npm (?:run ([\w:-]+)|(test))/g)) {
        expect(packageJson.scripts[match[1] ?? match[2] ?? ""], line).toBeDefined();
        checked += 1;
      }
      for (const match of line.matchAll(/bash (scripts\/[\w./-]+)/g)) {
        expect(existsSync(path.join(ROOT, match[1] ?? "")), line).toBe(true);
        checked += 1;
      }
      if (/npx wrangler /.test(line)) {
        expect(packageJson.devDependencies.wrangler).toBeDefined();
        const config = /--config (\S+)/.exec(line)?.[1];
        expect(config && existsSync(path.join(ROOT, config)), line).toBe(true);
        checked += 1;
      }
    }
    if (workflow.jobs.publish?.uses) expect(existsSync(path.join(ROOT, workflow.jobs.publish.uses))).toBe(true);
    else expect(checked).toBeGreaterThan(0);
  });
});
