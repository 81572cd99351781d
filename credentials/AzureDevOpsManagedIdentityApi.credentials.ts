import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import {
	entraOrganizations,
	IMDS_TOKEN_ENDPOINT,
	managedIdentityToken,
} from '../nodes/AzureDevOpsConnector/transport/entraToken';
import { authenticateBearerForOrganization } from '../nodes/AzureDevOpsConnector/connector/organizationTokens';

/**
 * The managed identity of the Azure resource n8n runs on (system- or user-assigned): no secret at all, the token comes
 * from the platform's identity endpoint and is sent only to the organizations listed here. Azure DevOps Services only.
 */
export class AzureDevOpsManagedIdentityApi implements ICredentialType {
	name = 'azureDevOpsManagedIdentityApi';

	displayName = 'Azure DevOps Managed Identity (Microsoft Entra ID) API';

	icon: Icon = {
		light: 'file:../nodes/AzureDevOpsConnector/azureDevOps.svg',
		dark: 'file:../nodes/AzureDevOpsConnector/azureDevOps.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-azure-devops-connector/n8n-nodes-azure-devops-connector/blob/main/docs/credentials.md#managed-identity';

	properties: INodeProperties[] = [
		{
			displayName: 'Source',
			name: 'source',
			type: 'options',
			options: [
				{
					name: 'Instance Metadata Service (VM, Scale Set, AKS, Container Instances)',
					value: 'imds',
				},
				{
					name: 'App Service, Functions or Container Apps (Identity Endpoint)',
					value: 'appService',
				},
			],
			default: 'imds',
			description: 'Where the Azure resource n8n runs on hands out its identity\'s tokens',
		},
		{
			displayName: 'Client ID (User-Assigned Identity)',
			name: 'clientId',
			type: 'string',
			default: '',
			placeholder: '00000000-0000-0000-0000-000000000000',
			description: 'Client ID of a user-assigned managed identity; leave empty for the system-assigned identity',
		},
		{
			displayName: 'Metadata Endpoint',
			name: 'imdsEndpoint',
			type: 'string',
			default: IMDS_TOKEN_ENDPOINT,
			displayOptions: { show: { source: ['imds'] } },
			description: 'The instance metadata service\'s token endpoint. Change it only for a test double.',
		},
		{
			displayName: 'Identity Endpoint',
			name: 'identityEndpoint',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { source: ['appService'] } },
			placeholder: 'http://127.0.0.1:41741/msi/token',
			description:
				'The value of the IDENTITY_ENDPOINT environment variable of the app. With N8N_BLOCK_ENV_ACCESS_IN_NODE=false, the expression {{ $env.IDENTITY_ENDPOINT }} keeps it current.',
		},
		{
			displayName: 'Identity Header',
			name: 'identityHeader',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { source: ['appService'] } },
			description:
				'The value of the IDENTITY_HEADER environment variable of the app (the platform rotates it: prefer the expression {{ $env.IDENTITY_HEADER }} with N8N_BLOCK_ENV_ACCESS_IN_NODE=false)',
		},
		{
			displayName: 'Organizations',
			name: 'organizations',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: 'https://dev.azure.com/first-org\nhttps://dev.azure.com/second-org',
			description:
				'Azure DevOps Services organization URLs the managed identity was added to, one per line. The token is sent to these organizations only.',
		},
		{
			displayName: 'Allow HTTP on Localhost',
			name: 'allowHttp',
			type: 'boolean',
			default: false,
			description:
				'Whether to accept http:// organization and endpoint URLs on localhost or 127.0.0.1 (a local test server such as the bundled emulator)',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Expires At',
			name: 'expiresAt',
			type: 'hidden',
			default: 0,
		},
	];

	/** Called by n8n when the stored token is empty (and once after a thrown 401): asks the identity endpoint. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		const { token, expiresAt } = await managedIdentityToken(credentials, async (url, headers) => {
			const response = (await this.helpers.httpRequest({
				method: 'GET',
				url,
				headers: { ...headers, Accept: 'application/json' },
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: 30_000,
			})) as IN8nHttpFullResponse;
			return { status: response.statusCode, body: response.body };
		});
		return { accessToken: token, expiresAt };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const organizations = entraOrganizations(credentials.organizations, credentials.allowHttp === true);
		return authenticateBearerForOrganization(organizations, String(credentials.accessToken ?? ''), requestOptions);
	}

	// No declarative `test`: the nodes' `testedBy` function (azureDevOpsManagedIdentityApiTest) asks for a token and
	// then tries every organization.
}
