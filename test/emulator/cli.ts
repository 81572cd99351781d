// `npm run emulator`: Azure DevOps on 127.0.0.1 for the demo and for trying the nodes by hand.
import { startEmulator, FABRIKAM_TOKEN } from './index';

function portFromArgs(argv: string[]): number | undefined {
	const idx = argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
	const raw = idx < 0 ? process.env.EMULATOR_PORT : argv[idx].includes('=') ? argv[idx].split('=')[1] : argv[idx + 1];
	if (raw === undefined || raw === '') return undefined;
	const port = Number(raw);
	if (!Number.isInteger(port) || port < 0 || port > 65535) {
		console.error(`Invalid port '${raw}': give a number from 0 to 65535 with --port or EMULATOR_PORT.`);
		process.exit(2);
	}
	return port;
}

async function main(): Promise<void> {
	// The demo's n8n receives deliveries on 127.0.0.1, an address the real service would refuse.
	const emu = await startEmulator({ port: portFromArgs(process.argv.slice(2)) ?? 0, allowLocalhostConsumers: true });
	const auth = Buffer.from(`:${FABRIKAM_TOKEN}`).toString('base64');
	console.log(`Azure DevOps emulator listening on ${emu.url}`);
	console.log(`API descriptions: ${emu.openApiDir}`);
	console.log('Organizations and collections, with their demo tokens (personal access tokens, any user name):');
	for (const o of emu.organizations()) {
		console.log(`  ${o.url}  (${o.serverVersion}, REST up to ${o.maxApiVersion})`);
		for (const t of o.tokens) console.log(`      token: ${t}`);
	}
	console.log('Try:');
	console.log(`  curl -H "Authorization: Basic ${auth}" "${emu.url}/fabrikam/_apis/projects?api-version=7.1"`);
	console.log(`Control: GET ${emu.url}/_emulator/health, POST ${emu.url}/_emulator/workitems/fabrikam/{id} {"fields":{"System.State":"Closed"}}`);
	console.log('Press Ctrl-C to stop.');
	const shutdown = (): void => {
		void emu.stop().then(() => process.exit(0));
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

void main().catch((e: unknown) => {
	console.error(e);
	process.exit(1);
});
