/**
 * Every error feedwright expects to meet, in one place. Each carries the exit status the CLI
 * returns for it and the lines it prints (`report()`), so scripts/cli.ts catches once: a
 * FeedwrightError is the user's to fix; anything else is a bug in feedwright, printed as
 * "internal error, please report" with its stack and EXIT_INTERNAL.
 */
import { formatProblem, type Problem, sortProblems } from "./problems.ts";

/** Done (also: a check ran and found nothing wrong). */
export const EXIT_OK = 0;
/** Bad input: a release file, a key, a source, a feed that does not check out. */
export const EXIT_INPUT = 1;
/** Bad usage: an option or argument of the wrong form, an output folder that must not be replaced. */
export const EXIT_USAGE = 2;
/** A bug in feedwright, not in what it was given (70 is EX_SOFTWARE in BSD's sysexits.h). */
export const EXIT_INTERNAL = 70;

/** The base of every expected error: a message for the user and the exit status it means. */
export class FeedwrightError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT_INPUT) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }

  /** The lines the CLI prints on stderr. */
  report(): string[] {
    return [`error: ${this.message}`];
  }
}

/** The input cannot be built; carries every problem found, not just the first. */
export class InputError extends FeedwrightError {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(`${problems.length} problem${problems.length === 1 ? "" : "s"} in the input`, EXIT_INPUT);
    this.problems = sortProblems(problems);
  }

  /** Every problem as file:line:col, so an editor can jump to it, then the count. */
  override report(): string[] {
    return [...this.problems.map(formatProblem), `${this.message}; nothing was written`];
  }
}

/** Bad usage the option parser cannot see (a value of the wrong form). */
export class UsageError extends FeedwrightError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}

/** No signing key (or download-URL key) where one is needed, or one that cannot be read. */
export class MissingKeyError extends FeedwrightError {}

/** A development key that may have leaked: tracked by git, not ignored, or readable by others. */
export class UnsafeKeyError extends MissingKeyError {}

/** Text that is not a key of the expected form (base64 of a 32-byte Ed25519 seed or public key). */
export class KeyFormatError extends FeedwrightError {}

/** A `sites import` file that cannot be read, is not a JSON list, or holds bad entries; nothing was stored. */
export class SitesImportError extends FeedwrightError {
  readonly file: string;
  /** What is wrong, one text per bad entry (or one for the whole file). */
  readonly entries: string[];
  constructor(file: string, entries: string[]) {
    super(`${file}: ${entries.length === 1 ? entries[0] : `${entries.length} bad entries`}; nothing was stored`);
    this.file = file;
    this.entries = entries;
  }

  /** Every bad entry on a line of its own, so all of them are fixed in one go. */
  override report(): string[] {
    if (this.entries.length === 1) return [`error: ${this.message}`];
    return [...this.entries.map((entry) => `error: ${this.file}: ${entry}`), `error: ${this.message}`];
  }
}

/** wrangler, which stores the sites' API keys in KV, failed. */
export class WranglerError extends FeedwrightError {}

/**
 * A release command (release, promote, rollforward) refused, nothing written; or a plugin or
 * release a command names (sign-url) that the release tree does not have or package.
 */
export class ReleaseError extends FeedwrightError {}

/** A plugin's source cannot be read (a commit not in the clone, a symlink out of the folder). */
export class SourceError extends FeedwrightError {}

/** A file in the source whose path cannot go into a package (see describeUnsafePath). */
export class UnsafePathError extends SourceError {}

/** The output target is one a build must not replace (the repository, an input, someone's folder). */
export class OutputTargetError extends FeedwrightError {
  constructor(target: string, reason: string) {
    super(`refusing to write the output to ${target}: ${reason}`, EXIT_USAGE);
  }
}

/** Another live build is writing the same output and did not finish in time. */
export class OutputBusyError extends FeedwrightError {}

/** The signed feed a build would publish has already expired: every site would refuse it. */
export class ExpiredFeedError extends FeedwrightError {}

/** Nothing can be checked (no feed.json, or its address does not answer). */
export class VerifyError extends FeedwrightError {}

/** The Worker answered an admin command (`feedwright stats`, `feedwright rollout`) with an error, or could not be reached. */
export class WorkerError extends FeedwrightError {}
