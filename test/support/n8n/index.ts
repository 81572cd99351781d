// In-process n8n test harness: see docs/drafts/testing.md.
export { runWorkflow, runNode, TestWorkflow } from './harness';
export type {
	HarnessOptions,
	HookOptions,
	InputItems,
	NodeJson,
	RunNodeOptions,
	RunOptions,
	RunResult,
	WebhookCallOptions,
	WebhookResult,
	WorkflowJson,
} from './harness';
export { testCredential } from './credential-test';
export type { CredentialTestOptions } from './credential-test';
export { TestCredentialsHelper } from './credentials-helper';
export type { CredentialEntry, CredentialsInput } from './credentials-helper';
export { MANUAL_TRIGGER_TYPE } from './node-types';
export type { AnyNodeType } from './node-types';
export type { CapturedResponse, WebhookRequestInput } from './fake-http';
export { startLoopbackServer } from './loopback-server';
export type { LoopbackServer, RecordedRequest } from './loopback-server';
export { captureLogs } from './logger';
export type { LogCapture, LogLevel, LogLine } from './logger';
