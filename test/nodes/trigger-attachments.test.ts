// The trigger's Download Attachments option (issue 18, item 3: "download a work item's attachments as binary data
// (Get, and optionally in the trigger)"): the files a delivery brings (every file of a new work item, the files an
// update added) arrive on the output item as n8n binary data, byte for byte, so the next node can put them on the
// ticket without another Azure DevOps node. Runs the trigger through n8n's engine; the emulator delivers over HTTP.
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator';
import type { WebhookResult } from '../support/n8n';
import { createFromTicket, ticket, updateFromTicket } from './create-from-ticket.support';
import { emitted, TRIGGER, triggerRig, type TriggerRig } from './trigger.support';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator({ allowLocalhostConsumers: true });
});

afterAll(async () => {
	await emu.stop();
});

afterEach(() => {
	expect(emu.specViolations()).toEqual([]);
});

const bytes = (length: number, seed: number) => Buffer.from(Array.from({ length }, (_, i) => (i * seed + 7) % 256));
const file = (data: Buffer, fileName: string, mimeType = 'image/png') => ({ data: data.toString('base64'), mimeType, fileName });

async function withRig(options: IDataObject, events: string[], run: (rig: TriggerRig) => Promise<void>): Promise<void> {
	emu.reset();
	// Every update, not only changes of state: a file added is an update that leaves the state alone.
	const rig = await triggerRig(emu, { parameters: { events, onlyStateChanges: false, options: options as INodeParameters } });
	try {
		expect(await rig.workflow.activate(TRIGGER)).toEqual({ existed: false, created: true });
		await run(rig);
	} finally {
		await rig.workflow.deactivate(TRIGGER).catch(() => undefined);
		await rig.close();
	}
}

function emittedItem(result: WebhookResult): INodeExecutionData {
	emitted(result);
	return result.workflowData![0][0];
}

const downloads = () => emu.requests().filter((r) => r.method === 'GET' && /\/_apis\/wit\/attachments\/[0-9a-f-]+$/i.test(r.path));

describe('Trigger option Download Attachments', () => {
	it('puts every file of a new work item on the item as binary data, byte for byte, with name and size', async () => {
		const shot = bytes(5000, 31);
		const log = bytes(1200, 17);
		await withRig({ downloadAttachments: true }, ['workitem.created'], async (rig) => {
			const created = await createFromTicket(emu, {
				tickets: [{ json: ticket(951), binary: { shot: file(shot, 'shot.png'), log: file(log, 'printer.log', 'text/plain') } } as never],
				options: { attachmentFields: 'shot, log' },
			});
			expect(created.error).toBeUndefined();
			await emu.hooks.flush();
			const item = emittedItem(rig.results[0]);
			const listed = item.json.attachments as IDataObject[];
			expect(listed.map((entry) => [entry.fileName, entry.size, entry.downloaded, entry.binaryProperty])).toEqual([
				['shot.png', 5000, true, 'attachment_0'],
				['printer.log', 1200, true, 'attachment_1'],
			]);
			expect(Buffer.from(item.binary!.attachment_0.data, 'base64').equals(shot)).toBe(true);
			expect(item.binary!.attachment_0.fileName).toBe('shot.png');
			expect(Buffer.from(item.binary!.attachment_1.data, 'base64').equals(log)).toBe(true);
		});
	});

	it('on an update, brings only the files that update added, not the ones the work item already had', async () => {
		const first = bytes(800, 3);
		const second = bytes(900, 5);
		await withRig({ downloadAttachments: true }, ['workitem.updated'], async (rig) => {
			await createFromTicket(emu, {
				tickets: [{ json: ticket(952), binary: { a: file(first, 'first.png') } } as never],
				options: { attachmentFields: 'a' },
			});
			const updated = await updateFromTicket(emu, {
				tickets: [{ json: ticket(952), binary: { a: file(first, 'first.png'), b: file(second, 'second.png') } } as never],
				options: { attachmentFields: 'a, b' },
			});
			expect(updated.error).toBeUndefined();
			await emu.hooks.flush();
			const item = emittedItem(rig.results.at(-1)!);
			expect((item.json.attachments as IDataObject[]).map((entry) => entry.fileName)).toEqual(['second.png']);
			expect(Object.keys(item.binary ?? {})).toEqual(['attachment_0']);
			expect(Buffer.from(item.binary!.attachment_0.data, 'base64').equals(second)).toBe(true);
			expect(downloads()).toHaveLength(1);
		});
	});

	it('lists a file over the size limit without downloading it, and still starts the workflow', async () => {
		await withRig({ downloadAttachments: true, maxAttachmentMb: 0.001 }, ['workitem.created'], async (rig) => {
			await createFromTicket(emu, {
				tickets: [{ json: ticket(953), binary: { big: file(bytes(4096, 11), 'dump.bin', 'application/octet-stream') } } as never],
				options: { attachmentFields: 'big' },
			});
			await emu.hooks.flush();
			const item = emittedItem(rig.results[0]);
			const [entry] = item.json.attachments as IDataObject[];
			expect(entry).toMatchObject({ fileName: 'dump.bin', size: 4096, downloaded: false, binaryProperty: null });
			expect(String(entry.reason)).toContain('Download Size Limit');
			expect(item.binary ?? {}).toEqual({});
			expect(downloads()).toHaveLength(0);
		});
	});

	it('downloads nothing when the option is off (the default), and the item has no attachments key', async () => {
		await withRig({}, ['workitem.created'], async (rig) => {
			await createFromTicket(emu, {
				tickets: [{ json: ticket(954), binary: { shot: file(bytes(300, 13), 'shot.png') } } as never],
				options: { attachmentFields: 'shot' },
			});
			await emu.hooks.flush();
			const item = emittedItem(rig.results[0]);
			expect(item.json.attachments).toBeUndefined();
			expect(item.binary).toBeUndefined();
			expect(downloads()).toHaveLength(0);
		});
	});

	it('an update that brought no file costs no credential read and no request, with the option on', async () => {
		await withRig({ downloadAttachments: true }, ['workitem.updated'], async (rig) => {
			const created = await createFromTicket(emu, { tickets: [ticket(956)] });
			const id = created.items[0].json.id as number;
			const credentialReads = jest.spyOn(rig.workflow.credentialsHelper, 'getDecrypted');
			try {
				const before = emu.requests().length;
				emu.updateWorkItem(id, { 'System.Title': 'Printer 956 is jammed again' });
				await emu.hooks.flush();
				const item = emittedItem(rig.results.at(-1)!);
				expect(item.json.attachments).toEqual([]);
				expect(credentialReads).not.toHaveBeenCalled();
				expect(emu.requests().slice(before).filter((r) => r.method === 'GET')).toHaveLength(0);
			} finally {
				credentialReads.mockRestore();
			}
		});
	});

	it('still starts the workflow when a download fails, saying which file and why', async () => {
		await withRig({ downloadAttachments: true }, ['workitem.created'], async (rig) => {
			emu.faults.add({ kind: 'status', status: 404, times: 10, match: { method: 'GET', pathIncludes: '/_apis/wit/attachments/' } });
			await createFromTicket(emu, {
				tickets: [{ json: ticket(955), binary: { shot: file(bytes(300, 19), 'shot.png') } } as never],
				options: { attachmentFields: 'shot' },
			});
			await emu.hooks.flush();
			const item = emittedItem(rig.results[0]);
			const [entry] = item.json.attachments as IDataObject[];
			expect(entry).toMatchObject({ fileName: 'shot.png', downloaded: false, binaryProperty: null });
			expect(String(entry.reason)).toMatch(/AZDC-\d{4}/);
		});
	});
});
