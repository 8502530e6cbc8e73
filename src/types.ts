/**
 * Shared vocabulary of Runway (see docs/concepts.md): releases, runs, steps, measurements.
 * Everything here is plain data so it can be stored, printed and written to evidence as JSON.
 */

/** Outcome of one measurement. "failed" = measured something bad; "error" = could not measure. */
export type Phase = 'successful' | 'failed' | 'error' | 'inconclusive';

/** One measurement taken by a check provider (shaped like Argo Rollouts' metric measurements). */
export interface Measurement {
  phase: Phase;
  /** The measured value (status code, latency in ms, exit code, query result …). */
  value?: unknown;
  /** Human-readable explanation, e.g. `status 503, expected 200`. */
  message: string;
  startedAt: string;
  finishedAt: string;
  metadata?: Record<string, unknown>;
}

/** A check's name, kind and the measurement it produced. */
export interface CheckResult {
  name: string;
  kind: string;
  measurement: Measurement;
}

/** An immutable release: git commit + digest of the built artifact + digest of the config. */
export interface Release {
  /** Short stable id, e.g. `3f2a9c1-8d0e4b7a`. */
  id: string;
  sha: string;
  artifactDigest: string;
  configDigest: string;
  /** True when built from a working tree with uncommitted changes (`--allow-dirty`). */
  dirty: boolean;
  /** Absolute path of the built release directory that every environment runs. */
  dir: string;
  createdAt: string;
  /** First line of the commit message, for people. */
  subject?: string;
}

export type RunKind = 'deploy' | 'promote' | 'rollback' | 'rehearsal';

/**
 * How a run ended. `rolled_back`: the run deployed, something failed and the environment was put back on
 * its known-good release. `refused`: a gate stopped it before anything changed. `abandoned`: its process
 * died and a later run found its lock stale.
 */
export type RunOutcome = 'running' | 'successful' | 'failed' | 'rolled_back' | 'cancelled' | 'refused' | 'abandoned';

export type StepStatus = 'pending' | 'running' | 'successful' | 'failed' | 'skipped' | 'cancelled';

/** What one step of a run did. */
export interface StepResult {
  index: number;
  name: string;
  kind: string;
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  exitCode?: number;
  timedOut?: boolean;
  /** Step log path relative to the evidence bundle. */
  log?: string;
  error?: string;
  continueOnError?: boolean;
  checks?: CheckResult[];
  /** Free-form details a step wants in the evidence (e.g. the release switched to). */
  details?: Record<string, unknown>;
}

/** Set when a step failed after all its attempts and a person has to look. */
export interface Escalation {
  step: string;
  attempts: number;
  error: string;
  logs: string[];
}

/** An approval that let a run proceed: who (the verified signer when signed), when, with which key. */
export interface CountedApproval {
  who: string;
  at: string;
  signed: boolean;
  /** The verified signing key, e.g. `ED25519 SHA256:…`. */
  key?: string;
}

/** What the governance gates decided for a run: the approvals that let it proceed, and a freeze it overrode. */
export interface RunGovernance {
  approvals?: {
    required: number;
    counted: CountedApproval[];
    /** Approvals given that did not count, and why. */
    refused: Array<{ who: string; why: string }>;
    checklist: Array<{ item: string; verify?: string; by: string[] }>;
  };
  freezeOverride?: {
    /** The freeze overridden, e.g. `weekend` or `ad-hoc freeze`. */
    freeze: string;
    /** When it ends, local time with offset, and its time zone. */
    until: string;
    timezone: string;
    by: string;
    /** The entry of freeze.override that let the actor in (a name or group:<name>). */
    via: string;
    reason: string;
  };
}

/** What the policy for automated actors judged of a run: the actor's kind, each step's effect class and decision. */
export interface RunPolicy {
  actorKind: 'human' | 'ci' | 'agent';
  /** What the kind was detected from, e.g. `RUNWAY_ACTOR_KIND`, `GITHUB_ACTIONS`, `a terminal`. */
  detectedFrom: string;
  /** Whether runway.yaml has `policy:` (without it nothing is refused). */
  enforced: boolean;
  steps: Array<{ step: string; effect: 'read' | 'local' | 'remote'; decision: 'allow' | 'needs-approval' | 'refuse' }>;
  /** Protected paths the release changes since known-good, each with the pattern it matched. */
  protected?: Array<{ path: string; pattern: string }>;
  /** Who approved what needed an approval. */
  approvedBy?: string[];
}

