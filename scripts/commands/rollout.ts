/**
 * `feedwright rollout halt|resume <slug> <version> --url <worker> [--reason TEXT]`: what the
 * rollout guard does when it trips, by hand (scripts/contract/rollout-guard.ts). It posts to the
 * Worker's admin endpoint (POST /api/plugins/<slug>/rollout/, with ADMIN_TOKEN from the
 * environment only); the halt lives in the Worker: nothing in git or the signed feed changes.
 */
import type { Command } from "commander";
import {
  ROLLOUT_ACTIONS,
  ROLLOUT_REASON_MAX,
  type RolloutAction,
  type RolloutChangeAnswer,
  type RolloutRequestBody,
} from "../contract/index.ts";
import { UsageError } from "../core/errors.ts";
import { adminTokenOf, callWorker, workerActionUrl } from "../io/worker-admin.ts";
import { type CommandContext, environmentOf, printJson, reportingJsonErrors, withRootOption } from "./context.ts";
import { renderRollouts } from "./stats.ts";

interface RolloutOptions {
  url: string;
  reason?: string;
  json?: boolean;
}

const DESCRIPTIONS: Record<RolloutAction, string> = {
  halt: "Stop offering a release and serving its package to sites not already on it (the Worker's admin token from $ADMIN_TOKEN).",
  resume:
    "Offer a halted release again to its rollout; its guard stays disarmed until the rollout is raised (admin token from $ADMIN_TOKEN).",
};

export function addRolloutCommand(program: Command, context: CommandContext): void {
  const rollout = program
    .command("rollout")
    .description(
      "Halt or resume a release's rollout on the Worker, by hand (what the rollout guard does when it trips).",
    );
  for (const action of ROLLOUT_ACTIONS) addRolloutAction(rollout, action, context);
}

function addRolloutAction(rollout: Command, action: RolloutAction, { io }: CommandContext): void {
  withRootOption(
    rollout
      .command(action)
      .description(DESCRIPTIONS[action])
      .argument("<slug>")
      .argument("<version>")
      .requiredOption(
        "--url <url>",
        "where the Worker answers, e.g. https://updates.example.com or http://127.0.0.1:8787",
      )
      .option("--reason <text>", `why, in one line (at most ${ROLLOUT_REASON_MAX} characters): kept with the ${action}`)
      .option("--json", "print the Worker's answer as JSON"),
    "unused: the rollout is the Worker's at --url",
  )
    .addHelpText(
      "after",
      `\nExamples:\n  $ feedwright rollout ${action} my-plugin 1.3.0 --url https://updates.example.com --reason "${
        action === "halt" ? "checkout pages fail on PHP 8.1" : "fixed by the host's PHP update"
      }"\n  $ feedwright rollout ${action} my-plugin 1.3.0 --url http://127.0.0.1:8787 --json\n  (with ADMIN_TOKEN set to the Worker's secret, in the environment: never on the command line)`,
    )
    .action(async (slug: string, version: string, options: RolloutOptions) =>
      reportingJsonErrors(options.json, io, async () => {
        const token = adminTokenOf(environmentOf(io));
        const url = workerActionUrl(options.url, slug, "rollout");
        const reason = options.reason?.trim();
        if (reason !== undefined && reason.length > ROLLOUT_REASON_MAX)
          throw new UsageError(`--reason: ${reason.length} characters, at most ${ROLLOUT_REASON_MAX}`);
        const body: RolloutRequestBody = { action, version, ...(reason ? { reason } : {}) };
        const answer = await callWorker<RolloutChangeAnswer>(url, token, body);
        if (options.json) {
          printJson(io, answer);
          return;
        }
        io.stdout(`${answer.slug} ${answer.message}\n`);
        io.stdout(`${renderRollouts([answer]).slice(1).join("\n")}\n`);
      }),
    );
}
