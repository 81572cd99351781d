// The Comment resource, as a sync flow uses it: list a work item's discussion (every page, or the newest few), correct
// a comment, delete one. Runs the node through n8n's engine against the emulator.
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
			resource: 'comment',
			operation,
			project: { __rl: true, mode: 'url', value: serviceDeskUrl(emu) },
			...parameters,
		},
		inputItems,
		continueOnFail: true,
	});
}

/** A work item with `count` comments "note 1" … "note N", oldest first. */
function workItemWithComments(count: number): { id: number; workItem: { __rl: true; mode: string; value: string } } {
	const id = (emu.createWorkItem('Service Desk', 'Task', { 'System.Title': 'Printer jammed' }) as { id: number }).id;
	for (let n = 1; n <= count; n++) emu.addComment(id, `note ${n}`);
	return { id, workItem: { __rl: true, mode: 'id', value: String(id) } };
}

describe('Comment resource', () => {
	it('Get Many with Return All follows every page: 450 comments in 3 requests, newest first', async () => {
		const { workItem } = workItemWithComments(450);
		const before = emu.requests().length;

		const result = await run('getAll', { workItem, returnAll: true });

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(450);
		expect(result.items[0].json.text).toBe('note 450');
		expect(result.items[449].json.text).toBe('note 1');
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(emu.requests().slice(before).filter((r) => /comments$/i.test(r.path))).toHaveLength(3);
	});

	it('Get Many with a limit asks for no more than it returns', async () => {
		const { workItem } = workItemWithComments(30);
		const before = emu.requests().length;

		const result = await run('getAll', { workItem, returnAll: false, limit: 5 });

		expect(result.items.map((item) => item.json.text)).toEqual(['note 30', 'note 29', 'note 28', 'note 27', 'note 26']);
		const lists = emu.requests().slice(before).filter((r) => /comments$/i.test(r.path));
		expect(lists).toHaveLength(1);
		expect(lists[0].query.$top).toBe('5');
	});

	it('Update replaces the text of a comment (plain text escaped), Delete removes it', async () => {
		const { id, workItem } = workItemWithComments(2);
		const [newest] = (await run('getAll', { workItem, returnAll: true })).items;
		const commentId = newest.json.id as number;

		const updated = await run('update', { workItem, commentId, text: 'Fixed <really>', format: 'text' });
		expect(updated.items[0].json).toMatchObject({ id: commentId, text: 'Fixed &lt;really&gt;', version: 2 });

		const deleted = await run('delete', { workItem, commentId });
		expect(deleted.items[0].json).toEqual({ workItemId: id, commentId, deleted: true });
		const left = await run('getAll', { workItem, returnAll: true });
		expect(left.items.map((item) => item.json.text)).toEqual(['note 1']);
	});

	it('a comment that does not exist, an invalid comment ID and an empty text are each said clearly', async () => {
		const { workItem } = workItemWithComments(1);
		const missing = await run('delete', { workItem, commentId: 999 });
		expect(missing.items[0].json.code).toBe('AZDC-4016');
		const invalid = await run('update', { workItem, commentId: 0, text: 'x' });
		expect(invalid.items[0].json.code).toBe('AZDC-5110');
		const empty = await run('update', { workItem, commentId: 1, text: '  ' });
		expect(empty.items[0].json.code).toBe('AZDC-5058');
	});
});
