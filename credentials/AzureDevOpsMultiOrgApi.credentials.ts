import type {
	ICredentialDataDecryptedObject,
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

/**
 * Several Azure DevOps organizations in one credential, as the seed's comma-separated token list. Each token is bound
 * to the organization on the same position and is never sent anywhere else.
 */
export class AzureDevOpsMultiOrgApi implements ICredentialType {
	name = 'azureDevOpsMultiOrgApi';

	displayName = 'Azure DevOps Multi-Organization API';

	icon: Icon = {
		light: 'file:../nodes/AzureDevOpsConnector/azureDevOps.svg',
		dark: 'file:../nodes/AzureDevOpsConnector/azureDevOps.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-azure-devops-connector/n8n-nodes-azure-devops-connector#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Organizations',
			name: 'organizations',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			placeholder: 'https://dev.azure.com/first-org\nhttps://dev.azure.com/second-org',
			description:
				'Organization or collection URLs, one per line (or comma-separated), in the same order as the tokens. Line 1 is AccessToken "0" in connector settings, line 2 is "1", and so on.',
		},
		{
			displayName: 'Access Tokens',
			name: 'accessTokens',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Personal Access Tokens separated by commas, in the same order as the organizations. Each is sent only to its own organization.',
		},
		{
			displayName: 'Allow HTTP on Localhost',
			name: 'allowHttp',
			type: 'boolean',
			default: false,
			description:
				'Whether to accept http:// organization URLs on localhost or 127.0.0.1 (a local test server such as the bundled emulator). Other hosts always need https.',
		},
	];

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		return refusingWithWords(() => {
			const entries = parseOrganizationTokens(
				String(credentials.organizations ?? ''),
				String(credentials.accessTokens ?? ''),
				{ allowHttp: credentials.allowHttp === true },
			);
			return authenticateForOrganization(entries, requestOptions);
		});
	}

	// No declarative `test` here: n8n would run it instead of the nodes' `testedBy` function
	// (azureDevOpsMultiOrgApiTest), which checks every token against its own organization.
}
