// Fixture credential with a function-style authenticate: a bearer token bound to one host.
// Test fixtures never ship: they have no icon files and are not listed in package.json, which
// these package-level rules expect (the rules' own checks are what the real nodes must pass).
/* eslint-disable @n8n/community-nodes/icon-validation, @n8n/community-nodes/cred-class-field-icon-missing */
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class FixtureBearerApi implements ICredentialType {
	name = 'fixtureBearerApi';
	displayName = 'Fixture Bearer API';
	properties: INodeProperties[] = [
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'Token', name: 'token', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Header Prefix', name: 'prefix', type: 'string', default: 'Bearer' },
	];

	/** Sends the token only to the credential's own host; anything else is refused before sending. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const own = new URL(String(credentials.baseUrl)).host;
		const target = new URL(requestOptions.url, requestOptions.baseURL ?? String(credentials.baseUrl)).host;
		if (target !== own) {
			throw new Error(`Refusing to send the fixture token to ${target} (credential is for ${own})`);
		}
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `${String(credentials.prefix)} ${String(credentials.token)}` },
		};
	}

	test: ICredentialTestRequest = {
		request: { baseURL: '={{$credentials.baseUrl}}', url: '/me', method: 'GET' },
		rules: [{ type: 'responseCode', properties: { value: 401, message: 'The fixture token was rejected' } }],
	};
}
