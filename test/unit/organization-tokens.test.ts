import { ConnectorError } from '../../nodes/AzureDevOpsConnector/connector/errors';
import {
	authenticateForOrganization,
	checkTokenIndex,
	parseOrganizationTokens,
	requestTargetUrl,
	selectTokenForUrl,
} from '../../nodes/AzureDevOpsConnector/connector/organizationTokens';

const CANARY_A = 'canary-token-fabrikam-0000000000000000000000000000';
const CANARY_B = 'canary-token-contoso-11111111111111111111111111111';

function codeOf(fn: () => unknown): string | undefined {
	try {
		fn();
	} catch (error) {
		expect(error).toBeInstanceOf(ConnectorError);
		expect((error as Error).message).not.toContain(CANARY_A);
		expect((error as Error).message).not.toContain(CANARY_B);
		return (error as ConnectorError).code;
	}
	return undefined;
}

describe('a credential with tokens for two organizations, in the seed\'s comma-separated form', () => {
	const entries = parseOrganizationTokens(
		'https://dev.azure.com/fabrikam\nhttps://contoso.visualstudio.com/',
		` ${CANARY_A} , ${CANARY_B} `,
	);

	it('binds each token to the organization on the same position', () => {
		expect(entries).toEqual([
			{ organizationUrl: 'https://dev.azure.com/fabrikam', token: CANARY_A, index: 0 },
			{ organizationUrl: 'https://dev.azure.com/contoso', token: CANARY_B, index: 1 },
		]);
	});

	it('gives a request the token of the organization it goes to', () => {
		expect(selectTokenForUrl(entries, 'https://dev.azure.com/contoso/Web/_apis/wit/wiql').token).toBe(CANARY_B);
		expect(selectTokenForUrl(entries, 'https://fabrikam.visualstudio.com/_apis/projects').token).toBe(CANARY_A);
	});

	it.each([
		'https://dev.azure.com/northwind/_apis/projects',
		'https://dev.azure.com@evil.example/fabrikam/_apis',
		'https://dev.azure.com./contosoo/_apis',
		'https://dev.azure.com/fabrikam%2F..%2Fnorthwind/_apis',
		'http://dev.azure.com/fabrikam/_apis',
	])('refuses to pick any token for %s, naming no token', (url) => {
		expect(codeOf(() => selectTokenForUrl(entries, url))).toBe('AZDC-4001');
	});

	it('refuses a relative URL, since it cannot tell where it would go', () => {
		expect(codeOf(() => selectTokenForUrl(entries, requestTargetUrl({ url: '/_apis/projects' })))).toBe('AZDC-4005');
	});

	it('keeps the seed\'s AccessToken index working, and refuses an index of another organization', () => {
		expect(() => checkTokenIndex(entries, 1, 'https://dev.azure.com/contoso')).not.toThrow();
		expect(codeOf(() => checkTokenIndex(entries, 0, 'https://dev.azure.com/contoso'))).toBe('AZDC-4006');
		expect(codeOf(() => checkTokenIndex(entries, 2, 'https://dev.azure.com/contoso'))).toBe('AZDC-1021');
	});
});

describe('what a credential adds to a request', () => {
	const entries = parseOrganizationTokens('https://dev.azure.com/fabrikam\nhttps://dev.azure.com/contoso', `${CANARY_A},${CANARY_B}`);

	it('adds the organization\'s token as Basic auth with an empty user, keeps the request\'s own headers, asks for 401 instead of a sign-in redirect, and turns redirects off', () => {
		const request = { url: 'https://dev.azure.com/contoso/_apis/projects', headers: { Accept: 'application/json' } };
		expect(authenticateForOrganization(entries, request)).toEqual({
			url: request.url,
			auth: { username: '', password: CANARY_B },
			headers: { Accept: 'application/json', 'X-TFS-FedAuthRedirect': 'Suppress' },
			// n8n follows redirects by default, with the token: a request carrying one never does.
			disableFollowRedirect: true,
			followRedirect: false,
			followAllRedirects: false,
			sendCredentialsOnCrossOriginRedirect: false,
		});
		expect(request).toEqual({ url: request.url, headers: { Accept: 'application/json' } });
	});

	it('adds nothing to a request for another organization: it throws before the request can be sent', () => {
		expect(codeOf(() => authenticateForOrganization(entries, { url: 'https://dev.azure.com/northwind/_apis' }))).toBe('AZDC-4001');
	});
});

describe('a credential filled in wrongly', () => {
	it.each([
		['https://dev.azure.com/a', '', 'AZDC-4004'],
		['https://dev.azure.com/a', ' , ', 'AZDC-4004'],
		['https://dev.azure.com/a\nhttps://dev.azure.com/b', CANARY_A, 'AZDC-4002'],
		['https://dev.azure.com/a', `${CANARY_A},${CANARY_B}`, 'AZDC-4002'],
		['https://dev.azure.com/a\nhttps://A.visualstudio.com', `${CANARY_A},${CANARY_B}`, 'AZDC-4003'],
		['http://dev.azure.com/a', CANARY_A, 'AZDC-1011'],
		['https://dev.azure.com/', CANARY_A, 'AZDC-1013'],
	])('organizations %p with tokens %p fails with %s', (organizations, tokens, code) => {
		expect(codeOf(() => parseOrganizationTokens(organizations, tokens))).toBe(code);
	});

	it('accepts the emulator on http://127.0.0.1 only when HTTP on localhost is allowed', () => {
		expect(codeOf(() => parseOrganizationTokens('http://127.0.0.1:4000/fabrikam', CANARY_A))).toBe('AZDC-1011');
		expect(parseOrganizationTokens('http://127.0.0.1:4000/fabrikam', CANARY_A, { allowHttp: true })[0]).toMatchObject({
			organizationUrl: 'http://127.0.0.1:4000/fabrikam',
		});
	});
});

describe('where n8n says a request goes', () => {
	it.each([
		[{ url: 'https://dev.azure.com/a/_apis' }, 'https://dev.azure.com/a/_apis'],
		[{ baseURL: 'https://dev.azure.com/a/', url: '/_apis/connectionData' }, 'https://dev.azure.com/a/_apis/connectionData'],
		[{ baseURL: 'https://dev.azure.com/a', url: 'https://evil.example/x' }, 'https://evil.example/x'],
		[{ uri: 'https://dev.azure.com/a/_apis' }, 'https://dev.azure.com/a/_apis'],
		[{ url: '/_apis' }, undefined],
		[{}, undefined],
	])('%p goes to %p', (options, expected) => {
		expect(requestTargetUrl(options)).toBe(expected);
	});
});
