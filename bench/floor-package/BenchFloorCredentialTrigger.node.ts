// The floor with a credential read per delivery: the do-nothing trigger that reads its Basic auth secret with
// getCredentials on every request and compares it in constant time (what our trigger did before issue 16).
import { timingSafeEqual } from 'crypto';
import type { INodeType, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { accept, floorDescription, refuse } from './floor';

export class BenchFloorCredentialTrigger implements INodeType {
	description = floorDescription('benchFloorCredentialTrigger', 'Bench Floor Credential Trigger', 'benchFloorSecretApi');

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const credential = await this.getCredentials('benchFloorSecretApi');
		const expected = Buffer.from(`Basic ${Buffer.from(`${String(credential.user)}:${String(credential.password)}`).toString('base64')}`);
		const supplied = Buffer.from(String(this.getHeaderData().authorization ?? ''));
		return supplied.length === expected.length && timingSafeEqual(supplied, expected) ? accept(this) : refuse(this);
	}
}
