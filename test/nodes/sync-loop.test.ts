// The two-way loop of issue 18 in n8n's engine against the emulator: a ticket becomes a work item; the requester's new
// message reaches the work item as a comment, which the trigger recognises as the connector's own and does not send
// back (no echo loop); a developer's answer is heard with its text, author and time; a
// screenshot travels to the work item and back byte for byte; closing the work item maps back to the ticket's state.
import type { IDataObject } from 'n8n-workflow';

import { AzureDevOpsApi } from '../../credentials/AzureDevOpsApi.credentials';
import { AzureDevOpsConnector } from '../../nodes/AzureDevOpsConnector/AzureDevOpsConnector.node';
import { FABRIKAM_TOKEN, startEmulator, type Emulator } from '../emulator';
import { runNode } from '../support/n8n';
import { createFromTicket, NODE_TYPE, serviceDeskUrl, ticket, updateFromTicket } from './create-from-ticket.support';
import { emitted, TRIGGER, triggerRig } from './trigger.support';

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

it('ticket → work item → message as comment → trigger hears it → files both ways → closing maps back', async () => {
	const screenshot = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256));
	const created = await createFromTicket(emu, {
		tickets: [{ json: ticket(901, { TicketID: 'HD-901' }), binary: { shot: { data: screenshot.toString('base64'), mimeType: 'image/png', fileName: 'shot.png' } } } as never],
		options: { attachmentFields: 'shot' },
	});
	expect(created.error).toBeUndefined();
	const id = created.items[0].json.id as number;

	const rig = await triggerRig(emu, {
		parameters: { events: ['workitem.commented', 'workitem.updated'], workItemEndState: 'Closed', endState: 'Return from DevOps' },
	});
	try {
		expect(await rig.workflow.activate(TRIGGER)).toEqual({ existed: false, created: true });

		// The requester writes again: Update From Ticket adds the message once, however often it runs.
		const message = { TicketID: 'HD-901', Note: 'Still jammed after the reboot' };
		for (let run = 0; run < 2; run++) {
			const updated = await updateFromTicket(emu, { tickets: [ticket(901, message)], parameters: { commentField: 'Note' } });
			expect(updated.error).toBeUndefined();
		}
		await emu.hooks.flush();
		// That comment is the connector's own: the trigger drops it (no echo back to the ticket), with the reason.
		const echoes = rig.results.filter((result) => (result.response.body as IDataObject).echo === true);
		expect(echoes.length).toBeGreaterThanOrEqual(1);
		expect(echoes.every((result) => result.workflowData === undefined)).toBe(true);
		expect(rig.results.filter((result) => result.workflowData).map((result) => emitted(result).comment)).not.toContain('Still jammed after the reboot');

		// A developer answers in Azure DevOps: the trigger hears it, with its text, author and time.
		emu.addComment(id, 'Replaced the fuser unit', { by: 'Dana Developer <dana@fabrikam.example>' });
		await emu.hooks.flush();
		const heard = rig.results
			.filter((result) => result.workflowData)
			.map((result) => emitted(result))
			.filter((item) => item.eventType === 'workitem.commented');
		expect(heard).toHaveLength(1);
		expect(heard[0]).toMatchObject({ workItemId: id, comment: 'Replaced the fuser unit', changedBy: 'Dana Developer', ticket: { id: 'HD-901' } });
		expect(String(heard[0].changedBy)).not.toBe('');
		expect(Number.isNaN(Date.parse(String(heard[0].createdDate)))).toBe(false);

		// The screenshot comes back byte for byte.
		const downloaded = await runNode({
			type: NODE_TYPE,
			nodeTypes: { [NODE_TYPE]: new AzureDevOpsConnector() },
			credentialTypes: [new AzureDevOpsApi()],
			credentials: { azureDevOpsApi: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: FABRIKAM_TOKEN, allowHttp: true } } as never,
			parameters: {
				authentication: 'azureDevOpsApi',
				resource: 'attachment',
				operation: 'download',
				project: { __rl: true, mode: 'url', value: serviceDeskUrl(emu) },
				workItem: { __rl: true, mode: 'id', value: String(id) },
			},
			inputItems: [{}],
		});
		expect(Buffer.from(downloaded.items[0].binary!.data.data, 'base64').equals(screenshot)).toBe(true);

		// The developer closes the work item: the trigger maps it to the ticket's EndState.
		emu.updateWorkItem(id, { 'System.State': 'Closed' });
		await emu.hooks.flush();
		const closing = rig.results.filter((result) => result.workflowData).map((result) => emitted(result)).find((item: IDataObject) => (item.state as IDataObject)?.new === 'Closed');
		expect(closing).toMatchObject({ workItemId: id, ticket: { id: 'HD-901', state: 'Return from DevOps' } });
	} finally {
		await rig.workflow.deactivate(TRIGGER).catch(() => undefined);
		await rig.close();
	}
});
