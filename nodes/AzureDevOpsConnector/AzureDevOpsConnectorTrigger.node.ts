import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { credentialTest, listSearch } from './methods';
import { EVENT_OPTIONS, triggerProperties } from './trigger/description';
import { checkExists, create, deleteSubscription } from './trigger/subscription';
import { handleDelivery } from './trigger/webhook';
import { webhookSecretCheck } from './trigger/webhookAuth';

export class AzureDevOpsConnectorTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Azure DevOps Connector Trigger',
		name: 'azureDevOpsConnectorTrigger',
		icon: { light: 'file:azureDevOps.svg', dark: 'file:azureDevOps.dark.svg' },
		group: ['trigger'],
		// 1.1 behaves exactly as 1. n8n treats a start node of version 1 as its old Webhook node and evaluates an
		// expression of that node's options on every request (in an isolated VM on 2.x); from 1.1 on it does not.
		version: [1, 1.1],
		defaultVersion: 1.1,
		// The chosen events in the words of Azure DevOps' dialog ("Work Item Updated"), not their values.
		subtitle: `={{ $parameter["events"].join(", ")${EVENT_OPTIONS.map(
			(option) => `.replaceAll(${JSON.stringify(option.value)}, ${JSON.stringify(option.name)})`,
		).join('')} }}`,
		description:
			'Starts the workflow when an Azure DevOps work item changes, with the ticket it came from and the ticket state it maps to',
		defaults: { name: 'Azure DevOps Connector Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'azureDevOpsApi',
				required: true,
				displayOptions: { show: { authentication: ['azureDevOpsApi'] } },
			},
			{
				name: 'azureDevOpsMultiOrgApi',
				required: true,
				testedBy: 'azureDevOpsMultiOrgApiTest',
				displayOptions: { show: { authentication: ['azureDevOpsMultiOrgApi'] } },
			},
			{
				name: 'azureDevOpsServicePrincipalApi',
				required: true,
				testedBy: 'azureDevOpsServicePrincipalApiTest',
				displayOptions: { show: { authentication: ['azureDevOpsServicePrincipalApi'] } },
			},
			{
				name: 'azureDevOpsManagedIdentityApi',
				required: true,
				testedBy: 'azureDevOpsManagedIdentityApiTest',
				displayOptions: { show: { authentication: ['azureDevOpsManagedIdentityApi'] } },
			},
			{
				name: 'azureDevOpsOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['azureDevOpsOAuth2Api'] } },
			},
			{
				name: 'azureDevOpsWebhookAuthApi',
				required: true,
				testedBy: 'webhookSecretCheck',
				displayOptions: { show: { deliveryAuthentication: ['credential'] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: triggerProperties,
	};

	methods = {
		listSearch: { searchProjects: listSearch.searchProjects },
		credentialTest: {
			webhookSecretCheck,
			azureDevOpsMultiOrgApiTest: credentialTest.azureDevOpsMultiOrgApiTest,
			azureDevOpsServicePrincipalApiTest: credentialTest.azureDevOpsServicePrincipalApiTest,
			azureDevOpsManagedIdentityApiTest: credentialTest.azureDevOpsManagedIdentityApiTest,
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await deleteSubscription.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleDelivery.call(this);
	}
}
