// The transport and the credentials, exercised as the nodes use them: a request goes through n8n's engine and its
// request helper, our credential decides which token (if any) goes with it, and the Azure DevOps emulator answers
// over HTTP on 127.0.0.1, including the bad days: throttling, outages, dropped connections, foreign organizations.
import * as http from 'http';
import type { AddressInfo } from 'net';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsMultiOrgApi } from '../../credentials/AzureDevOpsMultiOrgApi.credentials';
import { useTransportClock } from '../../nodes/AzureDevOpsConnector/transport';
import { CONTOSO_TOKEN, FABRIKAM_TOKEN, startEmulator, type Emulator } from '../emulator';
import { runNode, testCredential } from '../support/n8n';
import { PROBE_TYPE, TransportProbe } from './probe-node';

const CANARY = 'canary-pat-transport-7c1e-never-print-me';

let emu: Emulator;
let sleeps: number[];
let restoreClock: () => void;

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(async () => {
	await emu.stop();
});

beforeEach(() => {
	emu.reset();
	sleeps = [];
	// Back-off waits are recorded, not slept: timing is asserted on what the transport asked to wait.
	restoreClock = useTransportClock({
		sleep: async (ms) => {
			sleeps.push(ms);
		},
		random: () => 0.5,
	});
});

afterEach(() => {
	restoreClock();
});

const fabrikam = () => emu.orgUrl('fabrikam');
const contoso = () => emu.orgUrl('contoso');

function singleOrg(accessToken = FABRIKAM_TOKEN, organizationUrl = fabrikam()) {
	return { azureDevOpsApi: { organizationUrl, accessToken, allowHttp: true } };
}

function multiOrg(tokens = `${FABRIKAM_TOKEN},${CONTOSO_TOKEN}`) {
	return {
		azureDevOpsMultiOrgApi: { organizations: `${fabrikam()}\n${contoso()}`, accessTokens: tokens, allowHttp: true },
	};
}

async function send(request: object, credentials: Record<string, object> = singleOrg()) {
	const credentialType = Object.keys(credentials)[0];
	const result = await runNode({
		type: PROBE_TYPE,
		nodeTypes: { [PROBE_TYPE]: new TransportProbe() },
		credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi()],
		credentials: credentials as never,
		parameters: { credentialType, request: JSON.stringify({ organizationUrl: fabrikam(), ...request }) },
		inputItems: [{}],
	});
	const error = result.error as (Error & { description?: string; context?: { code?: string } }) | undefined;
	return { output: result.items[0]?.json as Record<string, unknown> | undefined, error, result };
}

const listProjects = { method: 'GET', path: '/_apis/projects' };
const createTask = (title = 'Printer on floor 3 is offline') => ({
	method: 'POST',
	path: `/${encodeURIComponent('Fabrikam Fiber')}/_apis/wit/workitems/$Task`,
	body: [{ op: 'add', path: '/fields/System.Title', value: title }],
	contentType: 'application/json-patch+json',
});

function requestsTo(pathPart: string) {
	return emu.requests().filter((r) => r.path.includes(pathPart));
}

describe('a node reads from Azure DevOps through the transport', () => {
	it('sends the token of the credential as Basic auth, with api-version 7.1 and no sign-in redirect', async () => {
		const { output, error } = await send(listProjects);
		expect(error).toBeUndefined();
		expect(output?.status).toBe(200);
		const names = ((output?.body as { value: Array<{ name: string }> }).value ?? []).map((p) => p.name);
		expect(names).toEqual(expect.arrayContaining(['Fabrikam Fiber', 'Service Desk']));
		const [seen] = requestsTo('/_apis/projects');
		expect(seen.token).toBe('fabrikam#0');
		expect(seen.query['api-version']).toBe('7.1');
		expect(seen.headers['x-tfs-fedauthredirect']).toBe('Suppress');
		expect(emu.specViolations()).toEqual([]);
	});

	it('creates a work item with a JSON Patch document in one request', async () => {
		const { output, error } = await send(createTask());
		expect(error).toBeUndefined();
		const body = output?.body as { id: number; fields: Record<string, unknown> };
		expect(body.fields['System.Title']).toBe('Printer on floor 3 is offline');
		expect(emu.getWorkItem(body.id)).toBeDefined();
		const creates = requestsTo('/_apis/wit/workitems/');
		expect(creates).toHaveLength(1);
		expect(creates[0].headers['content-type']).toMatch(/^application\/json-patch\+json/);
		expect(emu.specViolations()).toEqual([]);
	});
});

