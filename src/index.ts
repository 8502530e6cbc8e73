/**
 * Runway as a library: the config types and loader, the engine (plan, deploy, promote, rollback), targets,
 * checks, evidence and redaction. The CLI (`bin/runway.js`) is a thin layer over these.
 */
export * from './types.js';
export * from './errors.js';
export type {
  Config, EnvironmentConfig, CheckConfig, HttpCheckConfig, CommandCheckConfig, StepConfig, LocalTargetConfig,
} from './config/schema.js';
export { configSchema, jsonSchema } from './config/schema.js';
export { loadConfig, type LoadedConfig } from './config/load.js';
export { parseConfig } from './config/parse.js';
export { toMs, formatMs } from './config/duration.js';
export { openProject, type ProjectContext, type OpenOptions } from './engine/context.js';
export { buildPlan, type Plan, type PlannedStep, type PlanInput } from './engine/plan.js';
export { executeRun, checkRequires, type RunOptions } from './engine/deploy.js';
export { promote, promotionCandidate, type PromoteOptions } from './engine/promote.js';
export { isRun, rollback, type AlreadyServing, type RollbackOptions } from './engine/rollback.js';
export { resolveCurrentRelease, currentSource } from './engine/release.js';
export { memoryReporter, teeReporter, type Reporter } from './engine/reporter.js';
export { terminalReporter } from './cli/reporter.js';
export { runCheck, checkName } from './checks/index.js';
export type { CheckProvider, CheckContext } from './checks/check.js';
export type { Target, TargetContext, TargetStatus, VersionInfo } from './targets/target.js';
export { createLocalTarget } from './targets/local/index.js';
export { TARGETS, loadTarget } from './targets/index.js';
export { verifyEvidence, type VerifyResult } from './evidence/verify.js';
export { Redactor } from './secrets/redact.js';
export { Sensitive } from './secrets/sensitive.js';
export { runCli } from './cli/main.js';
