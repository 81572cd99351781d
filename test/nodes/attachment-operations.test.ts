// Attachments, as a sync flow uses them: a screenshot from the ticket goes to the work item, and the work item's files
// come back as n8n binary data, byte for byte; large files go in chunks; a file over the limit is refused unsent.
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

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

async function run(operation: string, parameters: INodeParameters, inputItems: Array<IDataObject | INodeExecutionData> = [{}]) {
	return await runNode({
		type: NODE_TYPE,
		nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
		credentialTypes: [new AzureDevOpsApi()],
		credentials: { azureDevOpsApi: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: FABRIKAM_TOKEN, allowHttp: true } } as never,
		parameters: {
			authentication: 'azureDevOpsApi',
			resource: 'attachment',
			operation,
			project: { __rl: true, mode: 'url', value: serviceDeskUrl(emu) },
			...parameters,
		},
		inputItems,
		continueOnFail: true,
	});
}

/** Bytes that are not text: every byte value, repeated, so any re-encoding on the way shows. */
function fileOf(size: number): Buffer {
	return Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + 3) % 256));
}

function withFile(bytes: Buffer, fileName = 'screenshot.png'): INodeExecutionData {
	return { json: {}, binary: { data: { data: bytes.toString('base64'), mimeType: 'image/png', fileName } } };
}

function newWorkItem(): number {
	return (emu.createWorkItem('Service Desk', 'Task', { 'System.Title': 'Printer jammed' }) as { id: number }).id;
}

describe('Attachment resource', () => {
	it('uploads a file, attaches it to the work item, and downloads it back byte for byte', async () => {
		const id = newWorkItem();
		const bytes = fileOf(5000);
		const uploaded = await run('upload', { attachTo: String(id), options: { comment: 'from the ticket' } }, [withFile(bytes)]);
		expect(uploaded.items[0].json.error).toBeUndefined();
		expect(uploaded.items[0].json).toMatchObject({ fileName: 'screenshot.png', size: 5000, workItemId: id });

		const relations = (emu.getWorkItem(id) as { relations: Array<{ rel: string; url: string }> }).relations;
		expect(relations).toEqual([expect.objectContaining({ rel: 'AttachedFile', url: uploaded.items[0].json.url })]);

		const downloaded = await run('download', { workItem: { __rl: true, mode: 'id', value: String(id) } });
		expect(downloaded.items).toHaveLength(1);
		expect(downloaded.items[0].json).toMatchObject({ workItemId: id, fileName: 'screenshot.png', size: 5000, comment: 'from the ticket' });
		const binary = downloaded.items[0].binary!.data;
		expect(Buffer.from(binary.data, 'base64').equals(bytes)).toBe(true);
		expect(binary.fileName).toBe('screenshot.png');
	});

	it('sends a file above the chunk threshold in 4 MB chunks with their Content-Range, and it arrives whole', async () => {
		const id = newWorkItem();
		const bytes = fileOf(9 * 1024 * 1024 + 17);
		const before = emu.requests().length;
		const uploaded = await run('upload', { attachTo: String(id), options: { chunkAboveMb: 1 } }, [withFile(bytes, 'trace.log')]);
		expect(uploaded.items[0].json.error).toBeUndefined();
		const sent = emu.requests().slice(before).filter((r) => /attachments/i.test(r.path));
		expect(sent.map((r) => `${r.method} ${r.headers['content-range'] ?? r.query.uploadType ?? ''}`)).toEqual([
			'POST Chunked',
			'PUT bytes 0-4194303/9437201',
			'PUT bytes 4194304-8388607/9437201',
			'PUT bytes 8388608-9437200/9437201',
		]);
		const downloaded = await run('download', { workItem: { __rl: true, mode: 'id', value: String(id) } });
		expect(Buffer.from(downloaded.items[0].binary!.data.data, 'base64').equals(bytes)).toBe(true);
	});

	it('refuses a file over the limit before sending anything (AZDC-5150); the service\'s own limit is said too', async () => {
		const tooBig = await run('upload', { options: { maxFileSizeMb: 1 } }, [withFile(fileOf(1024 * 1024 + 1))]);
		expect(tooBig.items[0].json.code).toBe('AZDC-5150');
		expect(emu.requests().filter((r) => /attachments/i.test(r.path))).toHaveLength(0);

		emu.maxAttachmentBytes = 1000;
		const refused = await run('upload', {}, [withFile(fileOf(2000))]);
		expect(String(refused.items[0].json.error)).toContain('at most 1000 bytes');
	});

	it('downloads only the files whose name matches, one item per file', async () => {
		const id = newWorkItem();
		await run('upload', { attachTo: String(id) }, [withFile(fileOf(10), 'a.png')]);
		await run('upload', { attachTo: String(id) }, [withFile(fileOf(20), 'b.log')]);
		const all = await run('download', { workItem: { __rl: true, mode: 'id', value: String(id) } });
		expect(all.items.map((item) => item.json.fileName)).toEqual(['a.png', 'b.log']);
		const logs = await run('download', { workItem: { __rl: true, mode: 'id', value: String(id) }, fileNameContains: '.LOG' });
		expect(logs.items.map((item) => [item.json.fileName, item.json.size])).toEqual([['b.log', 20]]);
	});
});