describe('Azure DevOps says no', () => {
	it('reports a refused token as AZDC-4015 with the service\'s own words, and never the token', async () => {
		const { error } = await send(listProjects, singleOrg(CANARY));
		expect(error?.context?.code).toBe('AZDC-4015');
		expect(error?.message).toMatch(/^\[AZDC-4015\] Azure DevOps answered 401 to GET \/_apis\/projects/);
		expect(JSON.stringify({ message: error?.message, description: error?.description, error })).not.toContain(CANARY);
	});

	it('passes a rule error (TF401320) through with AZDC-4010', async () => {
		const { error } = await send({ ...createTask(), body: [{ op: 'add', path: '/fields/System.Description', value: 'x' }] });
		expect(error?.context?.code).toBe('AZDC-4010');
		expect(error?.message).toContain('TF401320');
	});

	it('reports a missing work item as AZDC-4016', async () => {
		const { error } = await send({ method: 'GET', path: '/_apis/wit/workitems/999999' });
		expect(error?.context?.code).toBe('AZDC-4016');
	});
});

describe('throttling and outages', () => {
	it('waits the Retry-After Azure DevOps asks for on 429, then succeeds', async () => {
		emu.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 2, times: 2, match: { pathIncludes: '/_apis/projects' } });
		const { output, error } = await send(listProjects);
		expect(error).toBeUndefined();
		expect(output?.attempts).toBe(3);
		expect(sleeps).toEqual([2000, 2000]);
	});

	it('retries even a create on 429, since Azure DevOps refused it before doing anything, and creates it once', async () => {
		emu.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 1, times: 1, match: { method: 'POST' } });
		const { output, error } = await send(createTask('Throttled once'));
		expect(error).toBeUndefined();
		expect(output?.attempts).toBe(2);
		expect(requestsTo('/_apis/wit/workitems/')).toHaveLength(2);
		const id = (output?.body as { id: number }).id;
		expect(emu.getWorkItem(id)).toBeDefined();
	});

	it('gives up with AZDC-4011 when throttling outlasts the retry budget, having waited a bounded time', async () => {
		emu.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 30, match: { pathIncludes: '/_apis/projects' } });
		const { error } = await send({ ...listProjects, retry: { maxAttempts: 4, maxTotalWaitMs: 65_000 } });
		expect(error?.context?.code).toBe('AZDC-4011');
		expect(error?.message).toContain('Gave up after 3 attempt(s)');
		expect(sleeps).toEqual([30_000, 30_000]);
		expect(requestsTo('/_apis/projects')).toHaveLength(3);
	});

	it('backs off exponentially when a read fails with no Retry-After to go by', async () => {
		emu.faults.add({ kind: 'status', status: 500, times: 3, match: { pathIncludes: '/_apis/projects' } });
		const { error } = await send({ ...listProjects, retry: { baseDelayMs: 100 } });
		expect(error).toBeUndefined();
		// With the fake random at 0.5, each wait is three quarters of a doubling ceiling: 100, 200, 400.
		expect(sleeps).toEqual([75, 150, 300]);
	});

	it('honours the Retry-After that comes with a 503', async () => {
		emu.faults.add({ kind: 'status', status: 503, retryAfterSeconds: 4, times: 1, match: { pathIncludes: '/_apis/projects' } });
		const { error } = await send(listProjects);
		expect(error).toBeUndefined();
		expect(sleeps).toEqual([4000]);
	});

	it('retries a read after a server error, but never a create', async () => {
		emu.faults.add({ kind: 'status', status: 500, times: 1, match: { method: 'GET' } });
		const read = await send(listProjects);
		expect(read.error).toBeUndefined();
		expect(read.output?.attempts).toBe(2);

		emu.faults.add({ kind: 'status', status: 500, times: 1, match: { method: 'POST' } });
		const create = await send(createTask('Server error'));
		expect(create.error?.context?.code).toBe('AZDC-4012');
		expect(requestsTo('/_apis/wit/workitems/$Task')).toHaveLength(1);
	});

	it('re-sends a read whose connection dropped', async () => {
		emu.faults.add({ kind: 'drop', times: 1, match: { pathIncludes: '/_apis/projects' } });
		const { output, error } = await send(listProjects);
		expect(error).toBeUndefined();
		expect(output?.attempts).toBe(2);
	});

	it('does not re-send a create whose connection dropped after Azure DevOps stored it: AZDC-4014, one work item', async () => {
		emu.faults.add({ kind: 'dropAfterCommit', times: 1, match: { method: 'POST' } });
		const { error } = await send(createTask('Lost answer'));
		expect(error?.context?.code).toBe('AZDC-4014');
		expect(requestsTo('/_apis/wit/workitems/$Task')).toHaveLength(1);
		const titles = emu
			.requests()
			.filter((r) => r.outcome === 'droppedAfterCommit')
			.map((r) => (r.body as Array<{ value: string }>)[0].value);
		expect(titles).toEqual(['Lost answer']);
	});

	it('retries a create when the connection was refused (nothing reached a server), then reports AZDC-4013', async () => {
		const closed = http.createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise<void>((resolve) => closed.close(() => resolve()));
		const org = `http://127.0.0.1:${port}/fabrikam`;
		const { error } = await send(
			{ ...createTask(), organizationUrl: org, retry: { maxAttempts: 3, baseDelayMs: 10 } },
			singleOrg(FABRIKAM_TOKEN, org),
		);
		expect(error?.context?.code).toBe('AZDC-4013');
		expect(sleeps).toHaveLength(2);
	});
});

