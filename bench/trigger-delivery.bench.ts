// What one service-hook delivery costs the trigger, in-process, against a baseline in the same process: a minimal
// trigger whose webhook() only hands n8n the parsed body, called through the same n8n-core WebhookContext. The ratio
// (baseline time / trigger time) says how close the full path (auth, parse, filter, map, dedup) comes to doing
// nothing at all. Runs alternate so that machine noise hits both sides alike.
import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { TestWorkflow } from '../test/support/n8n';
import {
	AUTHORIZATION_FOR_BENCH,
	benchTriggerRig,
	deliverTo,
	workItemUpdatedSample,
} from './support';

// Like n8n's own Webhook node, the baseline registers nothing anywhere, so it has no webhookMethods.
// eslint-disable-next-line @n8n/community-nodes/webhook-lifecycle-complete
class BaselineTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Baseline Trigger',
		name: 'baselineTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Hands the body to n8n and does nothing else',
		defaults: { name: 'Baseline' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return { workflowData: [[{ json: this.getBodyData() }]] };
	}
}

const ROUNDS = 6;
const PER_ROUND = 400;

function bodies(offset: number): IDataObject[] {
	const template = workItemUpdatedSample();
	return Array.from({ length: PER_ROUND }, (_, n) => {
		const body = structuredClone(template);
		body.notificationId = offset + n + 1;
		(body.resource as IDataObject).workItemId = 100_000 + offset + n;
		return body;
	});
}

it('trigger: time per accepted delivery versus a do-nothing trigger on the same n8n-core path', async () => {
	const rig = await benchTriggerRig();
	const baseline = new TestWorkflow(
		{ nodes: [{ name: 'Baseline', type: 'bench.baselineTrigger', parameters: {}, webhookId: 'baseline' }], connections: {} },
		{ nodeTypes: { 'bench.baselineTrigger': new BaselineTrigger() } },
	);
	const ours: number[] = [];
	const floor: number[] = [];
	let accepted = 0;
	try {
		for (let warm = 0; warm < 200; warm += PER_ROUND) {
			for (const body of bodies(50_000_000 + warm)) await deliverTo(rig, body);
			for (const body of bodies(0)) await baseline.webhook('Baseline', { method: 'POST', body });
		}
		for (let round = 0; round < ROUNDS; round++) {
			const oursBodies = bodies(round * PER_ROUND);
			let started = process.hrtime.bigint();
			for (const body of oursBodies) if ((await deliverTo(rig, body)).workflowData) accepted++;
			ours.push(Number(process.hrtime.bigint() - started) / 1e6 / PER_ROUND);

			const baseBodies = bodies(round * PER_ROUND);
			started = process.hrtime.bigint();
			for (const body of baseBodies) await baseline.webhook('Baseline', { method: 'POST', body, headers: AUTHORIZATION_FOR_BENCH });
			floor.push(Number(process.hrtime.bigint() - started) / 1e6 / PER_ROUND);
		}
	} finally {
		await rig.close();
	}
	const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
	const oursMs = median(ours);
	const floorMs = median(floor);
	console.log(
		[
			`trigger delivery: ${oursMs.toFixed(3)} ms per accepted delivery (median of ${ROUNDS} rounds of ${PER_ROUND})`,
			`baseline (do-nothing trigger, same WebhookContext path): ${floorMs.toFixed(3)} ms`,
			`ratio baseline/trigger: ${(floorMs / oursMs).toFixed(2)} (1.00 = the trigger's own work is free)`,
			`accepted ${accepted} of ${ROUNDS * PER_ROUND}; in-process, legacy expression engine, Node ${process.version}`,
		].join('\n'),
	);
	expect(accepted).toBe(ROUNDS * PER_ROUND);
});
