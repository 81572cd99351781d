import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/**
 * The secret an Azure DevOps service hook sends with every delivery to the Azure DevOps Connector Trigger: Basic auth
 * (user name and password) or one HTTP header such as "X-Authorization: Bearer <token>". It is an inbound secret: n8n
 * sends it nowhere, so there is no request to test it with; the trigger node tests it (testedBy) by checking that it
 * is complete and long enough.
 */
export class AzureDevOpsWebhookAuthApi implements ICredentialType {
	name = 'azureDevOpsWebhookAuthApi';

	displayName = 'Azure DevOps Service Hook Secret API';

	icon: Icon = {
		light: 'file:../nodes/AzureDevOpsConnector/azureDevOps.svg',
		dark: 'file:../nodes/AzureDevOpsConnector/azureDevOps.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-azure-devops-connector/n8n-nodes-azure-devops-connector/blob/main/docs/trigger.md#who-may-start-the-workflow';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication Type',
			name: 'authType',
			type: 'options',
			options: [
				{
					name: 'Basic Auth',
					value: 'basicAuth',
					description: 'The "Basic authentication username/password" of the Web Hooks subscription',
				},
				{
					name: 'Header',
					value: 'header',
					description: 'One line of the subscription\'s "HTTP headers", e.g. X-Authorization:Bearer <token>',
				},
			],
			default: 'basicAuth',
		},
		{
			displayName: 'User Name',
			name: 'user',
			type: 'string',
			default: '',
			displayOptions: { show: { authType: ['basicAuth'] } },
			description: 'The user name entered on the service hook subscription',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { authType: ['basicAuth'] } },
			description: 'The password entered on the service hook subscription; at least 12 characters',
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'X-Authorization',
			displayOptions: { show: { authType: ['header'] } },
			description: 'The header the subscription sends, e.g. X-Authorization or Authorization',
		},
		{
			displayName: 'Header Value',
			name: 'headerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'Bearer 3f9c…',
			displayOptions: { show: { authType: ['header'] } },
			description: 'The exact value of the header (e.g. "Bearer " followed by a long random token); at least 12 characters',
		},
	];
}
