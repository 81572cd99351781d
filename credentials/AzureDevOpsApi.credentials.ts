import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';
import { refusingWithWords } from '../nodes/AzureDevOpsConnector/connector/errors';
import {
	authenticateForOrganization,
	parseOrganizationTokens,
} from '../nodes/AzureDevOpsConnector/connector/organizationTokens';
import { CONNECTION_DATA } from '../nodes/AzureDevOpsConnector/transport/connectionData';

/** One Azure DevOps organization (or Server collection) and its Personal Access Token. */
export class AzureDevOpsApi implements ICredentialType {
	name = 'azureDevOpsApi';

	displayName = 'Azure DevOps API';

	icon: Icon = {
		light: 'file:../nodes/AzureDevOpsConnector/azureDevOps.svg',
		dark: 'file:../nodes/AzureDevOpsConnector/azureDevOps.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-azure-devops-connector/n8n-nodes-azure-devops-connector#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Organization URL',
			name: 'organizationUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://dev.azure.com/your-organization',
			description:
				'The organization (https://dev.azure.com/org or https://org.visualstudio.com) or Azure DevOps Server collection (https://server/tfs/Collection). The token is sent to this organization only.',
		},
		{
			displayName: 'Personal Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A Personal Access Token with the Work Items (Read & Write) scope; add Service Hooks (Read & Write) for the trigger to register its own subscription',
		},
		{
			displayName: 'Allow HTTP on Localhost',
			name: 'allowHttp',
			type: 'boolean',
			default: false,
			description:
				'Whether to accept an http:// organization URL on localhost or 127.0.0.1 (a local test server such as the bundled emulator). Other hosts always need https.',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return refusingWithWords(() => {
			const [entry] = parseOrganizationTokens(
				String(credentials.organizationUrl ?? ''),
				String(credentials.accessToken ?? ''),
				{ allowHttp: credentials.allowHttp === true },
			);
			return authenticateForOrganization([entry], requestOptions);
		});
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.organizationUrl.trim().replace(/\\/+$/, "") }}',
			url: CONNECTION_DATA.path,
			qs: { 'api-version': CONNECTION_DATA.apiVersion },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Azure DevOps refused the token for this organization: check that the token is valid, not expired, and created in this organization.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message: 'No Azure DevOps organization or collection answers at this URL: check the Organization URL.',
				},
			},
			// A redirect is not followed (the token would go with it): usually a sign-in page for a URL that is not an
			// organization's API, or for a token it does not take.
			...[301, 302, 303, 307, 308].map((value) => ({
				type: 'responseCode' as const,
				properties: {
					value,
					message: `Azure DevOps answered with a redirect (${value}), which is not followed so that the token goes nowhere else: check that the Organization URL is the organization itself (https://dev.azure.com/your-organization) and that the token was created in it.`,
				},
			})),
		],
	};
}
