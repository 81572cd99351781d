// A developer attaches a file to a work item: the trigger's item says which links the update added (and keeps the
// work item's links and the field changes), so a workflow can copy just that file to the ticket.
import { startEmulator, type Emulator } from '../emulator';
import { emitted, TRIGGER, triggerRig } from './trigger.support';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator({ allowLocalhostConsumers: true });
});

afterAll(async () => {
	await emu.stop();
});

it('an update that attaches a file is emitted with relationChanges.added, relations and changes', async () => {
	const wi = emu.createWorkItem('Service Desk', 'Task', { 'System.Title': 'Scanner drops pages', 'System.Tags': 'Ticket:HD-7' });
	const id = wi.id as number;
	const rig = await triggerRig(emu, { parameters: { events: ['workitem.updated'], onlyStateChanges: false } });
	try {
		await rig.workflow.activate(TRIGGER);
		const link = { rel: 'AttachedFile', url: `${emu.orgUrl('fabrikam')}/_apis/wit/attachments/0f0e0d0c-0000-4000-8000-000000000001?fileName=trace.log`, attributes: { comment: 'trace' } };
		// as a developer would, through the REST API: one update adding the link and changing the title
		emu.updateWorkItem(id, { 'System.Title': 'Scanner drops every third page' }, { by: 'Christie Church' });
		await emu.hooks.flush();
		const [titleChange] = rig.results.map((r) => emitted(r));
		expect(titleChange).toMatchObject({ workItemId: id, changes: { 'System.Title': { oldValue: 'Scanner drops pages', newValue: 'Scanner drops every third page' } } });
		expect(titleChange.relationChanges ?? null).toBeNull();

		const res = await fetch(`${emu.orgUrl('fabrikam')}/_apis/wit/workitems/${id}?api-version=7.1`, {
			method: 'PATCH',
			headers: { authorization: `Basic ${Buffer.from(':emu-fabrikam-pat-0002').toString('base64')}`, 'content-type': 'application/json-patch+json' },
			body: JSON.stringify([{ op: 'add', path: '/relations/-', value: link }]),
		});
		expect(res.status).toBe(200);
		await emu.hooks.flush();
		const attached = emitted(rig.results.at(-1)!);
		expect(attached).toMatchObject({ workItemId: id, changedBy: 'Christie Church', ticket: { id: 'HD-7' } });
		expect(attached.relationChanges).toEqual({ added: [expect.objectContaining({ rel: 'AttachedFile', url: link.url })], removed: [], updated: [] });
		expect(attached.relations).toEqual(expect.arrayContaining([expect.objectContaining({ rel: 'AttachedFile', url: link.url })]));
	} finally {
		await rig.workflow.deactivate(TRIGGER).catch(() => undefined);
		await rig.close();
	}
});
