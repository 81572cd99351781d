import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

import { AZURE_DEVOPS_RESOURCE, PUBLIC_CLOUD_AUTHORITY } from '../nodes/AzureDevOpsConnector/transport/entraToken';

/**
 * Delegated sign-in of a person through Microsoft Entra ID (authorization code with PKCE, refresh tokens), on n8n's own
 * OAuth2 machinery: n8n runs the consent, stores and refreshes the tokens. The node sends requests with it only to the
 * organizations listed here. Azure DevOps Services only.
 */
export class AzureDevOpsOAuth2Api implements ICredentialType {
	name = 'azureDevOpsOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Azure DevOps (Microsoft Entra ID) OAuth2 API';

	icon: Icon = {
		light: 'file:../nodes/AzureDevOpsConnector/azureDevOps.svg',
		dark: 'file:../nodes/AzureDevOpsConnector/azureDevOps.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-azure-devops-connector/n8n-nodes-azure-devops-connector/blob/main/docs/credentials.md#delegated-oauth-20';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'pkce',
		},
		{
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'string',
			default: 'organizations',
			description:
				'Directory (tenant) ID or domain of your organization\'s Microsoft Entra tenant; "organizations" lets any work account sign in',
		},
		{
			displayName: 'Authority Host',
			name: 'authorityHost',
			type: 'string',
			default: PUBLIC_CLOUD_AUTHORITY,
			description: 'Microsoft Entra sign-in host without a trailing slash; change it only for a sovereign cloud (https://login.microsoftonline.us, https://login.chinacloudapi.cn)',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: '={{ $self["authorityHost"] }}/{{ $self["tenantId"] }}/oauth2/v2.0/authorize',
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: '={{ $self["authorityHost"] }}/{{ $self["tenantId"] }}/oauth2/v2.0/token',
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			// Azure DevOps' delegated permission, and offline_access for a refresh token.
			default: `${AZURE_DEVOPS_RESOURCE}/user_impersonation offline_access`,
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'prompt=select_account',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
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
				'Azure DevOps Services organization URLs the signed-in user works in, one per line. Requests with this sign-in go to these organizations only.',
		},
		{
			displayName: 'Allow HTTP on Localhost',
			name: 'allowHttp',
			type: 'boolean',
			default: false,
			description: 'Whether to accept http:// organization URLs on localhost or 127.0.0.1 (a local test server such as the bundled emulator)',
		},
	];
}
