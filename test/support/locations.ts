// What a stand-in Azure DevOps (a fake server in a test, not the emulator) answers to OPTIONS {organization}/_apis,
// so the client can learn its versions: every location the client uses, released at `version`.
const LOCATION_IDS: Record<string, [string, string]> = {
	'603fe2ac-9723-48b9-88ad-09305aa6c6e1': ['core', 'projects'],
	'72c7ddf8-2cdc-4f60-90cd-ab71c14a399b': ['wit', 'workItems'],
	'62d3d110-0047-428c-ad3c-4fe872c91c74': ['wit', 'workItems'],
	'1a9c53f7-f243-4447-b110-35ef023636e4': ['wit', 'wiql'],
	'608aac0a-32e1-4493-a863-b9cf4566d257': ['wit', 'comments'],
	'7c8d7a76-4a09-43e8-b5df-bd792f4ac6aa': ['wit', 'workItemTypes'],
	'7c9d7a76-4a09-43e8-b5df-bd792f4ac6aa': ['wit', 'states'],
	'fc50d02a-849f-41fb-8af1-0a5216103269': ['hooks', 'subscriptions'],
};

export function locationList(version = '7.1'): { count: number; value: Array<Record<string, unknown>> } {
	const value = Object.entries(LOCATION_IDS).map(([id, [area, resourceName]]) => ({
		id,
		area,
		resourceName,
		routeTemplate: '_apis/{area}/{resource}',
		resourceVersion: 1,
		minVersion: '1.0',
		maxVersion: version,
		releasedVersion: resourceName === 'comments' ? '0.0' : version,
	}));
	return { count: value.length, value };
}
