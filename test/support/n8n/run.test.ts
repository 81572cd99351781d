// The harness runs action nodes through n8n-core's WorkflowExecute: real HTTP to 127.0.0.1,
// both credential authenticate styles, expressions, paired items and the error settings.
import { MANUAL_TRIGGER_TYPE, TestWorkflow, runNode, runWorkflow, startLoopbackServer, type LoopbackServer } from './index';
import { ACTION, fixtureTypes } from './fixtures';

let server: LoopbackServer;

beforeAll(async () => {
	server = await startLoopbackServer((request) => {
		if (request.url === '/items/2') return { status: 500, body: { message: 'item 2 is broken' } };
		if (request.url === '/projects') {
			return { body: { value: [{ id: 'p1', name: 'Alpha' }, { id: 'p2', name: 'Beta' }] } };
		}
		return { body: { served: request.url } };
	});
});
afterAll(async () => await server.close());
beforeEach(() => server.requests.splice(0));

const bearer = () => ({ fixtureBearerApi: { baseUrl: server.url, token: 't0k' } });

describe('runNode', () => {
	it('sends the function-style credential header, resolves expressions per item and pairs items', async () => {
		const result = await runNode({
			...fixtureTypes,
			type: ACTION,
			parameters: { authentication: 'bearer', path: '=/items/{{ $json.id * 10 }}' },
			credentials: bearer(),
			inputItems: [{ id: 1 }, { id: 3 }],
		});

		expect(result.error).toBeUndefined();
		expect(server.requests.map((r) => [r.method, r.url, r.headers.authorization])).toEqual([
			['GET', '/items/10', 'Bearer t0k'],
			['GET', '/items/30', 'Bearer t0k'],
		]);
		expect(result.items).toEqual([
			{ json: { served: '/items/10', requested: '/items/10', version: 2 }, pairedItem: { item: 0 } },
			{ json: { served: '/items/30', requested: '/items/30', version: 2 }, pairedItem: { item: 1 } },
		]);
	});

	it('applies a generic authenticate block (auth and headers resolved from $credentials, type defaults filled in)', async () => {
		const result = await runNode({
			...fixtureTypes,
			type: ACTION,
			typeVersion: 1,
			parameters: { authentication: 'basic', path: '/items/1' },
			credentials: { fixtureBasicApi: { baseUrl: server.url, password: 'my-pat' } },
		});

		expect(result.error).toBeUndefined();
		expect(result.items[0].json.version).toBe(1);
		const [request] = server.requests;
		expect(request.headers.authorization).toBe(`Basic ${Buffer.from(':my-pat').toString('base64')}`);
		expect(request.headers['x-fixture-org']).toBe('fixture-org');
	});

	it('stops the request when a function-style authenticate throws, and the error reaches the node', async () => {
		const foreign = server.url.replace('127.0.0.1', 'localhost');
		const result = await runNode({
			...fixtureTypes,
			type: ACTION,
			parameters: { absoluteUrl: `${foreign}/items/1` },
			credentials: bearer(),
		});

		expect(server.requests).toHaveLength(0);
		expect(result.error).toBeDefined();
		expect(result.errorOf('Node')?.message).toMatch(/Refusing to send the fixture token to localhost/);
		expect(() => result.outputOf('Node')).toThrow(/Node "Node" failed/);
		expect(() => result.outputOf('Nope')).toThrow(/did not run \(nodes that ran: Start, Node\)/);
	});

	it('fails the execution with the API error when a request fails and continueOnFail is off', async () => {
		const result = await runNode({
			...fixtureTypes,
			type: ACTION,
			parameters: { path: '=/items/{{ $json.id }}' },
			credentials: bearer(),
			inputItems: [{ id: 1 }, { id: 2 }],
		});

		expect(result.error).toMatchObject({ httpCode: '500', description: 'item 2 is broken' });
		expect(result.errorOf('Node')?.message).toBe(result.error?.message);
		expect(server.requests).toHaveLength(2);
		expect(result.items).toEqual([]);
	});

	it.each([
		['continueOnFail: true', { continueOnFail: true }],
		["onError: 'continueRegularOutput'", { onError: 'continueRegularOutput' as const }],
	])('with %s, emits an error item paired to the failing input and carries on', async (_, setting) => {
		const result = await runNode({
			...fixtureTypes,
			...setting,
			type: ACTION,
			parameters: { path: '=/items/{{ $json.id }}' },
			credentials: bearer(),
			inputItems: [{ id: 1 }, { id: 2 }, { id: 3 }],
		});

		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json.served).toBe('/items/1');
		expect(result.items[1].json.error).toEqual(expect.any(String));
		expect(result.items[1].json.served).toBeUndefined();
		expect(result.items[2].json.served).toBe('/items/3');
	});
});

