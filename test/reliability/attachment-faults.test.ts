// Issue 18, "attachments under faults": tickets with files go to Azure DevOps while 30% of its answers are 429 (with
// Retry-After), 503 or a connection dropped after the server already did the work. Create From Ticket, then Update From
// Ticket with one more file per ticket, then both again. Every ticket must end with one work item that carries each of
// its files exactly once, byte for byte; no item may be reported failed when its work is done, and the trigger's
// Download Attachments brings every file a developer adds exactly once, even when its downloads are refused.
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { useTransportClock } from '../../nodes/AzureDevOpsConnector/transport';
import type { Emulator } from '../emulator';
import { seededRandom } from '../emulator/faults';
import { createFromTicket, ticket, updateFromTicket } from '../nodes/create-from-ticket.support';
import { emulatorCredentials, TRIGGER, triggerRig } from '../nodes/trigger.support';
import { captureLogs, type LogCapture } from '../support/n8n';
import { CANARY_PAT, LeakScanner, ReliabilityCounts, SEED, canaryEmulator } from './support';

const TICKETS = 40;
const FAULT_SHARE = 0.3;
const EACH = 1 - Math.pow(1 - FAULT_SHARE, 1 / 3);

const counts = new ReliabilityCounts('attachment-faults');
const scanner = new LeakScanner();
let emu: Emulator;
let logs: LogCapture;
let restoreClock: () => void;

beforeAll(async () => {
	logs = captureLogs();
	emu = await canaryEmulator({ seed: SEED });
	restoreClock = useTransportClock({ sleep: async () => undefined, random: () => 0.5 });
});

afterAll(async () => {
	restoreClock();
	logs.restore();
	await emu.stop();
	counts.set('leaks', scanner.leaks.length);
	counts.report();
});

function injectFaults(): void {
	emu.faults.add({ kind: 'status', status: 429, retryAfterSeconds: 1, probability: EACH });
	emu.faults.add({ kind: 'status', status: 503, retryAfterSeconds: 2, probability: EACH });
	emu.faults.add({ kind: 'dropAfterCommit', probability: EACH });
}

const credentials = () => ({ azureDevOpsApi: { organizationUrl: emu.orgUrl('fabrikam'), accessToken: CANARY_PAT, allowHttp: true } });

interface TicketFile {
	field: string;
	fileName: string;
	bytes: Buffer;
}

const random = seededRandom(SEED);
function makeFile(ticketNo: number, n: number): TicketFile {
	const length = 200 + Math.floor(random() * 20_000);
	const bytes = Buffer.alloc(length);
	for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
	return { field: `f${n}`, fileName: `t${ticketNo}-file${n}.bin`, bytes };
}

const files = new Map<number, TicketFile[]>();
for (let t = 0; t < TICKETS; t++) files.set(t, Array.from({ length: 1 + Math.floor(random() * 3) }, (_, n) => makeFile(t, n)));

function itemsOf(withFiles: (t: number) => TicketFile[]): INodeExecutionData[] {
	return Array.from({ length: TICKETS }, (_, t) => ({
		json: ticket(70_000 + t),
		binary: Object.fromEntries(
			withFiles(t).map((f) => [f.field, { data: f.bytes.toString('base64'), mimeType: 'application/octet-stream', fileName: f.fileName }]),
		),
	}));
}

/** The ticket's work items in the emulator, and the files each carries (file name → bytes of every link to it). */
function stored(): Map<string, Array<{ id: number; files: Map<string, Buffer[]> }>> {
	const byTicket = new Map<string, Array<{ id: number; files: Map<string, Buffer[]> }>>();
	for (let id = 1; ; id++) {
		const item = emu.getWorkItem(id, 'fabrikam') as { fields: IDataObject; relations?: Array<{ rel: string; url: string; attributes?: IDataObject }> } | undefined;
		if (!item) break;
		const tag = String(item.fields['System.Tags'] ?? '').split(';').map((t) => t.trim()).find((t) => t.startsWith('Ticket:'));
		if (!tag) continue;
		const linked = new Map<string, Buffer[]>();
		for (const relation of item.relations ?? []) {
			if (relation.rel !== 'AttachedFile') continue;
			const name = String(relation.attributes?.name);
			const bytes = emu.getAttachment(relation.url, 'fabrikam');
			linked.set(name, [...(linked.get(name) ?? []), bytes ?? Buffer.alloc(0)]);
		}
		const key = tag.slice('Ticket:'.length);
		byTicket.set(key, [...(byTicket.get(key) ?? []), { id, files: linked }]);
	}
	return byTicket;
}

