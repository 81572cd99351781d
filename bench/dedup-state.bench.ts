// Size of the trigger's duplicate window in static data (what n8n stores with the workflow) after 100,000 distinct
// deliveries and after 100,000 repeats, against the window's size after the first 1,000 distinct deliveries.
import {
	checkDelivery,
	emptyDedupState,
	readDedupState,
	recordDelivery,
	workItemKey,
	type DedupState,
} from '../nodes/AzureDevOpsConnector/connector/dedup';

const bytes = (state: DedupState) => Buffer.byteLength(JSON.stringify(state));

it('dedup window: static-data size after 100k distinct deliveries and 100k duplicates', () => {
	let state = emptyDedupState();
	let afterThousand = 0;
	let accepted = 0;
	for (let n = 1; n <= 100_000; n++) {
		const delivery = { notificationId: n, workItemKey: workItemKey('workitem.updated', 100_000 + n), revision: 2 };
		if (checkDelivery(state, delivery).verdict === 'new') {
			state = recordDelivery(state, delivery);
			accepted++;
		}
		if (n === 1000) afterThousand = bytes(state);
	}
	const afterDistinct = bytes(state);

	// Azure DevOps retrying: the last 500 notifications again and again, read back from stored JSON like n8n does.
	let dropped = 0;
	state = readDedupState(JSON.parse(JSON.stringify(state)));
	for (let n = 0; n < 100_000; n++) {
		const id = 100_000 - (n % 500);
		const delivery = { notificationId: id, workItemKey: workItemKey('workitem.updated', 100_000 + id), revision: 2 };
		if (checkDelivery(state, delivery).verdict !== 'new') dropped++;
		else state = recordDelivery(state, delivery);
	}
	const afterDuplicates = bytes(state);
	console.log(
		[
			`dedup window after 1,000 distinct deliveries: ${afterThousand} bytes (baseline)`,
			`after 100,000 distinct: ${afterDistinct} bytes (${(afterDistinct / afterThousand).toFixed(2)}x baseline; limit 65,536)`,
			`after 100,000 duplicates more: ${afterDuplicates} bytes, ${dropped} of 100,000 dropped`,
		].join('\n'),
	);
	expect(accepted).toBe(100_000);
	expect(dropped).toBe(100_000);
});
