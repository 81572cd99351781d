// Fixture credential without its own test: the action node names a credentialTest function.
// Test fixtures never ship: they have no icon files and are not listed in package.json, which
// these package-level rules expect (the rules' own checks are what the real nodes must pass).
/* eslint-disable @n8n/community-nodes/icon-validation, @n8n/community-nodes/cred-class-field-icon-missing, @n8n/community-nodes/credential-test-required */
import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class FixtureKeyApi implements ICredentialType {
	name = 'fixtureKeyApi';
	displayName = 'Fixture Key API';
	properties: INodeProperties[] = [{ displayName: 'Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' }];
}
