// The two-way loop a service desk and Azure DevOps run through n8n, in a real n8n with the built package installed as a
// community package: the service-desk stand-in sends its events to "Service desk to Azure DevOps (two-way)", the
// emulator delivers its service hooks to "Azure DevOps to service desk (two-way)", and each change crosses once.
import * as http from 'node:http';

import { FABRIKAM_SECOND_TOKEN } from '../emulator';
import { API_KEY_HEADER, startServiceDesk, type ServiceDesk } from '../servicedesk';
import { CREDENTIAL_NAME, n8n, startStack, type Stack, type StackOptions } from './support';

export const INTEGRATION_AUTHOR = 'Azure DevOps (n8n)';
const SERVICE_DESK_CREDENTIAL = 'Service desk stand-in (e2e)';
const DEVELOPER = 'Christie Church'; // the owner of FABRIKAM_SECOND_TOKEN; the integration works as FABRIKAM_TOKEN's (Jamal Hartnett)
/** The test reads Azure DevOps as the developer, so that the integration's own requests can be counted apart. */
const READER = FABRIKAM_SECOND_TOKEN;
/** How long "nothing more arrives" is watched: several round trips of a delivery through n8n on this machine. */
const QUIET_MS = Number(process.env.TWO_WAY_QUIET_MS || 6000);

/** Bytes over HTTP (n8n.request reads text). */
function bytesOf(url: string, headers: Record<string, string>): Promise<{ status: number; bytes: Buffer }> {
	return new Promise((resolve, reject) => {
		http.get(url, { headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks) }));
		}).on('error', reject);
	});
}

/** The REST URL of an attachment with the api-version it is read with. */
function contentUrl(url: string): string {
	const u = new URL(url);
	u.searchParams.set('api-version', '7.1');
	return u.toString();
}

function basic(token: string): string {
	return `Basic ${Buffer.from(`:${token}`).toString('base64')}`;
}

function pattern(length: number, seed: number): Buffer {
	return Buffer.from(Array.from({ length }, (_, i) => (i * seed + (i >> 8)) % 256));
}