/** One execution of a pipeline. */
export interface RunRecord {
  id: string;
  kind: RunKind;
  environment: string;
  release: Release;
  actor: string;
  /** The actor's kind and the policy's decisions (absent in runs recorded before the policy). */
  policy?: RunPolicy;
  /** The command line that started the run, e.g. `runway deploy staging`. */
  command: string;
  startedAt: string;
  finishedAt?: string;
  outcome: RunOutcome;
  /** Reason given by a person (rollback, unlock, override) or by Runway (refusal). */
  reason?: string;
  allowDirty?: boolean;
  escalation?: Escalation;
  /** Release the environment was rolled back to, when this run rolled back. */
  rolledBackTo?: string;
  /** What triggered the rollback, e.g. `check http GET /health failed: status 500, expected 200`. */
  rollbackTrigger?: string;
  /** Release that was live before this run. */
  previousRelease?: string;
  migrations?: string[];
  steps: StepResult[];
  /** Relative path of the evidence bundle from the project root. */
  evidence?: string;
  /** What each notification target was sent and whether it got it (a failed delivery never fails the run). */
  notifications?: NotificationRecord[];
  /** The approvals that let the run proceed and the freeze it overrode, when the environment has them. */
  governance?: RunGovernance;
  /** The release log's record of this run (absent for refused runs and runs recorded before the release log). */
  releaseLog?: ReleaseRecord;
  /** For a rehearsal run: the release rehearsed, the release it rolled back to, and where the environment was left. */
  rehearsal?: RunRehearsal;
  /** The CI job that started the run (GitHub Actions: the workflow run's URL), absent outside CI. */
  ci?: RunCi;
}

/** The CI job a run was started from. */
export interface RunCi {
  provider: 'github-actions';
  /** The workflow run's page, e.g. `https://github.com/acme/shop/actions/runs/123`. */
  url: string;
  repository: string;
  workflow?: string;
  attempt?: string;
  sha?: string;
  ref?: string;
}

/** What a rollback rehearsal did: deploy `release`, roll back to `rollbackTo`, check it, deploy `release` again. */
export interface RunRehearsal {
  /** The release rehearsed (X). */
  release: string;
  /** The release it rolled back to (Y). */
  rollbackTo: string;
  /** The release the environment serves after the run, when it moved traffic. */
  leftOn?: string;
  /** Whether `leftOn` passed the environment's checks in this run. */
  leftOnPassed?: boolean;
  /** One line: where the environment was left and why. */
  summary: string;
}

/** One release log entry: what a run released to an environment, for people (report.md, journals, `runway releases`). */
export interface ReleaseRecord {
  environment: string;
  runId: string;
  kind: RunKind;
  outcome: RunOutcome;
  /** When the run started (ISO). */
  date: string;
  sha: string;
  release: string;
  migrations: string[];
  /** Subjects of the commits since the environment's known-good release, newest first (at most releaseLog.highlights). */
  highlights: string[];
  /** How many commits since known-good were left out of `highlights`. */
  moreHighlights?: number;
  /** The known-good release the highlights start from; absent when the environment had none. */
  since?: string;
  /** Why there are no highlights, when git could not say (e.g. a commit missing from a shallow clone). */
  highlightsNote?: string;
  /** Checklist items a person signed off in the approvals, and who. */
  manualTests: Array<{ item: string; by: string[] }>;
  /** releaseLog.monitoring templates filled in for this run. */
  monitoring: Array<{ name: string; url: string }>;
  rollbackTrigger?: string;
  rolledBackTo?: string;
}

/** One notification: an event sent (or not) to one target, after its retries. */
export interface NotificationRecord {
  /** Event type, e.g. `run.finished`. */
  event: string;
  /** The target's name, e.g. `slack hooks.slack.com` (never its URL, which may hold a token). */
  target: string;
  status: 'delivered' | 'failed';
  attempts: number;
  /** When the event was emitted. */
  at: string;
  durationMs: number;
  /** HTTP status of the last attempt, when there was a response. */
  httpStatus?: number;
  error?: string;
}
