// "Test credential" the way n8n's server runs it: declarative requests with the credential's
// authentication and rules, and a node's credentialTest function named by testedBy.
import { startLoopbackServer, testCredential, type LoopbackServer } from './index';
import { TRIGGER, fixtureTypes } from './fixtures';

let server: LoopbackServer;

beforeAll(async () => {
	server = await startLoopbackServer((request) => {
		if (request.url === '/me') {
			if (request.headers.authorization === 'Bearer good') return { body: { user: 'me' } };
			if (request.headers.authorization === 'Bearer banned') return { status: 403, body: {} };
			return { status: 401, body: { message: 'no' } };
		}
		if (request.url === '/orgs/acme') return { body: { state: 'active' } };
		if (request.url === '/orgs/closed') return { body: { state: 'disabled' } };
		return { status: 404, body: {} };
	});
});
afterAll(async () => await server.close());
beforeEach(() => server.requests.splice(0));

const { credentialTypes, nodeTypes } = fixtureTypes;

describe('declarative credential test', () => {
	it('is OK when the authenticated request succeeds', async () => {
		const result = await testCredential({
			type: 'fixtureBearerApi',
			data: { baseUrl: server.url, token: 'good' },
			credentialTypes,
		});

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(server.requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
			['GET', '/me', 'Bearer good'],
		]);
	});

	it('reports a responseCode rule message for a matching failure', async () => {
		const result = await testCredential({
			type: 'fixtureBearerApi',
			data: { baseUrl: server.url, token: 'bad' },
			credentialTypes,
		});

		expect(result).toEqual({ status: 'Error', message: 'The fixture token was rejected' });
	});

	it('reports the status text for other non-2xx answers', async () => {
		const result = await testCredential({
			type: 'fixtureBearerApi',
			data: { baseUrl: server.url, token: 'banned' },
			credentialTypes,
		});

		expect(result).toEqual({ status: 'Error', message: 'Forbidden' });
	});

	it('resolves $credentials expressions in the URL, applies a generic block and checks responseSuccessBody rules', async () => {
		const ok = await testCredential({
			type: 'fixtureBasicApi',
			data: { baseUrl: server.url, organization: 'acme', password: 'p' },
			credentialTypes,
		});
		const disabled = await testCredential({
			type: 'fixtureBasicApi',
			data: { baseUrl: server.url, organization: 'closed', password: 'p' },
			credentialTypes,
		});

		expect(ok).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(disabled).toEqual({ status: 'Error', message: 'The organization is disabled' });
		expect(server.requests[0]).toMatchObject({
			url: '/orgs/acme',
			headers: { authorization: `Basic ${Buffer.from(':p').toString('base64')}`, 'x-fixture-org': 'acme' },
		});
	});

	it('reports the network error code when nothing answers', async () => {
		const closed = await startLoopbackServer();
		await closed.close();

		const result = await testCredential({
			type: 'fixtureBearerApi',
			data: { baseUrl: closed.url, token: 'good' },
			credentialTypes,
		});

		expect(result).toEqual({ status: 'Error', message: 'ECONNREFUSED' });
	});
});

describe('credentialTest function (testedBy)', () => {
	it("runs the node's function with the credential data", async () => {
		const options = { type: 'fixtureKeyApi', credentialTypes, nodeTypes };

		expect(await testCredential({ ...options, data: { apiKey: 'k-123' } })).toEqual({ status: 'OK', message: 'Key accepted' });
		expect(await testCredential({ ...options, data: { apiKey: 'nope' } })).toEqual({
			status: 'Error',
			message: 'Keys start with "k-"',
		});
	});

	it('says so when neither the credential nor a node defines a test', async () => {
		const onlyTrigger = { [TRIGGER]: nodeTypes[TRIGGER] };
		const result = await testCredential({ type: 'fixtureKeyApi', data: {}, credentialTypes, nodeTypes: onlyTrigger });

		expect(result).toEqual({ status: 'Error', message: 'No testing function found for this credential.' });
	});
});