interface Verdict {
	failed: number;
	reportedFailedButDone: number;
	duplicateWorkItems: number;
	lostWorkItems: number;
	duplicateFiles: number;
	lostFiles: number;
	corruptFiles: number;
}

function judge(items: INodeExecutionData[], expected: (t: number) => TicketFile[]): Verdict {
	const byTicket = stored();
	const verdict: Verdict = { failed: 0, reportedFailedButDone: 0, duplicateWorkItems: 0, lostWorkItems: 0, duplicateFiles: 0, lostFiles: 0, corruptFiles: 0 };
	expect(items).toHaveLength(TICKETS);
	for (let t = 0; t < TICKETS; t++) {
		const workItems = byTicket.get(String(70_000 + t)) ?? [];
		if (workItems.length === 0) verdict.lostWorkItems++;
		verdict.duplicateWorkItems += Math.max(0, workItems.length - 1);
		const linked = workItems[0]?.files ?? new Map<string, Buffer[]>();
		let complete = workItems.length === 1;
		for (const file of expected(t)) {
			const copies = linked.get(file.fileName) ?? [];
			if (copies.length === 0) {
				verdict.lostFiles++;
				complete = false;
			}
			verdict.duplicateFiles += Math.max(0, copies.length - 1);
			if (copies.some((copy) => !copy.equals(file.bytes))) verdict.corruptFiles++;
		}
		if (items[t].json.error !== undefined) {
			verdict.failed++;
			if (complete) verdict.reportedFailedButDone++;
		}
	}
	return verdict;
}

const clean: Verdict = { failed: 0, reportedFailedButDone: 0, duplicateWorkItems: 0, lostWorkItems: 0, duplicateFiles: 0, lostFiles: 0, corruptFiles: 0 };

describe(`${TICKETS} tickets with files while 30% of Azure DevOps' answers fail (seed ${SEED})`, () => {
	beforeAll(() => {
		emu.reset();
		injectFaults();
	});

	afterEach(() => {
		expect(emu.specViolations()).toEqual([]);
	});

	const firstFiles = (t: number) => files.get(t)!;
	const withExtra = (t: number) => [...files.get(t)!, { ...makeFileFor(t) }];
	const extra = new Map<number, TicketFile>();
	function makeFileFor(t: number): TicketFile {
		let file = extra.get(t);
		if (!file) {
			file = { ...makeFile(t, 9) };
			extra.set(t, file);
		}
		return file;
	}

	it('Create From Ticket: one work item per ticket, each file once and byte for byte', async () => {
		const run = await createFromTicket(emu, {
			tickets: itemsOf(firstFiles) as never,
			continueOnFail: true,
			options: { attachmentFields: '*', concurrency: 4, retryAttempts: 10 },
			credentials: credentials(),
		});
		scanner.scan('output', run.items);
		const verdict = judge(run.items, firstFiles);
		counts.add('itemsSent', TICKETS);
		counts.add('filesSent', [...files.values()].reduce((sum, list) => sum + list.length, 0));
		counts.add('duplicates', verdict.duplicateFiles + verdict.duplicateWorkItems);
		counts.add('losses', verdict.lostFiles + verdict.lostWorkItems);
		expect(verdict).toEqual(clean);
		expect(emu.faults.all().every((fault) => fault.hits > 0)).toBe(true);
	}, 300_000);

	it('Update From Ticket with one more file per ticket: the new file once, the old ones not again', async () => {
		const run = await updateFromTicket(emu, {
			tickets: itemsOf(withExtra) as never,
			continueOnFail: true,
			options: { attachmentFields: '*', concurrency: 4, retryAttempts: 10 },
			credentials: credentials(),
		});
		scanner.scan('output', run.items);
		const verdict = judge(run.items, withExtra);
		counts.add('itemsSent', TICKETS);
		counts.add('filesSent', TICKETS);
		counts.add('duplicates', verdict.duplicateFiles + verdict.duplicateWorkItems);
		counts.add('losses', verdict.lostFiles + verdict.lostWorkItems);
		expect(verdict).toEqual(clean);
	}, 300_000);

	it('both again on the same bad day: nothing new, nothing lost, nothing reported failed', async () => {
		const again = await updateFromTicket(emu, {
			tickets: itemsOf(withExtra) as never,
			continueOnFail: true,
			options: { attachmentFields: '*', concurrency: 4, retryAttempts: 10 },
			credentials: credentials(),
		});
		expect(judge(again.items, withExtra)).toEqual(clean);
		expect(again.items.every((item) => item.json.updated === false)).toBe(true);
		const recreate = await createFromTicket(emu, {
			tickets: itemsOf(withExtra) as never,
			continueOnFail: true,
			options: { attachmentFields: '*', concurrency: 4, retryAttempts: 10 },
			credentials: credentials(),
		});
		expect(judge(recreate.items, withExtra)).toEqual(clean);
		counts.add('itemsSent', 2 * TICKETS);
		counts.set('faultsInjected', emu.faults.all().reduce((sum, fault) => sum + fault.hits, 0));
		expect(scanner.leaks).toEqual([]);
	}, 300_000);
});