describe('each token goes only to its own organization', () => {
	it('uses the contoso token for contoso and the fabrikam token for fabrikam', async () => {
		await send(listProjects, multiOrg());
		await send({ ...listProjects, organizationUrl: contoso() }, multiOrg());
		const seen = requestsTo('/_apis/projects').map((r) => `${r.organization}:${r.token}`);
		expect(seen).toEqual(['fabrikam:fabrikam#0', 'contoso:contoso#0']);
	});

	it('refuses, before sending anything, a request for an organization the credential has no token for', async () => {
		const northwind = `${emu.url}/northwind`;
		const multi = await send({ ...listProjects, organizationUrl: northwind }, multiOrg());
		expect(multi.error?.context?.code).toBe('AZDC-4001');
		const single = await send({ ...listProjects, organizationUrl: contoso() }, singleOrg(CANARY));
		expect(single.error?.context?.code).toBe('AZDC-4001');
		expect(single.error?.message).not.toContain(CANARY);
		expect(emu.requests()).toHaveLength(0);
	});

	it('never follows a redirect with the token', async () => {
		const elsewhere: http.IncomingMessage[] = [];
		const target = http.createServer((req, res) => {
			elsewhere.push(req);
			res.end('{}');
		});
		await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
		const redirector = http.createServer((_req, res) => {
			res.writeHead(302, { Location: `http://127.0.0.1:${(target.address() as AddressInfo).port}/steal?x=1` });
			res.end();
		});
		await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
		try {
			const org = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/fabrikam`;
			const { error } = await send({ ...listProjects, organizationUrl: org }, singleOrg(CANARY, org));
			expect(error?.context?.code).toBe('AZDC-4017');
			expect(error?.message).not.toContain('x=1');
			expect(elsewhere).toHaveLength(0);
		} finally {
			await new Promise<void>((resolve) => redirector.close(() => resolve()));
			await new Promise<void>((resolve) => target.close(() => resolve()));
		}
	});
});

describe('testing a credential in the n8n editor', () => {
	const credentialTypes = [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi()];

	it('accepts a working token', async () => {
		const result = await testCredential({
			type: 'azureDevOpsApi',
			data: { organizationUrl: fabrikam(), accessToken: FABRIKAM_TOKEN, allowHttp: true },
			credentialTypes,
		});
		expect(result).toMatchObject({ status: 'OK' });
		expect(requestsTo('/_apis/connectionData')[0]?.token).toBe('fabrikam#0');
	});

	it('explains a refused token, without showing it', async () => {
		const result = await testCredential({
			type: 'azureDevOpsApi',
			data: { organizationUrl: fabrikam(), accessToken: CANARY, allowHttp: true },
			credentialTypes,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/refused the token/);
		expect(result.message).not.toContain(CANARY);
	});

	it('rejects a token of another organization', async () => {
		const result = await testCredential({
			type: 'azureDevOpsApi',
			data: { organizationUrl: fabrikam(), accessToken: CONTOSO_TOKEN, allowHttp: true },
			credentialTypes,
		});
		expect(result.status).toBe('Error');
	});
});
