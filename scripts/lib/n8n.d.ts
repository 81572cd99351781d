// Types of scripts/lib/n8n.js for the TypeScript tests and benchmarks that drive a real n8n.
// Bodies from n8n's REST API are typed `any` on purpose: the tests assert their shape.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { ChildProcess } from 'node:child_process';

export const ROOT: string;
export const HOST: string;
export const PACKAGE_NAME: string;

export interface Runtime {
	n8n: string;
	node: string | null;
	dir: string;
	/** Folder with the package.json and package-lock.json it is installed from. */
	recipe: string;
}
export const RUNTIMES: Record<1 | 2, Runtime>;
export function runtime(major: number): Runtime;
export function ensureN8n(major: number, log?: (msg: string) => void): Runtime;
export function linkPackage(userFolder: string, dir?: string): void;
export function freePort(): Promise<number>;

export interface HttpResult {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: any;
	text: string;
}
export function request(
	method: string,
	url: string,
	options?: { body?: unknown; headers?: Record<string, string>; raw?: string | Buffer; timeoutMs?: number },
): Promise<HttpResult>;
/** Polls `check` until it returns something truthy (which it resolves to), or throws after `timeoutMs`. */
export function waitFor<T>(
	what: string,
	check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
	timeoutMs: number,
	intervalMs?: number,
): Promise<T>;
export function sleep(ms: number, options?: { unref?: boolean }): Promise<void>;

export interface N8nHandle {
	major: number;
	version: string;
	url: string;
	port: number;
	brokerPort: number;
	encryptionKey: string;
	userFolder: string;
	child: ChildProcess;
	logFile: string;
	log(): string;
	stop(): Promise<void>;
}
export function startN8n(options: {
	major?: number;
	userFolder: string;
	port?: number;
	brokerPort?: number;
	encryptionKey?: string;
	command?: 'start' | 'worker' | 'webhook';
	args?: string[];
	env?: Record<string, string | number | undefined>;
	logFile?: string;
	readyTimeoutMs?: number;
}): Promise<N8nHandle>;
export function stopGroup(child: ChildProcess, graceMs?: number): Promise<void>;

export interface Rest {
	(method: string, url: string, body?: unknown): Promise<any>;
	raw(method: string, url: string, body?: unknown): Promise<HttpResult>;
	headers: Record<string, string>;
	ownerCreated: boolean;
	login: { email: string; password: string };
}
export function restSession(
	baseUrl: string,
	owner?: { email?: string; password?: string; firstName?: string; lastName?: string },
): Promise<Rest>;
export function activateWorkflow(rest: Rest, id: string): Promise<void>;
export function deactivateWorkflow(rest: Rest, id: string): Promise<void>;
export function flattedParse(major: number): (text: string) => any;

export interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
	finished?: boolean;
	startedAt?: string;
	workflowId: string;
}
export function listExecutions(rest: Rest, workflowId: string): Promise<ExecutionSummary[]>;
export interface Execution extends ExecutionSummary {
	data: unknown;
	parsed: any;
	runData: Record<string, Array<{ data?: { main?: Array<Array<{ json: Record<string, any> }>> }; error?: unknown }>>;
}
export function getExecution(rest: Rest, major: number, id: string): Promise<Execution>;
export function nodeOutput(execution: Execution, nodeName: string): Array<Record<string, any>>;
export function exampleWorkflow(
	file: string,
	options: {
		credentialId: string;
		credentialName: string;
		projectUrl: string;
		/** The service-desk stand-in of the two-way examples: its URL and an HTTP Header Auth credential. */
		serviceDesk?: { url: string; credentialId: string; credentialName: string };
	},
): { name: string; nodes: Array<Record<string, any>>; connections: Record<string, unknown>; [key: string]: unknown };
export function waitForWebhook(url: string, timeoutMs?: number): Promise<void>;
