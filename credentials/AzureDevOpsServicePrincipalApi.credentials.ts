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
	PUBLIC_CLOUD_AUTHORITY,
	servicePrincipalToken,
} from '../nodes/AzureDevOpsConnector/transport/entraToken';
import { authenticateBearerForOrganization } from '../nodes/AzureDevOpsConnector/connector/organizationTokens';

/**
 * A Microsoft Entra ID application (service principal) that signs in with a client secret or a certificate and gets
 * an Azure DevOps access token, sent only to the organizations listed here. Azure DevOps Services only.
 */
export class AzureDevOpsServicePrincipalApi implements ICredentialType {
	name = 'azureDevOpsServicePrincipalApi';

	displayName = 'Azure DevOps Service Principal (Microsoft Entra ID) API';

	icon: Icon = {
		light: 'file:../nodes/AzureDevOpsConnector/azureDevOps.svg',
		dark: 'file:../nodes/AzureDevOpsConnector/azureDevOps.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-azure-devops-connector/n8n-nodes-azure-devops-connector/blob/main/docs/credentials.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '00000000-0000-0000-0000-000000000000',
			description: 'Directory (tenant) ID of the app registration, or the tenant\'s domain (contoso.onmicrosoft.com)',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '00000000-0000-0000-0000-000000000000',
			description: 'Application (client) ID of the app registration',
		},
		{
			displayName: 'Sign In With',
			name: 'authMethod',
			type: 'options',
			options: [
				{ name: 'Client Secret', value: 'clientSecret' },
				{ name: 'Certificate', value: 'certificate' },
			],
			default: 'clientSecret',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authMethod: ['clientSecret'] } },
			description: 'The secret\'s Value (not its ID) from Certificates & secrets of the app registration',
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			required: true,
			displayOptions: { show: { authMethod: ['certificate'] } },
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description: 'The certificate\'s RSA private key in PEM form, without a passphrase. It signs a short-lived client assertion and never leaves n8n.',
		},
		{
			displayName: 'Certificate',
			name: 'certificate',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			required: true,
			displayOptions: { show: { authMethod: ['certificate'] } },
			placeholder: '-----BEGIN CERTIFICATE-----',
			description: 'The PEM certificate uploaded to the app registration (Certificates & secrets)',
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
				'Azure DevOps Services organization URLs the service principal was added to, one per line. The token is sent to these organizations only. Azure DevOps Server collections cannot be used (they have no Microsoft Entra sign-in).',
		},
		{
			displayName: 'Authority Host',
			name: 'authorityHost',
			type: 'string',
			default: PUBLIC_CLOUD_AUTHORITY,
			description:
				'Microsoft Entra sign-in host: https://login.microsoftonline.com (public cloud), https://login.microsoftonline.us (US Government), https://login.chinacloudapi.cn (China)',
		},
		{
			displayName: 'Allow HTTP on Localhost',
			name: 'allowHttp',
			type: 'boolean',
			default: false,
			description:
				'Whether to accept http:// organization and authority URLs on localhost or 127.0.0.1 (a local test server such as the bundled emulator). Other hosts always need https.',
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

	/** Called by n8n when the stored token is empty (and once after a thrown 401): fetches a new one. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		const { token, expiresAt } = await servicePrincipalToken(credentials, async (url, form) => {
			const response = (await this.helpers.httpRequest({
				method: 'POST',
				url,
				body: form,
				headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: 30_000,
			})) as IN8nHttpFullResponse;
			return { status: response.statusCode, body: response.body };
		});
		return { accessToken: token, expiresAt: expiresAt };
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const organizations = entraOrganizations(credentials.organizations, credentials.allowHttp === true);
		return authenticateBearerForOrganization(organizations, String(credentials.accessToken ?? ''), requestOptions);
	}

	// No declarative `test`: n8n would run it instead of the nodes' `testedBy` function
	// (azureDevOpsServicePrincipalApiTest), which signs in and then tries every organization.
}
