// Fixture credential with a generic authenticate block: Basic auth with an empty user name
// (the Azure DevOps PAT scheme) plus a header, both resolved from $credentials.
// Test fixtures never ship: they have no icon files and are not listed in package.json, which
// these package-level rules expect (the rules' own checks are what the real nodes must pass).
/* eslint-disable @n8n/community-nodes/icon-validation, @n8n/community-nodes/cred-class-field-icon-missing */
import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

export class FixtureBasicApi implements ICredentialType {
	name = 'fixtureBasicApi';
	displayName = 'Fixture Basic API';
	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'Organization', name: 'organization', type: 'string', default: 'fixture-org' },
		{ displayName: 'Token', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: { username: '', password: '={{$credentials.password}}' },
			headers: { 'X-Fixture-Org': '={{$credentials.organization}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '=/orgs/{{$credentials.organization}}' },
		rules: [
			{
				type: 'responseSuccessBody',
				properties: { key: 'state', value: 'disabled', message: 'The organization is disabled' },
			},
		],
	};
}
