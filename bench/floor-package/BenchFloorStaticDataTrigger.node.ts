// The floor with a duplicate window: the do-nothing trigger that records every delivery in a window of the same
// shape and bounds as ours (500 notification ids, 2,000 work items with their revision) in the workflow's static
// data, so n8n saves a window of the same size after every delivery. No credential, no parsing beyond two ids.
import type { IDataObject, INodeType, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { accept, floorDescription } from './floor';

export class BenchFloorStaticDataTrigger implements INodeType {
	description = floorDescription('benchFloorStaticDataTrigger', 'Bench Floor Static Data Trigger');

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const body = this.getBodyData() as { notificationId?: unknown; resource?: { workItemId?: unknown; rev?: unknown } };
		const staticData = this.getWorkflowStaticData('node');
		const window = (staticData.dedup ?? { v: 1, n: [], w: [] }) as { v: 1; n: string[]; w: Array<string | number> };
		const n = [...window.n, String(body.notificationId)].slice(-500);
		const w = [...window.w, `u${String(body.resource?.workItemId)}`, Number(body.resource?.rev ?? 0)].slice(-4000);
		staticData.dedup = { v: 1, n, w } as unknown as IDataObject;
		return accept(this);
	}
}
