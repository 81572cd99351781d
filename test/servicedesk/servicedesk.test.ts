// The service-desk stand-in as the two-way workflows use it: the REST API behind its key, and one webhook event per
// state change, note and attachment, including the ones the integration makes itself.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { request } from '../../scripts/lib/n8n';
import { API_KEY_HEADER, startServiceDesk, type ServiceDesk } from './index';

let desk: ServiceDesk;
let receiver: http.Server;
const received: Array<Record<string, unknown>> = [];

beforeAll(async () => {
	receiver = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
			res.end('ok');
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
	desk = await startServiceDesk({ webhookUrls: [`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`] });
});

afterAll(async () => {
	await desk.stop();
	await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const key = (): Record<string, string> => ({ [API_KEY_HEADER]: desk.apiKey });

it('refuses the REST API without the key and answers with the sample ticket with it', async () => {
	expect((await request('GET', `${desk.url}/api/tickets`)).status).toBe(401);
	const list = await request('GET', `${desk.url}/api/tickets`, { headers: key() });
	expect(list.status).toBe(200);
	expect(list.body).toEqual([expect.objectContaining({ id: 'HD-1', state: 'New', requester: 'Mona Kane' })]);
});

it('sends one event per state change, note and attachment, with the flat ticket fields; files come back byte for byte', async () => {
	received.length = 0;
	await request('PATCH', `${desk.url}/api/tickets/HD-1`, { headers: key(), body: { state: 'Synchronization to DevOps' } });
	await request('PATCH', `${desk.url}/api/tickets/HD-1`, { headers: key(), body: { state: 'Synchronization to DevOps' } }); // no change, no event
	await request('POST', `${desk.url}/api/tickets/HD-1/notes`, { headers: key(), body: { author: 'Mona Kane', text: 'Still jammed' } });
	const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
	const raw = await request('POST', `${desk.url}/api/tickets/HD-1/attachments?fileName=scan.png&author=Mona%20Kane`, { headers: { ...key(), 'content-type': 'image/png' }, raw: bytes });
	expect(raw.status).toBe(201);
	const viaJson = await request('POST', `${desk.url}/api/tickets/HD-1/attachments`, { headers: key(), body: { fileName: 'log.txt', contentType: 'text/plain', contentBase64: Buffer.from('hello').toString('base64') } });
	expect(viaJson.status).toBe(201);
	await desk.flush();
	expect(received.map((e) => e.event)).toEqual(['ticket.stateChanged', 'ticket.noteAdded', 'ticket.attachmentAdded', 'ticket.attachmentAdded']);
	expect(received[0]).toMatchObject({ previousState: 'New', ticket: { TicketID: 'HD-1', TicketTitle: 'Printer on floor 3 is offline', TicketRequesterName: 'Mona Kane', state: 'Synchronization to DevOps', TicketUrl: `${desk.url}/tickets/HD-1` } });
	expect(received[1]).toMatchObject({ note: { author: 'Mona Kane', text: 'Still jammed' }, ticket: { LatestImportantMessage: 'Still jammed' } });
	expect(received[2]).toMatchObject({ attachment: { fileName: 'scan.png', size: 3000, author: 'Mona Kane', contentType: 'image/png' } });
	const content = await new Promise<{ status: number; bytes: Buffer; disposition: string }>((resolve, reject) => {
		http.get(String((received[2].attachment as Record<string, unknown>).contentUrl), { headers: key() }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks), disposition: String(res.headers['content-disposition']) }));
		}).on('error', reject);
	});
	expect(content.status).toBe(200);
	expect(content.bytes.equals(bytes)).toBe(true);
	expect(content.disposition).toContain('filename="scan.png"');
	expect(desk.deliveries().every((d) => d.status === 200)).toBe(true);
});

it('an internal note is not the latest important message; the control API resets and seeds', async () => {
	await request('POST', `${desk.url}/api/tickets/HD-1/notes`, { headers: key(), body: { author: 'Agent', text: 'call the vendor', internal: true } });
	expect((await request('GET', `${desk.url}/api/tickets/HD-1`, { headers: key() })).body.notes.at(-1)).toMatchObject({ internal: true });
	await desk.flush();
	expect((received.at(-1)?.ticket as Record<string, unknown>).LatestImportantMessage).toBe('Still jammed');
	const seeded = await request('POST', `${desk.url}/_servicedesk/tickets`, { body: { tickets: [{ title: 'VPN drops', state: 'New', attachments: [{ fileName: 'a.txt', contentBase64: 'aGk=' }] }] } });
	expect(seeded.body).toEqual([expect.objectContaining({ id: 'HD-1', title: 'VPN drops', attachments: [expect.objectContaining({ fileName: 'a.txt', size: 2 })] })]);
	expect((await request('GET', `${desk.url}/_servicedesk/deliveries`)).body).toEqual([]);
	expect((await request('GET', `${desk.url}/api/tickets/HD-9`, { headers: key() })).status).toBe(404);
});
