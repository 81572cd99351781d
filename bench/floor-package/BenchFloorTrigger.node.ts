// The floor: a community trigger that checks nothing and reads nothing, and starts the workflow with the body.
import type { INodeType, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { accept, floorDescription } from './floor';

export class BenchFloorTrigger implements INodeType {
	description = floorDescription('benchFloorTrigger', 'Bench Floor Trigger');

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return accept(this);
	}
}
