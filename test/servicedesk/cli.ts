// `npm run servicedesk`: the service-desk stand-in on 127.0.0.1 for the demo and for trying the workflows by hand.
//   --port N (or SERVICEDESK_PORT; default a free port)   --webhook URL (repeatable, or SERVICEDESK_WEBHOOK_URLS, comma-separated)
import { DEMO_API_KEY, startServiceDesk } from './index';

function argValues(argv: string[], name: string): string[] {
	const out: string[] = [];
	argv.forEach((a, i) => {
		if (a === name && argv[i + 1] !== undefined) out.push(argv[i + 1]);
		else if (a.startsWith(`${name}=`)) out.push(a.slice(name.length + 1));
	});
	return out;
}

async function main(): Promise<void> {
	const argv = process.argv.slice(2);
	const rawPort = argValues(argv, '--port')[0] ?? process.env.SERVICEDESK_PORT;
	const port = rawPort === undefined || rawPort === '' ? 0 : Number(rawPort);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		console.error(`Invalid port '${rawPort}': give a number from 0 to 65535 with --port or SERVICEDESK_PORT.`);
		process.exit(2);
	}
	const webhookUrls = [...argValues(argv, '--webhook'), ...(process.env.SERVICEDESK_WEBHOOK_URLS ?? '').split(',').map((s) => s.trim()).filter(Boolean)];
	const apiKey = process.env.SERVICEDESK_API_KEY || DEMO_API_KEY;
	const desk = await startServiceDesk({ port, apiKey, webhookUrls });
	console.log(`Service-desk stand-in listening on ${desk.url} (API key header x-api-key: ${apiKey})`);
	console.log(`Tickets: ${desk.tickets().map((t) => `${t.id} "${t.title}" (${t.state})`).join(', ')}`);
	console.log(`Webhook out: ${webhookUrls.length ? webhookUrls.join(', ') : 'none (PUT /_servicedesk/webhooks {"urls":[...]})'}`);
	console.log('Try:');
	console.log(`  curl -H "x-api-key: ${apiKey}" ${desk.url}/api/tickets`);
	console.log(`Control: GET ${desk.url}/_servicedesk/health, POST ${desk.url}/_servicedesk/tickets (reset and seed), GET ${desk.url}/_servicedesk/deliveries`);
	console.log('Press Ctrl-C to stop.');
	const shutdown = (): void => {
		void desk.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

void main().catch((e: unknown) => {
	console.error(e);
	process.exit(1);
});
