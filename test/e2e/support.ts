// One real n8n (or, in queue mode, a main, a webhook processor and a worker around Redis) with this package loaded,
// the Azure DevOps emulator on 127.0.0.1, an owner logged in and a credential pointing at the emulator.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { FABRIKAM_TOKEN, startEmulator, type Emulator, type EmulatorOptions } from '../emulator';
import * as n8n from '../../scripts/lib/n8n';

for (const key of ['NO_PROXY', 'no_proxy']) {
	const current = process.env[key];
	process.env[key] = current ? `${current},127.0.0.1,localhost` : '127.0.0.1,localhost';
}

export const CREDENTIAL_NAME = 'Azure DevOps (emulator)';
export const PROJECT = 'Service Desk';

/** The n8n line under test: N8N_E2E_MAJOR (set by scripts/e2e.js), 2 by default. */
export function majorUnderTest(): 1 | 2 {
	return process.env.N8N_E2E_MAJOR === '1' ? 1 : 2;
}

export interface Stack {
	major: 1 | 2;
	version: string;
	emu: Emulator;
	main: n8n.N8nHandle;
	/** Where deliveries and tickets are sent: the main instance, or the webhook processor in queue mode. */
	webhookBase: string;
	processes: n8n.N8nHandle[];
	rest: n8n.Rest;
	credentialId: string;
	projectUrl: string;
	/** Every log line the n8n processes wrote so far. */
	logs(): string;
	importWorkflow(wf: Record<string, unknown>): Promise<string>;
	stop(): Promise<void>;
}

export interface StackOptions {
	major?: 1 | 2;
	/** n8n's queue mode: Redis, a main, a webhook processor and a worker. */
	queue?: boolean;
	env?: Record<string, string | number | undefined>;
	/** Folders of further community packages to load beside this one (the benchmarks' floor triggers). */
	packages?: string[];
	/** Extra emulator options (e.g. `bearer`, to take Microsoft Entra tokens from a fake Entra ID). */
	emulator?: EmulatorOptions;
}

function workFolder(name: string): string {
	const dir = path.join(n8n.ROOT, '.tmp', 'e2e', `${name}-${Date.now()}-${crypto.randomBytes(3).toString('hex')}`);
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

export function redisServerPath(): string | undefined {
	for (const candidate of ['/usr/bin/redis-server', '/usr/sbin/redis-server', '/usr/local/bin/redis-server']) {
		if (fs.existsSync(candidate)) return candidate;
	}
	const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
	return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

async function startRedis(dir: string): Promise<{ port: number; child: ChildProcess }> {
	const bin = redisServerPath();
	if (!bin) throw new Error('redis-server is not installed (Debian: apt-get install redis-server)');
	const port = await n8n.freePort();
	const child = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
		stdio: 'ignore',
		detached: true,
	});
	await n8n.waitFor('redis-server', async () => {
		const net = await import('node:net');
		return new Promise<boolean>((resolve) => {
			const s = net.connect(port, '127.0.0.1', () => {
				s.write('PING\r\n');
			});
			s.on('data', (d) => {
				s.destroy();
				resolve(d.toString().startsWith('+PONG'));
			});
			s.on('error', () => resolve(false));
		});
	}, 15000);
	return { port, child };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
	const major = options.major ?? majorUnderTest();
	n8n.ensureN8n(major);
	const dir = workFolder(`n8n${major}${options.queue ? '-queue' : ''}`);
	const userFolder = path.join(dir, 'user');
	n8n.linkPackage(userFolder);
	for (const dir of options.packages ?? []) n8n.linkPackage(userFolder, dir);
	const emu = await startEmulator({ allowLocalhostConsumers: true, ...options.emulator });
	const processes: n8n.N8nHandle[] = [];
	let redis: { port: number; child: ChildProcess } | undefined;
	const stopAll = async (): Promise<void> => {
		for (const p of [...processes].reverse()) await p.stop();
		if (redis) await n8n.stopGroup(redis.child);
		await emu.stop();
	};
	try {
		const encryptionKey = crypto.randomBytes(24).toString('hex');
		const env: Record<string, string | number | undefined> = { N8N_LOG_LEVEL: 'debug', ...options.env };
		let webhookPort: number | undefined;
		if (options.queue) {
			redis = await startRedis(dir);
			webhookPort = await n8n.freePort();
			Object.assign(env, {
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: redis.port,
				// production webhooks go to the webhook processor, as behind a load balancer
				WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/`,
				// the main instance does not take production webhooks itself in a real queue set-up
				N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
				OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			});
		}
		const main = await n8n.startN8n({ major, userFolder, encryptionKey, env, logFile: path.join(dir, 'n8n-main.log') });
		processes.push(main);
		let webhookBase = main.url;
		if (options.queue) {
			const worker = await n8n.startN8n({
				major,
				userFolder,
				encryptionKey,
				command: 'worker',
				env: { ...env, QUEUE_HEALTH_CHECK_PORT: await n8n.freePort() },
				logFile: path.join(dir, 'n8n-worker.log'),
			});
			processes.push(worker);
			const webhook = await n8n.startN8n({
				major,
				userFolder,
				encryptionKey,
				port: webhookPort,
				command: 'webhook',
				env,
				logFile: path.join(dir, 'n8n-webhook.log'),
			});
			processes.push(webhook);
			webhookBase = webhook.url;
		}
		const rest = await n8n.restSession(main.url);
		const orgUrl = emu.orgUrl('fabrikam');
		const credential = await rest('POST', '/credentials', {
			name: CREDENTIAL_NAME,
			type: 'azureDevOpsApi',
			data: { organizationUrl: orgUrl, accessToken: FABRIKAM_TOKEN, allowHttp: true },
		});
		return {
			major,
			version: main.version,
			emu,
			main,
			webhookBase,
			processes,
			rest,
			credentialId: String(credential.id),
			projectUrl: `${orgUrl}/${encodeURIComponent(PROJECT)}`,
			logs: () => processes.map((p) => p.log()).join('\n'),
			async importWorkflow(wf) {
				const created = await rest('POST', '/workflows', { ...wf, active: false });
				return String(created.id);
			},
			stop: stopAll,
		};
	} catch (e) {
		await stopAll();
		throw e;
	}
}

/** An example workflow from examples/, pointed at this stack's emulator and credential. */
export function example(stack: Stack, file: string): ReturnType<typeof n8n.exampleWorkflow> {
	return n8n.exampleWorkflow(file, { credentialId: stack.credentialId, credentialName: CREDENTIAL_NAME, projectUrl: stack.projectUrl });
}

/** Waits until n8n has recorded `count` finished executions of a workflow and returns them, oldest first. */
export async function waitForExecutions(stack: Stack, workflowId: string, count: number, timeoutMs = 30000): Promise<n8n.Execution[]> {
	let list: n8n.ExecutionSummary[] = [];
	await n8n.waitFor(
		`${count} finished execution(s) of workflow ${workflowId}`,
		async () => {
			const all = await n8n.listExecutions(stack.rest, workflowId);
			list = all.filter((e) => e.status !== 'running' && e.status !== 'new' && e.status !== 'waiting');
			return list.length >= count;
		},
		timeoutMs,
		300,
	);
	const sorted = [...list].sort((a, b) => Number(a.id) - Number(b.id));
	return Promise.all(sorted.map((e) => n8n.getExecution(stack.rest, stack.major, e.id)));
}

export { n8n };
