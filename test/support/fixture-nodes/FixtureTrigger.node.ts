// Fixture webhook trigger: checks a shared secret (401 written by the node itself), drops
// repeated delivery ids kept in static data, and registers its own subscription with
// webhookMethods, storing the subscription id and a generated secret in static data.
// Test fixtures never ship: they have no icon files and are not listed in package.json, which
// these package-level rules expect (the rules' own checks are what the real nodes must pass).
/* eslint-disable @n8n/community-nodes/icon-validation, @n8n/community-nodes/require-node-description-fields, @n8n/community-nodes/no-credential-reuse, @n8n/community-nodes/valid-credential-references */
import { randomBytes } from 'crypto';
import {
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

interface FixtureStaticData extends IDataObject {
	subscriptionId?: string;
	secret?: string;
	seen?: string[];
	deliveries?: number;
}

async function api(this: IHookFunctions, method: 'GET' | 'POST' | 'DELETE', url: string, body?: IDataObject) {
	const credentials = await this.getCredentials('fixtureBearerApi');
	return (await this.helpers.httpRequestWithAuthentication.call(this, 'fixtureBearerApi', {
		method,
		baseURL: String(credentials.baseUrl),
		url,
		body,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	})) as { statusCode: number; body: IDataObject };
}

export class FixtureTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fixture Trigger',
		name: 'fixtureTrigger',
		subtitle: 'webhook',
		group: ['trigger'],
		version: 1,
		description: 'Test fixture for the n8n harness',
		defaults: { name: 'Fixture Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'fixtureBearerApi', required: false }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'fixture', responseData: 'noData' }],
		properties: [{ displayName: 'Secret', name: 'secret', type: 'string', default: '' }],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node') as FixtureStaticData;
				if (!data.subscriptionId) return false;
				const found = await api.call(this, 'GET', `/subscriptions/${data.subscriptionId}`);
				if (found.statusCode === 404) delete data.subscriptionId;
				return found.statusCode === 200 && found.body.url === this.getNodeWebhookUrl('default');
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node') as FixtureStaticData;
				const secret = randomBytes(16).toString('hex');
				const created = await api.call(this, 'POST', '/subscriptions', {
					url: this.getNodeWebhookUrl('default') ?? '',
					secret,
				});
				if (created.statusCode !== 200) throw new Error(`Subscription refused: ${JSON.stringify(created.body)}`);
				data.subscriptionId = String(created.body.id);
				data.secret = secret;
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node') as FixtureStaticData;
				if (!data.subscriptionId) return true;
				const deleted = await api.call(this, 'DELETE', `/subscriptions/${data.subscriptionId}`);
				if (deleted.statusCode !== 204 && deleted.statusCode !== 404) return false;
				delete data.subscriptionId;
				delete data.secret;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const data = this.getWorkflowStaticData('node') as FixtureStaticData;
		const expected = data.secret ?? (this.getNodeParameter('secret') as string);
		if (this.getHeaderData()['x-fixture-secret'] !== expected) {
			this.getResponseObject().status(401).json({ code: 'FIX-401', message: 'Bad secret' });
			return { noWebhookResponse: true };
		}
		const body = this.getBodyData();
		const id = String(body.id);
		data.seen ??= [];
		if (data.seen.includes(id)) return {};
		data.seen.push(id);
		data.deliveries = (data.deliveries ?? 0) + 1;
		const raw = (this.getRequestObject() as unknown as { rawBody: Buffer }).rawBody;
		return {
			workflowData: [
				[{ json: { id, event: body.event as string, delivery: data.deliveries, rawLength: raw.length } }],
			],
		};
	}
}
