// The floor triggers' inbound secret (Basic auth user and password), read by BenchFloorCredentialTrigger per delivery.
import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class BenchFloorSecretApi implements ICredentialType {
	name = 'benchFloorSecretApi';

	displayName = 'Bench Floor Secret API';

	documentationUrl = 'https://github.com/n8n-nodes-azure-devops-connector/n8n-nodes-azure-devops-connector';

	properties: INodeProperties[] = [
		{ displayName: 'User', name: 'user', type: 'string', default: '' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
	];
}
