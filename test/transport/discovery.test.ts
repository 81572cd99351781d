// How the client learns what a server speaks: one OPTIONS /_apis per organization and process, whatever the node,
// operation or item; a failed discovery is not remembered; an answer that is no location list is a coded error.
import type { IDataObject } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsMultiOrgApi } from '../../credentials/AzureDevOpsMultiOrgApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { forgetServerVersions, useTransportClock } from '../../nodes/AzureDevOpsConnector/transport';
import { CONTOSO_TOKEN, FABRIKAM_TOKEN, startEmulator, type Emulator } from '../emulator';
import { locationList } from '../support/locations';
import { runNode, startLoopbackServer } from '../support/n8n';

const NODE_TYPE = 'n8n-nodes-azure-devops-connector.azureDevOpsConnector';

let emu: Emulator;
let restoreClock: () => void;

beforeAll(async () => {
	emu = await startEmulator();
	restoreClock = useTransportClock({ sleep: async () => {}, random: () => 0.5 });
});

afterAll(async () => {
	restoreClock();
	await emu.stop();
});

beforeEach(() => {
	emu.reset();
	forgetServerVersions();
});

async function get(organizationUrl: string, ids: number[], token = FABRIKAM_TOKEN, project = 'Fabrikam Fiber') {
	return await runNode({
		type: NODE_TYPE,
		nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		credentialTypes: [new AzureDevOpsApi(), new AzureDevOpsMultiOrgApi()],
		credentials: { azureDevOpsApi: { organizationUrl, accessToken: token, allowHttp: true } } as never,
		parameters: {
			authentication: 'azureDevOpsApi',
			resource: 'workItem',
			operation: 'get',
			project: { __rl: true, mode: 'name', value: project },
			workItem: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		},
		inputItems: ids.map((id) => ({ id })),
		continueOnFail: true,
	});
}

describe('learning what a server speaks', () => {
	it('asks each organization once per process, however many items, runs and operations follow', async () => {
		const a = emu.createWorkItem('Fabrikam Fiber', 'Task', { 'System.Title': 'a' }) as { id: number };
		const b = emu.createWorkItem('Fabrikam Fiber', 'Task', { 'System.Title': 'b' }) as { id: number };
		const c = emu.createWorkItem('Contoso Support', 'Task', { 'System.Title': 'c' }, { organization: 'contoso' }) as { id: number };
		await get(emu.orgUrl('fabrikam'), [a.id, b.id]);
		await get(emu.orgUrl('fabrikam'), [b.id]);
		await get(emu.orgUrl('contoso'), [c.id], CONTOSO_TOKEN, 'Contoso Support');
		const discoveries = emu.requests().filter((r) => r.method === 'OPTIONS');
		expect(discoveries.map((r) => `${r.organization} ${r.path}`)).toEqual(['fabrikam /fabrikam/_apis', 'contoso /contoso/_apis']);
		expect(emu.requests().filter((r) => r.method === 'GET')).toHaveLength(4);
	});

	it('a failed discovery is not remembered: the next run asks again', async () => {
		let optionsAnswers = 0;
		const server = await startLoopbackServer((request) => {
			if (request.method === 'OPTIONS') {
				optionsAnswers++;
				return optionsAnswers === 1 ? { status: 401, body: { message: 'TF400813: not authorized', typeKey: 'UnauthorizedRequestException' } } : { body: locationList('6.0') };
			}
			return { body: { id: 7, rev: 1, fields: { 'System.Title': 'seven' } } };
		});
		try {
			const first = await get(`${server.url}/Coll`, [7]);
			expect(first.items[0].json.code).toBe('AZDC-4015');
			const second = await get(`${server.url}/Coll`, [7]);
			expect(second.items[0].json).toMatchObject({ id: 7 });
			expect(server.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
				'OPTIONS /Coll/_apis',
				'OPTIONS /Coll/_apis',
				'GET /Coll/Fabrikam%20Fiber/_apis/wit/workitems/7',
			]);
			// and the read went out at the version that server advertised
			expect(server.requests.at(-1)!.url).toContain('api-version=6.0');
		} finally {
			await server.close();
		}
	});

	it('a sign-in page or proxy instead of a location list: AZDC-4031, and the read is never sent', async () => {
		const server = await startLoopbackServer(() => ({ body: '<html><body>Sign in</body></html>', headers: { 'content-type': 'text/html' } }));
		try {
			const run = await get(`${server.url}/Coll`, [7]);
			const out = run.items[0].json as IDataObject;
			expect(out.code).toBe('AZDC-4031');
			expect(String(out.error)).toContain('answered OPTIONS /_apis with no list of resource locations');
			expect(server.requests.map((r) => r.method)).toEqual(['OPTIONS']);
		} finally {
			await server.close();
		}
	});
});
