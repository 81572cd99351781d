// What every floor trigger shares: the description of a community webhook trigger at typeVersion 1.1 (like ours) and
// the answer it writes itself (like ours, so that n8n saves static data before the execution starts).
import type { INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

export function floorDescription(name: string, displayName: string, credential?: string): INodeTypeDescription {
	return {
		displayName,
		name,
		group: ['trigger'],
		version: [1, 1.1],
		defaultVersion: 1.1,
		description: 'A benchmark floor: starts the workflow with the request body',
		defaults: { name: displayName },
		inputs: [],
		outputs: ['main'],
		credentials: credential ? [{ name: credential, required: true }] : [],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [],
	};
}

/** Answers 200 itself and starts the workflow with the body as one item. */
export function accept(context: IWebhookFunctions): IWebhookResponseData {
	context.getResponseObject().status(200).json({ received: true, accepted: true });
	return { noWebhookResponse: true, workflowData: [[{ json: context.getBodyData() }]] };
}

/** Answers 401 itself and starts nothing. */
export function refuse(context: IWebhookFunctions): IWebhookResponseData {
	context.getResponseObject().status(401).json({ code: 'FLOOR-401', message: 'The delivery did not authenticate.' });
	return { noWebhookResponse: true };
}