describe('the trigger brings each file a developer adds exactly once, while downloads are refused at random', () => {
	it('every added file arrives once, byte for byte, or is listed with AZDC-5151; no event is lost', async () => {
		emu.reset();
		const rig = await triggerRig(emu, {
			parameters: { events: ['workitem.updated'], onlyStateChanges: false, options: { downloadAttachments: true } as INodeParameters },
			credentials: emulatorCredentials(emu, { azureDevOpsApi: { id: 'ado-1', name: 'Fabrikam', data: credentials().azureDevOpsApi } }),
		});
		try {
			expect(await rig.workflow.activate(TRIGGER)).toEqual({ existed: false, created: true });
			const created = await createFromTicket(emu, { tickets: [ticket(79_000)], credentials: credentials() });
			const id = created.items[0].json.id as number;
			emu.faults.add({ kind: 'status', status: 503, retryAfterSeconds: 1, probability: 0.3, match: { method: 'GET', pathIncludes: '/_apis/wit/attachments/' } });
			const added: TicketFile[] = [];
			for (let n = 0; n < 30; n++) {
				const file = makeFile(79_000, n);
				added.push(file);
				await updateFromTicket(emu, {
					tickets: [{ json: ticket(79_000), binary: { [file.field]: { data: file.bytes.toString('base64'), mimeType: 'application/octet-stream', fileName: file.fileName } } } as never],
					options: { attachmentFields: file.field },
					credentials: credentials(),
				});
			}
			await emu.hooks.flush();
			const seen = new Map<string, number>();
			let refused = 0;
			for (const result of rig.results) {
				const item = result.workflowData?.[0]?.[0];
				if (!item) continue;
				for (const entry of (item.json.attachments as IDataObject[] | undefined) ?? []) {
					const name = String(entry.fileName);
					seen.set(name, (seen.get(name) ?? 0) + 1);
					if (entry.downloaded === true) {
						const original = added.find((file) => file.fileName === name)!;
						expect(Buffer.from(item.binary![String(entry.binaryProperty)].data, 'base64').equals(original.bytes)).toBe(true);
					} else {
						refused++;
						expect(String(entry.reason)).toContain('AZDC-5151');
					}
				}
			}
			scanner.scan('trigger items', rig.results.map((result) => result.workflowData));
			expect([...seen.keys()].sort()).toEqual(added.map((file) => file.fileName).sort());
			expect([...seen.values()].every((count) => count === 1)).toBe(true);
			counts.add('deliveriesTried', rig.results.length);
			counts.add('filesRefusedAndListed', refused);
			expect(id).toBeGreaterThan(0);
		} finally {
			await rig.workflow.deactivate(TRIGGER).catch(() => undefined);
			await rig.close();
		}
	}, 300_000);
});
