// One emulator, every release: Azure DevOps Services and one Azure DevOps Server collection per
// supported release, each speaking only its own REST versions.
import * as azdev from 'azure-devops-node-api';
import { startEmulator, EMULATOR_PROFILES, type Emulator } from './index';
import { call } from './support';

const servers = EMULATOR_PROFILES.filter((p) => p.hosting === 'server');

describe('Emulator profiles: Services and one collection per Azure DevOps Server release', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(async () => emu.stop());
	beforeEach(() => emu.reset());

	it('GET /_emulator/health lists every organization and collection with its version and tokens', async () => {
		const res = await call('GET', `${emu.url}/_emulator/health`);
		expect(res.status).toBe(200);
		const orgs = res.json.organizations as Array<Record<string, unknown>>;
		for (const p of EMULATOR_PROFILES) {
			expect(orgs).toContainEqual({ url: emu.profileUrl(p.name), hosting: p.hosting, serverVersion: p.serverVersion, maxApiVersion: p.maxApiVersion, tokens: [p.token].concat(p.name === 'services' ? [expect.any(String)] : []) });
		}
		expect(orgs.map((o) => o.url)).toEqual(expect.arrayContaining([emu.orgUrl('contoso'), emu.orgUrl('DefaultCollection')]));
	});

	it('profiles name the documented REST version of each release', () => {
		expect(EMULATOR_PROFILES.map((p) => [p.name, p.maxApiVersion, p.serverVersion])).toEqual([
			['services', '7.2', 'Azure DevOps Services'],
			['server2019', '5.0', 'Azure DevOps Server 2019'],
			['server2020', '6.0', 'Azure DevOps Server 2020'],
			['server2022', '7.0', 'Azure DevOps Server 2022'],
			['server2022.1', '7.1', 'Azure DevOps Server 2022.1'],
		]);
		expect(emu.profileUrl('server2020')).toBe(`${emu.url}/server2020/DefaultCollection`);
		expect(emu.orgUrl('server2020/DefaultCollection')).toBe(emu.profileUrl('server2020'));
		expect(emu.profileUrl('services')).toBe(`${emu.url}/fabrikam`);
	});

	describe.each(servers)('$serverVersion', (p) => {
		const get = (path: string, version: string) => call('GET', `${emu.profileUrl(p.name)}/${path}${path.includes('?') ? '&' : '?'}api-version=${version}`, { token: p.token });

		it('serves the same seed as fabrikam within its version', async () => {
			const res = await get('Fabrikam%20Fiber/_apis/wit/workitemtypes', p.maxApiVersion);
			expect(res.status).toBe(200);
			expect((res.json.value as Array<{ name: string }>).map((t) => t.name)).toEqual(['Task', 'Bug', 'User Story', 'Epic']);
		});

		it('refuses an api-version above its own with VssVersionOutOfRangeException', async () => {
			const above = { '5.0': '5.1', '6.0': '6.1', '7.0': '7.1', '7.1': '7.2' }[p.maxApiVersion]!;
			const res = await get('Fabrikam%20Fiber/_apis/wit/workitemtypes', above);
			expect(res.status).toBe(400);
			expect(res.json).toMatchObject({
				typeKey: 'VssVersionOutOfRangeException',
				typeName: 'Microsoft.VisualStudio.Services.WebApi.VssVersionOutOfRangeException, Microsoft.VisualStudio.Services.WebApi',
				message: `The requested REST API version of ${above} is out of range for this server. The latest REST API version this server supports is ${p.maxApiVersion}.`,
			});
		});

		it('OPTIONS /_apis lists every resource location with the release\'s versions; connectionData says onPremises', async () => {
			const res = await call('OPTIONS', `${emu.profileUrl(p.name)}/_apis`, { token: p.token });
			expect(res.status).toBe(200);
			const value = res.json.value as Array<{ id: string; area: string; maxVersion: string; releasedVersion: string }>;
			expect(res.json.count).toBe(value.length);
			expect(value.every((l) => l.maxVersion === p.maxApiVersion)).toBe(true);
			const workItems = value.find((l) => l.id === '72c7ddf8-2cdc-4f60-90cd-ab71c14a399b')!;
			expect(workItems.releasedVersion).toBe(p.maxApiVersion);
			// Comments as 7.x knows them (608aac0a) came with Server 2020; Server 2019 has only the older read-only resource.
			expect(value.some((l) => l.id === '608aac0a-32e1-4493-a863-b9cf4566d257')).toBe(p.name !== 'server2019');
			const wit = await call('OPTIONS', `${emu.profileUrl(p.name)}/_apis/wit`, { token: p.token });
			expect((wit.json.value as Array<{ area: string }>).every((l) => l.area === 'wit')).toBe(true);
			const data = await get('_apis/connectionData', p.maxApiVersion);
			expect(data.json.deploymentType).toBe('onPremises');
			// On-premises answers ResourceAreas with an empty list (azure-devops-node-api WebApi._getResourceAreaUrl relies on it).
			const areas = await get('_apis/ResourceAreas', `${p.maxApiVersion}-preview.1`);
			expect(areas.json).toEqual({ count: 0, value: null });
		});

		it('Microsoft\'s client negotiates down to the release and reads work item types and states', async () => {
			const conn = new azdev.WebApi(emu.profileUrl(p.name), azdev.getPersonalAccessTokenHandler(p.token));
			const wit = await conn.getWorkItemTrackingApi();
			expect((await wit.getWorkItemTypeStates(p.project, 'Bug')).map((s) => s.name)).toEqual(['New', 'Active', 'Resolved', 'Closed']);
			// The client sends the negotiated version in the Accept header: what it asked for where the
			// server has it, else the server's latest (with -preview.N where the route is preview there).
			const sent = emu.requests().filter((r) => r.path.endsWith('/states')).map((r) => /api-version=([^;,\s]+)/.exec(r.headers.accept ?? '')?.[1]);
			const expected = { server2019: '5.0-preview.1', server2020: '6.0-preview.1', server2022: '7.0', 'server2022.1': '7.1-preview.1', services: '7.1-preview.1' }[p.name];
			expect(sent).toEqual([expected]);
			expect(emu.specViolations()).toEqual([]);
		});
	});

	it('a route that is preview at the requested version is refused without -preview (states on Server 2019 and 2020)', async () => {
		for (const name of ['server2019', 'server2020'] as const) {
			const p = servers.find((s) => s.name === name)!;
			const res = await call('GET', `${emu.profileUrl(name)}/Fabrikam%20Fiber/_apis/wit/workitemtypes/Bug/states?api-version=${p.maxApiVersion}`, { token: p.token });
			expect(res.status).toBe(400);
			expect(res.json).toMatchObject({
				typeKey: 'VssInvalidPreviewVersionException',
				message: `The requested version "${p.maxApiVersion}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${p.maxApiVersion}-preview"`,
			});
		}
		const ok = await call('GET', `${emu.profileUrl('server2022')}/Fabrikam%20Fiber/_apis/wit/workitemtypes/Bug/states?api-version=7.0`, { token: servers[2].token });
		expect(ok.status).toBe(200);
	});

	it('the control endpoints reach a collection by its two-segment key', async () => {
		const id = Number(emu.createWorkItem('Fabrikam Fiber', 'Task', { 'System.Title': 'x' }, { organization: 'server2022/DefaultCollection' }).id);
		const res = await call('POST', `${emu.url}/_emulator/workitems/server2022/DefaultCollection/${id}`, { body: { fields: { 'System.State': 'Active' } } });
		expect([res.status, (res.json.fields as Record<string, unknown>)['System.State']]).toEqual([200, 'Active']);
	});

	it('a collection\'s token opens only that collection', async () => {
		const res = await call('GET', `${emu.profileUrl('server2020')}/_apis/projects?api-version=6.0`, { token: servers[0].token });
		expect(res.status).toBe(401);
	});
});
