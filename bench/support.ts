// Shared set-up of the benchmarks: the trigger as the test suite builds it, with a state map and a
// credential-held secret, and the official workitem.updated sample.
import type { IDataObject } from 'n8n-workflow';

import type { Emulator } from '../test/emulator';
import {
	HOOK_CANARY,
	HOOK_USER,
	basicAuth,
	deliver,
	emulatorCredentials,
	sample,
	triggerRig,
	type TriggerRig,
} from '../test/nodes/trigger.support';

export const AUTHORIZATION_FOR_BENCH = { authorization: basicAuth(HOOK_USER, HOOK_CANARY) };

/** The trigger configured as a typical sync flow: Basic-auth secret, WorkItemEndState → EndState and one table row. */
export async function benchTriggerRig(): Promise<TriggerRig> {
	// No Azure DevOps behind it: with resource details "All" the trigger never calls out.
	const nowhere = { orgUrl: () => 'http://127.0.0.1:1/fabrikam' } as unknown as Emulator;
	return await triggerRig(undefined, {
		credentials: emulatorCredentials(nowhere),
		parameters: {
			authentication: 'none',
			deliveryAuthentication: 'credential',
			workItemEndState: 'Closed',
			endState: 'Return from DevOps',
			stateMap: { row: [{ devOpsState: 'Resolved', ticketState: 'Waiting' }] },
		},
	});
}

export async function deliverTo(rig: TriggerRig, body: IDataObject) {
	return await deliver(rig, body, AUTHORIZATION_FOR_BENCH);
}

export function workItemUpdatedSample(): IDataObject {
	return sample('workitem.updated');
}
