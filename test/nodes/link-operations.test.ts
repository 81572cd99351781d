// Add Link and Remove Link, as a sync flow uses them: a ticket's work item becomes the child of a problem's work item,
// a duplicate is marked, a web address is linked; link types come from the organization's own list.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { FABRIKAM_TOKEN, startEmulator, type Emulator } from '../emulator';
import { runNode } from '../support/n8n';
import { NODE_TYPE, serviceDeskUrl } from './create-from-ticket.support';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(async () => {
	await emu.stop();
});

beforeEach(() => {
	emu.reset();
});

afterEach(() => {
	expect(emu.specViolations()).toEqual([]);
});

async function run(operation: string, parameters: INodeParameters, inputItems: IDataObject[] = [{}]) {
	return await runNode({
		type: NODE_TYPE,
		nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		credentialTypes: [new AzureDevOpsApi()],
		credentials: { azureDevOpsApi: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: FABRIKAM_TOKEN, allowHttp: true } } as never,
		parameters: {
			authentication: 'azureDevOpsApi',
			resource: 'workItem',
			operation,
			project: { __rl: true, mode: 'url', value: serviceDeskUrl(emu) },
			...parameters,
		},
		inputItems,
		continueOnFail: true,
	});
}

function newWorkItem(title: string): number {
	return (emu.createWorkItem('Service Desk', 'Task', { 'System.Title': title }) as { id: number }).id;
}

const ref = (id: number) => ({ __rl: true, mode: 'id', value: String(id) });

function relationsOf(id: number): Array<{ rel: string; url: string; attributes?: IDataObject }> {
	return ((emu.getWorkItem(id) as { relations?: Array<{ rel: string; url: string }> }).relations ?? []);
}

describe('Add Link and Remove Link', () => {
	it('makes a work item the child of another by the type\'s name, with a comment, once; a second run adds nothing', async () => {
		const problem = newWorkItem('Printers on floor 2');
		const incident = newWorkItem('Printer 7 jammed');

		const first = await run('addLink', { workItem: ref(incident), linkType: 'Parent', linkTarget: String(problem), linkComment: 'same root cause' });
		expect(first.items[0].json).toMatchObject({ id: incident, linkAdded: true });
		expect(relationsOf(incident)).toEqual([
			expect.objectContaining({
				rel: 'System.LinkTypes.Hierarchy-Reverse',
				url: `${emu.orgUrl('fabrikam')}/_apis/wit/workItems/${problem}`,
				attributes: expect.objectContaining({ comment: 'same root cause' }) as unknown,
			}),
		]);
		const patch = emu.requests().find((r) => r.method === 'PATCH')!;
		expect((patch.body as IDataObject[])[0]).toMatchObject({ op: 'test', path: '/rev' });

		const before = emu.requests().length;
		const again = await run('addLink', {
			workItem: ref(incident),
			linkType: 'System.LinkTypes.Hierarchy-Reverse',
			linkTarget: `${serviceDeskUrl(emu)}/_workitems/edit/${problem}`,
		});
		expect(again.items[0].json).toMatchObject({ linkAdded: false });
		expect(emu.requests().slice(before).filter((r) => r.method === 'PATCH')).toHaveLength(0);
		// The organization's link types were read once per run, not once per item.
		expect(emu.requests().slice(before).filter((r) => /workitemrelationtypes/i.test(r.path))).toHaveLength(1);
	});

	it('links a web address as a Hyperlink and removes it again; removing what is not there changes nothing', async () => {
		const id = newWorkItem('Printer 8 jammed');
		await run('addLink', { workItem: ref(id), linkType: 'Hyperlink', linkTarget: 'https://servicedesk.example.com/tickets/8' });
		expect(relationsOf(id).map((r) => r.rel)).toEqual(['Hyperlink']);

		const removed = await run('removeLink', { workItem: ref(id), linkType: 'Hyperlink', linkTarget: 'https://servicedesk.example.com/tickets/8' });
		expect(removed.items[0].json).toMatchObject({ linkRemoved: true });
		expect(relationsOf(id)).toEqual([]);

		const before = emu.requests().length;
		const nothing = await run('removeLink', { workItem: ref(id), linkType: 'Hyperlink', linkTarget: 'https://servicedesk.example.com/tickets/8' });
		expect(nothing.items[0].json).toMatchObject({ linkRemoved: false });
		expect(emu.requests().slice(before).filter((r) => r.method === 'PATCH')).toHaveLength(0);
	});

	it('removes only the link of the chosen type to the chosen work item', async () => {
		const a = newWorkItem('A');
		const b = newWorkItem('B');
		const c = newWorkItem('C');
		await run('addLink', { workItem: ref(a), linkType: 'Related', linkTarget: String(b) });
		await run('addLink', { workItem: ref(a), linkType: 'Related', linkTarget: String(c) });
		await run('addLink', { workItem: ref(a), linkType: 'Duplicate Of', linkTarget: String(b) });

		const removed = await run('removeLink', { workItem: ref(a), linkType: 'Related', linkTarget: String(b) });
		expect(removed.items[0].json.linkRemoved).toBe(true);
		expect(relationsOf(a).map((r) => `${r.rel} ${r.url.split('/').pop()}`)).toEqual([
			`System.LinkTypes.Related ${c}`,
			`System.LinkTypes.Duplicate-Reverse ${b}`,
		]);
	});

	it('an unknown link type lists the organization\'s types; a bad other end is said clearly; nothing is written', async () => {
		const id = newWorkItem('D');
		const unknown = await run('addLink', { workItem: ref(id), linkType: 'Blocks', linkTarget: '1' });
		expect(unknown.items[0].json.code).toBe('AZDC-5120');
		expect(String(unknown.items[0].json.error)).toContain('Parent (System.LinkTypes.Hierarchy-Reverse)');
		const badTarget = await run('addLink', { workItem: ref(id), linkType: 'Related', linkTarget: 'the other one' });
		expect(badTarget.items[0].json.code).toBe('AZDC-5121');
		const badUrl = await run('addLink', { workItem: ref(id), linkType: 'Hyperlink', linkTarget: 'javascript:alert(1)' });
		expect(badUrl.items[0].json.code).toBe('AZDC-5121');
		expect(emu.requests().filter((r) => r.method === 'PATCH')).toHaveLength(0);
	});
});