describe('runWorkflow', () => {
	const workflow = {
		nodes: [
			{ name: 'Start', type: MANUAL_TRIGGER_TYPE },
			{
				name: 'First',
				type: ACTION,
				parameters: { path: '=/items/{{ $json.ticket }}' },
				credentials: { fixtureBearerApi: { id: 'cred-a', name: 'A' } },
			},
			{
				name: 'Second',
				type: ACTION,
				// Reaches back two nodes: only works when n8n can follow the paired items.
				parameters: { path: "=/items/{{ $('Start').item.json.ticket }}-{{ $json.served.length }}" },
				credentials: { fixtureBearerApi: { id: 'cred-b', name: 'B' } },
			},
		],
		connections: {
			Start: { main: [[{ node: 'First', type: 'main' as const, index: 0 }]] },
			First: { main: [[{ node: 'Second', type: 'main' as const, index: 0 }]] },
		},
	};

	it('runs a chain, follows paired items across nodes and picks each node its own credential', async () => {
		const result = await runWorkflow(workflow, {
			...fixtureTypes,
			credentials: {
				fixtureBearerApi: [
					{ id: 'cred-a', data: { baseUrl: server.url, token: 'aaa' } },
					{ id: 'cred-b', data: { baseUrl: server.url, token: 'bbb', prefix: 'Token' } },
				],
			},
			inputItems: [{ ticket: 'T7' }, { ticket: 'T42' }],
		});

		expect(result.error).toBeUndefined();
		expect(server.requests.map((r) => `${r.headers.authorization} ${r.url}`)).toEqual([
			'Bearer aaa /items/T7',
			'Bearer aaa /items/T42',
			'Token bbb /items/T7-9',
			'Token bbb /items/T42-10',
		]);
		expect(result.outputOf('Second').map((i) => i.json.served)).toEqual(['/items/T7-9', '/items/T42-10']);
		expect(result.outputOf('Start')).toHaveLength(2);
	});
});

describe('loadOptions and listSearch', () => {
	const testWorkflow = () =>
		new TestWorkflow(
			{
				nodes: [
					{
						name: 'Node',
						type: ACTION,
						parameters: { authentication: 'bearer' },
						credentials: {
							fixtureBearerApi: { id: '1', name: 'bearer' },
							fixtureBasicApi: { id: '2', name: 'basic' },
						},
					},
				],
				connections: {},
			},
			{
				...fixtureTypes,
				credentials: {
					fixtureBearerApi: { id: '1', data: { baseUrl: server.url, token: 'lo' } },
					fixtureBasicApi: { id: '2', data: { baseUrl: server.url, password: 'pat' } },
				},
			},
		);

	it('calls a loadOptions method with the node parameters and credentials', async () => {
		const options = await testWorkflow().loadOptions('Node', 'getProjects');

		expect(options).toEqual([
			{ name: 'Alpha', value: 'p1' },
			{ name: 'Beta', value: 'p2' },
		]);
		expect(server.requests[0].headers.authorization).toBe('Bearer lo');
	});

	it('lets the test override the current parameters, as the editor sends them', async () => {
		await testWorkflow().loadOptions('Node', 'getProjects', { authentication: 'basic' });

		expect(server.requests[0].headers.authorization).toMatch(/^Basic /);
	});

	it('calls a listSearch method with the filter', async () => {
		const found = await testWorkflow().listSearch('Node', 'searchProjects', 'bet');

		expect(found.results).toEqual([{ name: 'Beta', value: 'p2' }]);
	});
});
