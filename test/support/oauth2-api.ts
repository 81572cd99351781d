// A stand-in for n8n's generic `oAuth2Api` credential type (it lives in n8n-nodes-base, which the tests do not
// install): the fields n8n-core's OAuth2 request path reads, so that a credential that `extends: ['oAuth2Api']` gets
// its parent's fields as in n8n.
import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class OAuth2ApiStandIn implements ICredentialType {
	name = 'oAuth2Api';

	displayName = 'OAuth2 API';

	properties: INodeProperties[] = [
		{ displayName: 'Grant Type', name: 'grantType', type: 'options', options: [{ name: 'Authorization Code', value: 'authorizationCode' }, { name: 'PKCE', value: 'pkce' }, { name: 'Client Credentials', value: 'clientCredentials' }], default: 'authorizationCode' },
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'string', default: '' },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'string', default: '' },
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '' },
		{ displayName: 'Client Secret', name: 'clientSecret', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Scope', name: 'scope', type: 'string', default: '' },
		{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'string', default: '' },
		{ displayName: 'Authentication', name: 'authentication', type: 'options', options: [{ name: 'Body', value: 'body' }, { name: 'Header', value: 'header' }], default: 'header' },
		{ displayName: 'Ignore SSL Issues', name: 'ignoreSSLIssues', type: 'boolean', default: false },
	];
}
