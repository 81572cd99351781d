// Issue 15, class 7: a secret is not registered on a plain-http public URL. Azure DevOps would send it in clear text
// with every delivery, to anyone on the path. Activation refuses with a coded error and the fix (https, or a loopback
// URL for local testing), unless the user explicitly accepts it with an option; nothing is registered and no secret
// is generated or stored when it refuses.
import type { INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../emulator';
import { TRIGGER, triggerRig } from '../nodes/trigger.support';
import { ReliabilityCounts } from './support';

const counts = new ReliabilityCounts('plain-http-secret');
let emu: Emulator;

beforeAll(async () => {
	// loopback consumers are what local testing uses; the emulator refuses them unless told, as the service does
	emu = await startEmulator({ allowLocalhostConsumers: true });
});

afterAll(async () => {
	await emu.stop();
	counts.report();
});

const REGISTER: INodeParameters = { events: ['workitem.updated'], workItemEndState: 'Closed', endState: 'Return from DevOps' };
const subscriptionsTo = (url: string) => emu.hooks.subscriptions('fabrikam').filter((s) => s.consumerInputs.url === url);

async function activation(origin: string, parameters: INodeParameters) {
	const rig = await triggerRig(emu, { origin, parameters: { ...REGISTER, ...parameters } });
	try {
		const outcome = await rig.workflow.activate(TRIGGER).then(
			() => ({ error: undefined }),
			(error: unknown) => ({ error: error as Error & { context?: { code?: string }; description?: string } }),
		);
		const subscriptions = subscriptionsTo(rig.url);
		const staticData = JSON.stringify(rig.workflow.staticData);
		if (!outcome.error) await rig.workflow.deactivate(TRIGGER);
		return { ...outcome, subscriptions, staticData, url: rig.url };
	} finally {
		await rig.close();
	}
}

describe.each([
	{ name: 'a generated secret', parameters: {} },
	{ name: 'the Service Hook Secret credential', parameters: { deliveryAuthentication: 'credential' } },
])('$name on a plain-http public URL', ({ parameters }) => {
	it.each(['http://n8n.example.com', 'http://10.1.2.3:5678', 'HTTP://N8N.EXAMPLE.COM:80'])('%s: activation fails with AZDC-6080 and the fix; nothing registered, nothing stored', async (origin) => {
		counts.add('faultsInjected');
		const { error, subscriptions, staticData } = await activation(origin, parameters);
		expect(error).toBeDefined();
		expect(error!.message).toMatch(/AZDC-6080/);
		expect(`${error!.message} ${error!.description ?? ''}`).toMatch(/https/);
		expect(`${error!.message} ${error!.description ?? ''}`).toMatch(/Allow Secret Over Plain HTTP/);
		expect(subscriptions).toHaveLength(0);
		expect(staticData).not.toMatch(/registrations|password/);
	});

	it('is registered when the user accepts it (Options → Allow Secret Over Plain HTTP)', async () => {
		const { error, subscriptions } = await activation('http://n8n.example.com', { ...parameters, options: { allowSecretOverHttp: true } });
		expect(error).toBeUndefined();
		expect(subscriptions).toHaveLength(1);
		expect(subscriptions[0].consumerInputs.basicAuthPassword).toEqual(expect.any(String));
	});

	it.each(['https://n8n.example.com', 'http://127.0.0.1:5678', 'http://localhost:5678', 'http://[::1]:5678'])('%s: registered (https, or loopback for local testing)', async (origin) => {
		const { error, subscriptions } = await activation(origin, parameters);
		expect(error).toBeUndefined();
		expect(subscriptions).toHaveLength(1);
	});
});

it('a subscription without a secret (Delivery Authentication: None) may use plain http', async () => {
	const { error, subscriptions } = await activation('http://n8n.example.com', { deliveryAuthentication: 'none' });
	expect(error).toBeUndefined();
	expect(subscriptions).toHaveLength(1);
	expect(subscriptions[0].consumerInputs.basicAuthPassword).toBeUndefined();
});

it('an active registration made before this check is refused at the next activation too', async () => {
	const rig = await triggerRig(emu, { origin: 'http://n8n.example.com', parameters: { ...REGISTER, options: { allowSecretOverHttp: true } } });
	try {
		await rig.workflow.activate(TRIGGER);
		rig.workflow.node(TRIGGER).parameters.options = {};
		await expect(rig.workflow.webhookMethod(TRIGGER, 'checkExists')).rejects.toThrow(/AZDC-6080/);
	} finally {
		rig.workflow.node(TRIGGER).parameters.options = { allowSecretOverHttp: true };
		await rig.workflow.deactivate(TRIGGER);
		await rig.close();
	}
});
