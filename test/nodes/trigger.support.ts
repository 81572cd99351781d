// Shared set-up for the trigger tests: the Azure DevOps Connector Trigger in an n8n test workflow, an n8n "front door"
// on 127.0.0.1 that hands every HTTP request to the harness's webhook() call (as n8n's webhook server would), and the
// emulator delivering service hooks to it over real HTTP.
import * as fs from 'fs';
import * as path from 'path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsMultiOrgApi } from '../../credentials/AzureDevOpsMultiOrgApi.credentials';
import { AzureDevOpsManagedIdentityApi } from '../../credentials/AzureDevOpsManagedIdentityApi.credentials';
import { AzureDevOpsServicePrincipalApi } from '../../credentials/AzureDevOpsServicePrincipalApi.credentials';
import { AzureDevOpsWebhookAuthApi } from '../../credentials/AzureDevOpsWebhookAuthApi.credentials';
import { AzureDevOpsConnectorTrigger } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnectorTrigger.node';
import { FABRIKAM_TOKEN, type Emulator } from '../emulator';
import {
	TestWorkflow,
	startLoopbackServer,
	type CredentialsInput,
	type LoopbackServer,
	type WebhookResult,
} from '../support/n8n';

export const TRIGGER_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnectorTrigger';
export const TRIGGER = 'Azure DevOps Connector Trigger';
export const SERVICE_DESK = 'Service Desk';

/** A Basic-auth Service Hook Secret, as an admin would enter it on the credential and on the subscription. */
export const HOOK_USER = 'azure-devops';
/** A canary: it must never show up in an answer, an item or a log. */
export const HOOK_CANARY = 'hook-canary-7d1f0c2e9b';
export const HOOK_HEADER_VALUE = 'Bearer hdr-canary-5a4e8c1d77f0';

export function basicAuth(user: string, password: string): string {
	return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** One of the official sample deliveries (test/fixtures/service-hooks), as a fresh object. */
export function sample(eventType: string): IDataObject {
	const dir = path.join(__dirname, '..', 'fixtures', 'service-hooks');
	return JSON.parse(fs.readFileSync(path.join(dir, `${eventType}.json`), 'utf8')) as IDataObject;
}

export interface TriggerRig {
	workflow: TestWorkflow;
	/** The n8n front door: every request it got, and what the trigger answered. */
	door: LoopbackServer;
	results: WebhookResult[];
	/** Production webhook URL of the trigger. */
	url: string;
	testUrl: string;
	close(): Promise<void>;
}

export interface RigOptions {
	parameters?: INodeParameters;
	credentials?: CredentialsInput;
	staticData?: IDataObject;
	/** Static data as n8n's webhook server handles it: a copy per delivery, saved back whole (see HarnessOptions). */
	staticDataPerRequest?: boolean;
	/** The origin of the webhook URLs n8n reports (WEBHOOK_URL); the loopback front door's by default. */
	origin?: string;
}

/** The credentials a user would set up against the emulator (http on localhost allowed). */
export function emulatorCredentials(emu: Emulator, extra: CredentialsInput = {}): CredentialsInput {
	return {
		azureDevOpsApi: {
			id: 'ado-1',
			name: 'Fabrikam',
			data: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: FABRIKAM_TOKEN, allowHttp: true },
		},
		azureDevOpsWebhookAuthApi: {
			id: 'hook-1',
			name: 'Service hook secret',
			data: { authType: 'basicAuth', user: HOOK_USER, password: HOOK_CANARY },
		},
		...extra,
	};
}

/** Builds a workflow holding only the trigger, and a front door that forwards requests into its webhook(). */
export async function triggerRig(emu: Emulator | undefined, options: RigOptions = {}): Promise<TriggerRig> {
	const results: WebhookResult[] = [];
	const holder: { workflow?: TestWorkflow } = {};
	const door = await startLoopbackServer(async (request) => {
		const workflow = holder.workflow;
		if (!workflow) return { status: 503, body: 'not ready' };
		const mode = request.url.startsWith('/webhook-test/') ? 'manual' : 'webhook';
		const result = await workflow.webhook(
			TRIGGER,
			{ method: request.method, headers: request.headers as Record<string, string>, body: Buffer.from(request.body) },
			{ mode },
		);
		results.push(result);
		const body = result.response.body;
		return { status: result.response.status, body: typeof body === 'string' ? body : (body as object) };
	});
	const credentials = options.credentials ?? (emu ? emulatorCredentials(emu) : {});
	const credentialRefs = Object.fromEntries(
		Object.entries(credentials).map(([type, entry]) => {
			const first = Array.isArray(entry) ? entry[0] : entry;
			return [type, { id: first.id ?? `${type}-1`, name: first.name ?? `${type} 1` }];
		}),
	);
	const workflow = new TestWorkflow(
		{
			nodes: [
				{
					name: TRIGGER,
					type: TRIGGER_TYPE,
					webhookId: 'c0ffee00-0000-4000-8000-000000000005',
					parameters: {
						authentication: 'azureDevOpsApi',
						project: { __rl: true, mode: 'name', value: SERVICE_DESK },
						...options.parameters,
					},
					credentials: credentialRefs,
				},
			],
			connections: {},
		},
		{
			nodeTypes: { [TRIGGER_TYPE]: new AzureDevOpsConnectorTrigger() },
			credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi(), new AzureDevOpsServicePrincipalApi(), new AzureDevOpsManagedIdentityApi(), new AzureDevOpsWebhookAuthApi()],
			credentials,
			staticData: options.staticData,
			staticDataPerRequest: options.staticDataPerRequest,
			origin: options.origin ?? door.url,
		},
	);
	holder.workflow = workflow;
	return {
		workflow,
		door,
		results,
		url: workflow.webhookUrl(TRIGGER),
		testUrl: workflow.webhookUrl(TRIGGER, { isTest: true }),
		close: async () => await door.close(),
	};
}

/** Delivers a body straight into webhook() (no HTTP), for the many small cases. */
export async function deliver(
	rig: TriggerRig,
	body: unknown,
	headers: Record<string, string> = { authorization: basicAuth(HOOK_USER, HOOK_CANARY) },
): Promise<WebhookResult> {
	return await rig.workflow.webhook(TRIGGER, { headers, body });
}

/** The one item an accepted delivery emits. */
export function emitted(result: WebhookResult): IDataObject {
	expect(result.error).toBeUndefined();
	expect(result.workflowData).toBeDefined();
	expect(result.workflowData?.[0]).toHaveLength(1);
	return result.workflowData![0][0].json;
}

/** What a refused or ignored delivery answered, after checking that no execution started. */
export function answered(result: WebhookResult): { status: number; body: IDataObject } {
	expect(result.error).toBeUndefined();
	expect(result.workflowData).toBeUndefined();
	return { status: result.response.status, body: result.response.body as IDataObject };
}