export function twoWaySuite(title: string, options: StackOptions & { major: 1 | 2 }): void {
	describe(title, () => {
		let stack: Stack;
		let desk: ServiceDesk;
		let toDevOps: string;
		let toDesk: string;
		let workItemId: number;
		const key = (): Record<string, string> => ({ [API_KEY_HEADER]: desk.apiKey });
		const api = (method: string, path: string, body?: unknown): Promise<n8n.HttpResult> => n8n.request(method, `${desk.url}/api${path}`, { headers: key(), body });
		const orgUrl = (): string => stack.emu.orgUrl('fabrikam');
		const comments = async (): Promise<Array<{ text: string; createdBy: { displayName: string } }>> => {
			const r = await n8n.request('GET', `${stack.projectUrl}/_apis/wit/workItems/${workItemId}/comments?api-version=7.1-preview.4`, { headers: { authorization: basic(READER) } });
			expect(r.status).toBe(200);
			return r.body.comments;
		};
		const attachedFiles = (): Array<{ url: string; name: string }> => {
			const wi = stack.emu.getWorkItem(workItemId) as { relations?: Array<{ rel: string; url: string; attributes?: { name?: string } }> };
			return (wi.relations ?? []).filter((r) => r.rel === 'AttachedFile').map((r) => ({ url: r.url, name: String(r.attributes?.name ?? new URL(r.url).searchParams.get('fileName')) }));
		};
		const settle = async (): Promise<void> => {
			await desk.flush();
			await stack.emu.hooks.flush();
		};
		/** Waits until both workflows have no execution running, then a quiet period more. */
		const quiet = async (): Promise<void> => {
			await n8n.sleep(QUIET_MS);
			await settle();
			await n8n.waitFor('no running execution', async () => {
				const all = [...(await n8n.listExecutions(stack.rest, toDevOps)), ...(await n8n.listExecutions(stack.rest, toDesk))];
				return all.every((e) => e.status !== 'running' && e.status !== 'new');
			}, 30000, 300);
		};
		const failedExecutions = async (): Promise<string[]> => {
			const all = [...(await n8n.listExecutions(stack.rest, toDevOps)), ...(await n8n.listExecutions(stack.rest, toDesk))];
			return all.filter((e) => e.status === 'error' || e.status === 'crashed').map((e) => `${e.workflowId}/${e.id}: ${e.status}`);
		};

		beforeAll(async () => {
			stack = await startStack(options);
			desk = await startServiceDesk({ seed: [], webhookUrls: [`${stack.webhookBase}/webhook/servicedesk-events`] });
			const credential = await stack.rest('POST', '/credentials', {
				name: SERVICE_DESK_CREDENTIAL,
				type: 'httpHeaderAuth',
				data: { name: API_KEY_HEADER, value: desk.apiKey },
			});
			const serviceDesk = { url: desk.url, credentialId: String(credential.id), credentialName: SERVICE_DESK_CREDENTIAL };
			const load = (file: string): Record<string, unknown> =>
				n8n.exampleWorkflow(file, { credentialId: stack.credentialId, credentialName: CREDENTIAL_NAME, projectUrl: stack.projectUrl, serviceDesk });
			toDevOps = await stack.importWorkflow(load('two-way/service-desk-to-azure-devops.json'));
			toDesk = await stack.importWorkflow(load('two-way/azure-devops-to-service-desk.json'));
			await n8n.activateWorkflow(stack.rest, toDevOps);
			await n8n.activateWorkflow(stack.rest, toDesk);
			await n8n.waitForWebhook(`${stack.webhookBase}/webhook/servicedesk-events`);
			const subs = await n8n.waitFor('both service-hook subscriptions', () => {
				const s = stack.emu.hooks.subscriptions('fabrikam');
				return s.length === 2 ? s : undefined;
			}, 30000);
			await n8n.waitForWebhook(subs[0].consumerInputs.url);
			console.log(`n8n ${stack.version} on ${stack.main.url}; emulator on ${stack.emu.url}; service desk on ${desk.url}`);
		}, 300000);

		// requests each step cost, printed at the end (what the loop asks of Azure DevOps and of the service desk)
		const steps: string[] = [];
		let seen = { devops: 0, desk: 0, hooks: 0, events: 0 };
		const integration = (): ReturnType<Stack['emu']['requests']> => stack.emu.requests().filter((r) => r.token !== undefined && !r.token.endsWith('#1'));
		const counted = (): typeof seen => ({ devops: integration().length, desk: desk.requests().filter((r) => r.userAgent !== null).length, hooks: stack.emu.hooks.deliveries().length, events: desk.deliveries().length });
		beforeEach(() => {
			if (stack && desk) seen = counted();
		});
		afterEach(() => {
			if (!stack || !desk) return;
			const now = counted();
			steps.push(`  ${expect.getState().currentTestName?.replace(title, '').trim()}: n8n → Azure DevOps ${now.devops - seen.devops}, n8n → service-desk API ${now.desk - seen.desk}, desk events ${now.events - seen.events}, service hooks ${now.hooks - seen.hooks}`);
			const calls = integration().slice(seen.devops).map((r) => `${r.method} ${r.operationId ?? r.path}`);
			if (calls.length) steps.push(`    (${calls.join(', ')})`);
		});

		afterAll(async () => {
			if (steps.length) console.log(`requests per step:\n${steps.join('\n')}`);
			if (desk && stack) {
				const runs = async (id: string): Promise<number> => (await n8n.listExecutions(stack.rest, id)).length;
				console.log(
					`two-way request counts: Azure DevOps ${stack.emu.requests().length}, service-desk API ${desk.requests().length}, ` +
						`service-desk events ${desk.deliveries().length}, service hooks ${stack.emu.hooks.deliveries().length}; ` +
						`executions: to DevOps ${await runs(toDevOps)}, to the desk ${await runs(toDesk)}`,
				);
			}
			await desk?.stop();
			await stack?.stop();
		}, 60000);

		test('a ticket moved to "Synchronization to DevOps" becomes one work item, with the file it already had, byte for byte', async () => {
			const screenshot = pattern(5000, 31);
			desk.seed([
				{
					title: 'Printer on floor 3 is offline',
					description: 'Offline since this morning.',
					requester: 'Mona Kane',
					priority: 'High',
					notes: [{ author: 'Mona Kane', text: 'It shows a paper jam light.' }],
					attachments: [{ fileName: 'printer.png', contentType: 'image/png', bytes: screenshot, author: 'Mona Kane' }],
				},
			]);
			const moved = await api('PATCH', '/tickets/HD-1', { state: 'Synchronization to DevOps' });
			expect(moved.status).toBe(200);
			await desk.flush();
			expect(desk.deliveries().map((d) => [d.event, d.status])).toEqual([['ticket.stateChanged', 200]]);

			const creates = () => stack.emu.requests().filter((r) => r.method === 'POST' && /\/_apis\/wit\/workitems\/\$/i.test(r.path));
			await n8n.waitFor('the work item', () => creates().length > 0, 30000);
			await quiet();
			expect(creates()).toHaveLength(1);
			const ids = [...Array(20).keys()].map((i) => i + 1).filter((id) => {
				const wi = stack.emu.getWorkItem(id) as { fields?: Record<string, unknown> } | undefined;
				return wi && String(wi.fields?.['System.Tags'] ?? '').includes('Ticket:HD-1');
			});
			expect(ids).toHaveLength(1);
			workItemId = ids[0];
			const wi = stack.emu.getWorkItem(workItemId) as { fields: Record<string, unknown>; relations?: Array<{ rel: string; url: string }> };
			expect(wi.fields['System.Title']).toBe('Printer on floor 3 is offline');
			expect(wi.fields['System.Description']).toBe('It shows a paper jam light.');
			expect(wi.relations).toEqual(expect.arrayContaining([expect.objectContaining({ rel: 'Hyperlink', url: `${desk.url}/tickets/HD-1` })]));
			const files = attachedFiles();
			expect(files.map((f) => f.name)).toEqual(['printer.png']);
			const got = await bytesOf(contentUrl(files[0].url), { authorization: basic(READER) });
			expect(got.status).toBe(200);
			expect(got.bytes.equals(screenshot)).toBe(true);
			// nothing came back to the ticket: no note, no second copy of the file, still in the sync state
			expect(desk.ticket('HD-1')).toMatchObject({ state: 'Synchronization to DevOps' });
			expect(desk.ticket('HD-1')!.notes).toHaveLength(1);
			expect(desk.ticket('HD-1')!.attachments).toHaveLength(1);
			expect(await failedExecutions()).toEqual([]);
		});

		test('a ticket opened straight into "Synchronization to DevOps" without files takes the short way: one work item, no files', async () => {
			const opened = await api('POST', '/tickets', { title: 'VPN drops every hour', description: 'Since the update.', requester: 'Ana Bowman', state: 'Synchronization to DevOps' });
			expect(opened.status).toBe(201);
			expect(opened.body.id).toBe('HD-2');
			const tagged = (): number[] =>
				[...Array(20).keys()].map((i) => i + 1).filter((id) => String((stack.emu.getWorkItem(id) as { fields?: Record<string, unknown> } | undefined)?.fields?.['System.Tags'] ?? '').includes('Ticket:HD-2'));
			await n8n.waitFor('the work item of HD-2', () => tagged().length > 0, 30000);
			await quiet();
			expect(tagged()).toHaveLength(1);
			const wi = stack.emu.getWorkItem(tagged()[0]) as { fields: Record<string, unknown>; relations?: Array<{ rel: string }> };
			expect(wi.fields['System.Title']).toBe('VPN drops every hour');
			expect(wi.fields['System.Description']).toBe('Since the update.');
			expect((wi.relations ?? []).filter((r) => r.rel === 'AttachedFile')).toEqual([]);
			expect(await failedExecutions()).toEqual([]);
		});

		test("a requester's note becomes exactly one work item comment, and does not come back to the ticket", async () => {
			expect(workItemId).toBeDefined();
			const text = 'Still jammed after the reboot, and the tray light is red.';
			const added = await api('POST', '/tickets/HD-1/notes', { author: 'Mona Kane', text });
			expect(added.status).toBe(201);
			await n8n.waitFor('the comment on the work item', async () => (await comments()).some((c) => c.text.includes(text)), 30000);
			await quiet();
			const withText = (await comments()).filter((c) => c.text.includes(text));
			expect(withText).toHaveLength(1);
			// the integration's own comment is not sent back to the ticket as a note
			expect(desk.ticket('HD-1')!.notes.map((n) => n.author)).toEqual(['Mona Kane', 'Mona Kane']);
			expect(await failedExecutions()).toEqual([]);
		});

		test("a developer's work item comment becomes exactly one ticket note, and no second work item comment", async () => {
			const before = (await comments()).length;
			const text = 'Replaced the fuser unit; please try again.';
			stack.emu.addComment(workItemId, text, { by: DEVELOPER });
			await settle();
			await n8n.waitFor('the ticket note', () => desk.ticket('HD-1')!.notes.some((n) => n.text.includes(text)), 30000);
			await quiet();
			const notes = desk.ticket('HD-1')!.notes.filter((n) => n.text.includes(text));
			expect(notes).toHaveLength(1);
			expect(notes[0]).toMatchObject({ author: INTEGRATION_AUTHOR });
			expect(notes[0].text).toContain(DEVELOPER);
			// the note the integration wrote is not sent to Azure DevOps again
			const after = await comments();
			expect(after).toHaveLength(before + 1);
			expect(after.filter((c) => c.text.includes(text))).toHaveLength(1);
			expect(await failedExecutions()).toEqual([]);
		});

		test('a file added to the ticket arrives on the work item byte for byte, once', async () => {
			const log = pattern(70000, 13);
			const res = await n8n.request('POST', `${desk.url}/api/tickets/HD-1/attachments?fileName=event-log.bin&author=Mona%20Kane`, {
				headers: { ...key(), 'content-type': 'application/octet-stream' },
				raw: log,
			});
			expect(res.status).toBe(201);
			await n8n.waitFor('the file on the work item', () => attachedFiles().some((f) => f.name === 'event-log.bin'), 30000);
			await quiet();
			const files = attachedFiles().filter((f) => f.name === 'event-log.bin');
			expect(files).toHaveLength(1);
			const got = await bytesOf(contentUrl(files[0].url), { authorization: basic(READER) });
			expect(got.bytes.equals(log)).toBe(true);
			// the work item's new file is not copied back to the ticket
			expect(desk.ticket('HD-1')!.attachments.map((a) => a.fileName)).toEqual(['printer.png', 'event-log.bin']);
			expect(await failedExecutions()).toEqual([]);
		});

		test('a file a developer attaches to the work item arrives on the ticket byte for byte, once', async () => {
			const trace = pattern(12345, 7);
			const auth = { authorization: basic(FABRIKAM_SECOND_TOKEN) };
			const uploaded = await n8n.request('POST', `${stack.projectUrl}/_apis/wit/attachments?fileName=trace.txt&api-version=7.1`, {
				headers: { ...auth, 'content-type': 'application/octet-stream' },
				raw: trace,
			});
			expect(uploaded.status).toBe(200);
			const patched = await n8n.request('PATCH', `${orgUrl()}/_apis/wit/workitems/${workItemId}?api-version=7.1`, {
				headers: { ...auth, 'content-type': 'application/json-patch+json' },
				raw: JSON.stringify([{ op: 'add', path: '/relations/-', value: { rel: 'AttachedFile', url: uploaded.body.url, attributes: { comment: 'trace from the printer' } } }]),
			});
			expect(patched.status).toBe(200);
			await settle();
			await n8n.waitFor('the file on the ticket', () => desk.ticket('HD-1')!.attachments.some((a) => a.fileName === 'trace.txt'), 30000);
			await quiet();
			const onTicket = desk.ticket('HD-1')!.attachments.filter((a) => a.fileName === 'trace.txt');
			expect(onTicket).toHaveLength(1);
			expect(onTicket[0].author).toBe(INTEGRATION_AUTHOR);
			expect(onTicket[0].bytes.equals(trace)).toBe(true);
			// the ticket's copy is not sent back to the work item
			expect(attachedFiles().filter((f) => f.name === 'trace.txt')).toHaveLength(1);
			expect(await failedExecutions()).toEqual([]);
		});

		test('closing the work item moves the ticket to "Return from DevOps"', async () => {
			stack.emu.updateWorkItem(workItemId, { 'System.State': 'Closed' }, { by: DEVELOPER });
			await settle();
			await n8n.waitFor('the ticket to move', () => desk.ticket('HD-1')!.state === 'Return from DevOps', 30000);
			await quiet();
			expect(desk.ticket('HD-2')!.state).toBe('Synchronization to DevOps'); // its work item is still open
			const changes = desk.deliveries().filter((d) => d.event === 'ticket.stateChanged' && d.ticketId === 'HD-1');
			expect(changes.map((d) => (d.payload.ticket as { state: string }).state)).toEqual(['Synchronization to DevOps', 'Return from DevOps']);
			expect((stack.emu.getWorkItem(workItemId) as { fields: Record<string, unknown> }).fields['System.State']).toBe('Closed');
			expect(await failedExecutions()).toEqual([]);
		});
	});
}
