import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { authenticationProperty } from './actions/common.descriptions';
import { router } from './actions/router';
import { operationSubtitle } from './actions/subtitle';
import * as workItem from './actions/workItem/WorkItem.resource';
import { credentialTest, listSearch, loadOptions } from './methods';

const properties: INodeProperties[] = [
	authenticationProperty,
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'Work Item', value: 'workItem' }],
		default: 'workItem',
	},
	...workItem.description,
];

export class AzureDevOpsConnector implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Azure DevOps Connector',
		name: 'azureDevOpsConnector',
		icon: { light: 'file:azureDevOps.svg', dark: 'file:azureDevOps.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(properties),
		description: 'Create Azure DevOps work items from service-desk tickets, and read, update, search and comment on them',
		defaults: { name: 'Azure DevOps Connector' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
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
		],
		properties,
	};

	methods = { credentialTest, listSearch, loadOptions };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
