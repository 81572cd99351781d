// A test-only node that sends one request through the real transport, so the transport is exercised exactly as
// the product nodes use it: inside n8n's engine, with n8n's request helper and our credentials' authenticate().
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import {
	azureDevOpsRequest,
	type AzureDevOpsCredentialType,
	type AzureDevOpsRequest,
} from '../../nodes/AzureDevOpsConnector/transport/request';
import type { Route } from '../../nodes/AzureDevOpsConnector/transport/versions';

// The probe sends raw paths; their version is negotiated as for the core area's projects route (7.1, released).
const PROBE_ROUTE: Route = { feature: 'the probe', area: 'core', locationId: '603fe2ac-9723-48b9-88ad-09305aa6c6e1', version: '7.1' };

export const PROBE_TYPE = 'n8n-nodes-azure-devops-connector.transportProbe';

export class TransportProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Transport Probe',
		name: 'transportProbe',
		group: ['transform'],
		version: 1,
		description: 'Sends the request given as JSON through the transport',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'azureDevOpsApi', required: false },
			{ name: 'azureDevOpsMultiOrgApi', required: false },
		],
		properties: [
			{ displayName: 'Credential Type', name: 'credentialType', type: 'string', default: 'azureDevOpsApi' },
			{ displayName: 'Request', name: 'request', type: 'json', default: '{}' },
		],
		usableAsTool: true,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			const credentialType = this.getNodeParameter('credentialType', i) as AzureDevOpsCredentialType;
			const raw = this.getNodeParameter('request', i) as string | object;
			const request = (typeof raw === 'string' ? JSON.parse(raw) : raw) as AzureDevOpsRequest;
			const response = await azureDevOpsRequest.call(this, credentialType, { ...request, route: request.route ?? PROBE_ROUTE, itemIndex: i });
			out.push({
				json: {
					status: response.status,
					body: response.body as IDataObject,
					attempts: response.attempts,
					rateLimit: { ...response.rateLimit },
				},
				pairedItem: { item: i },
			});
		}
		return [out];
	}
}
