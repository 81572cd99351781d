import {
	isUrlWithinOrganization,
	parseAzureDevOpsUrl,
	projectOfProjectUrl,
	sameOrganization,
	urlCarriesUserInfo,
} from '../../nodes/AzureDevOpsConnector/connector/azureDevOpsUrl';
import { ConnectorError } from '../../nodes/AzureDevOpsConnector/connector/errors';

function codeOf(fn: () => unknown): string | undefined {
	try {
		fn();
	} catch (error) {
		return error instanceof ConnectorError ? error.code : `not a ConnectorError: ${String(error)}`;
	}
	return undefined;
}

describe('an administrator pastes the URL of an Azure DevOps project', () => {
	it.each([
		['https://dev.azure.com/fabrikam/Fabrikam Fiber', 'https://dev.azure.com/fabrikam', 'Fabrikam Fiber', 'services'],
		['https://dev.azure.com/fabrikam/Fabrikam%20Fiber/', 'https://dev.azure.com/fabrikam', 'Fabrikam Fiber', 'services'],
		['  https://dev.azure.com/fabrikam/Web/  ', 'https://dev.azure.com/fabrikam', 'Web', 'services'],
		['dev.azure.com/fabrikam/Web', 'https://dev.azure.com/fabrikam', 'Web', 'services'],
		['https://dev.azure.com/fabrikam/Web/_workitems/edit/42', 'https://dev.azure.com/fabrikam', 'Web', 'services'],
		['https://DEV.AZURE.COM./fabrikam/Web', 'https://dev.azure.com/fabrikam', 'Web', 'services'],
		['https://fabrikam.visualstudio.com/Web', 'https://dev.azure.com/fabrikam', 'Web', 'services'],
		['https://fabrikam.visualstudio.com/DefaultCollection/Web', 'https://dev.azure.com/fabrikam', 'Web', 'services'],
		['https://tfs.contoso.local/tfs/DefaultCollection/Service Desk', 'https://tfs.contoso.local/tfs/DefaultCollection', 'Service Desk', 'server'],
		['https://tfs.contoso.local:8443/tfs/Main/Ops/', 'https://tfs.contoso.local:8443/tfs/Main', 'Ops', 'server'],
		['https://devops.contoso.local/Main/Ops', 'https://devops.contoso.local/Main', 'Ops', 'server'],
	])('%s is organization %s, project %s', (raw, organizationUrl, project, hosting) => {
		const parsed = parseAzureDevOpsUrl(raw, { requireProject: true });
		expect(parsed).toMatchObject({ organizationUrl, project, hosting });
	});

	it('accepts an organization URL without a project unless a project is required', () => {
		expect(parseAzureDevOpsUrl('https://dev.azure.com/fabrikam/')).toEqual({
			organizationUrl: 'https://dev.azure.com/fabrikam',
			organization: 'fabrikam',
			hosting: 'services',
		});
		expect(codeOf(() => parseAzureDevOpsUrl('https://dev.azure.com/fabrikam', { requireProject: true }))).toBe(
			'AZDC-1012',
		);
		expect(codeOf(() => parseAzureDevOpsUrl('https://dev.azure.com/fabrikam/_apis', { requireProject: true }))).toBe(
			'AZDC-1012',
		);
	});

	it('accepts http only for a loopback host and only when allowed', () => {
		expect(parseAzureDevOpsUrl('http://127.0.0.1:8080/fabrikam/Web', { allowHttp: true })).toMatchObject({
			organizationUrl: 'http://127.0.0.1:8080/fabrikam',
			project: 'Web',
		});
		expect(codeOf(() => parseAzureDevOpsUrl('http://127.0.0.1:8080/fabrikam/Web'))).toBe('AZDC-1011');
		expect(codeOf(() => parseAzureDevOpsUrl('http://dev.azure.com/fabrikam/Web', { allowHttp: true }))).toBe(
			'AZDC-1011',
		);
	});

	it.each([
		['', 'AZDC-1010'],
		['   ', 'AZDC-1010'],
		[undefined, 'AZDC-1010'],
		[42, 'AZDC-1013'],
		['https://', 'AZDC-1013'],
		['ftp://dev.azure.com/fabrikam/Web', 'AZDC-1013'],
		['https://dev.azure.com/', 'AZDC-1013'],
		['https://dev.azure.com/_apis/projects', 'AZDC-1013'],
		['https://user:secret@dev.azure.com/fabrikam/Web', 'AZDC-1090'],
		['https://dev.azure.com@evil.example/fabrikam/Web', 'AZDC-1090'],
		['https://dev.azure.com/fabrikam/We%ZZb', 'AZDC-1013'],
		['https://dev.azure.com/fabrikam%2Fother/Web', 'AZDC-1013'],
		['https://tfs.contoso.local/tfs/', 'AZDC-1013'],
	])('refuses %p with %s', (raw, code) => {
		expect(codeOf(() => parseAzureDevOpsUrl(raw))).toBe(code);
	});

	it('names the field the URL came from in its error', () => {
		expect(() => parseAzureDevOpsUrl('http://dev.azure.com/x/y', { field: 'Organization URL' })).toThrow(
			/^\[AZDC-1011\] Organization URL: /,
		);
	});
});

describe('one organization, several spellings', () => {
	it('treats dev.azure.com and visualstudio.com URLs of one organization as the same, in any case', () => {
		expect(sameOrganization('https://dev.azure.com/Fabrikam', 'https://fabrikam.visualstudio.com/')).toBe(true);
		expect(sameOrganization('https://dev.azure.com/fabrikam', 'https://dev.azure.com/contoso')).toBe(false);
		expect(sameOrganization('https://tfs.local/tfs/A', 'https://TFS.local/tfs/a/')).toBe(true);
	});
});

describe('a token is sent only inside its own organization', () => {
	const org = 'https://dev.azure.com/fabrikam';

	it.each([
		'https://dev.azure.com/fabrikam/_apis/projects?api-version=7.1',
		'https://dev.azure.com/Fabrikam/Web/_apis/wit/workitems/1',
		'https://fabrikam.visualstudio.com/_apis/projects',
		'https://vssps.dev.azure.com/fabrikam/_apis/profile',
	])('allows %s', (target) => {
		expect(isUrlWithinOrganization(target, org)).toBe(true);
	});

	it.each([
		'https://dev.azure.com/contoso/_apis/projects',
		'https://dev.azure.com/fabrikamx/_apis/projects',
		'https://dev.azure.com/_apis/projects',
		'https://dev.azure.com@evil.example/fabrikam/_apis',
		'https://evil.example/fabrikam/_apis',
		'https://dev.azure.com.evil.example/fabrikam/_apis',
		'https://evil.dev.azure.com.example/fabrikam',
		'http://dev.azure.com/fabrikam/_apis/projects',
		'https://dev.azure.com:8443/fabrikam/_apis',
		'https://dev.azure.com/fabrikam%2F..%2Fcontoso/_apis',
		'https://contoso.visualstudio.com/_apis/projects',
		'not a url',
	])('refuses %s', (target) => {
		expect(isUrlWithinOrganization(target, org)).toBe(false);
	});

	it('keeps Server collections apart on one host', () => {
		const collection = 'https://tfs.contoso.local/tfs/Main';
		expect(isUrlWithinOrganization('https://tfs.contoso.local/tfs/Main/Ops/_apis/wit/wiql', collection)).toBe(true);
		expect(isUrlWithinOrganization('https://tfs.contoso.local/tfs/main/_apis/projects', collection)).toBe(true);
		expect(isUrlWithinOrganization('https://tfs.contoso.local/tfs/Other/_apis/projects', collection)).toBe(false);
		expect(isUrlWithinOrganization('https://tfs.contoso.local/tfs/_apis/projects', collection)).toBe(false);
		expect(isUrlWithinOrganization('https://tfs.contoso.local./tfs/Main/_apis', collection)).toBe(true);
		expect(isUrlWithinOrganization('https://tfs.contoso.local:444/tfs/Main/_apis', collection)).toBe(false);
	});

	it('keeps loopback organizations apart by port and path', () => {
		const emulator = 'http://127.0.0.1:4100/fabrikam';
		expect(isUrlWithinOrganization('http://127.0.0.1:4100/fabrikam/_apis/projects', emulator)).toBe(true);
		expect(isUrlWithinOrganization('http://127.0.0.1:4100/contoso/_apis/projects', emulator)).toBe(false);
		expect(isUrlWithinOrganization('http://127.0.0.1:4101/fabrikam/_apis/projects', emulator)).toBe(false);
		expect(isUrlWithinOrganization('http://localhost:4100/fabrikam/_apis/projects', emulator)).toBe(false);
	});
});

describe('an Azure DevOps Server installed under another virtual directory than /tfs', () => {
	it('the credential\'s collection URL is taken whole, and keyed as itself', () => {
		const collection = parseAzureDevOpsUrl('https://devops.contoso.local/ado/Main/', { asOrganization: true });
		expect(collection).toMatchObject({ organizationUrl: 'https://devops.contoso.local/ado/Main', organization: 'Main', hosting: 'server' });
		expect(collection.project).toBeUndefined();
		// two collections under one virtual directory stay two organizations (their tokens are never mixed up)
		expect(sameOrganization('https://devops.contoso.local/ado/Main', 'https://devops.contoso.local/ado/Other')).toBe(false);
		expect(sameOrganization('https://devops.contoso.local/ado/Main', 'https://DEVOPS.contoso.local/ado/main/')).toBe(true);
	});

	it('a project URL is split at a collection the credential lists, whatever the path', () => {
		const organizations = ['https://devops.contoso.local/ado/Main', 'https://devops.contoso.local/ado/Main/Nested'];
		expect(parseAzureDevOpsUrl('https://devops.contoso.local/ado/Main/Service%20Desk', { requireProject: true, organizations })).toMatchObject({
			organizationUrl: 'https://devops.contoso.local/ado/Main',
			project: 'Service Desk',
		});
		// the longest listed collection wins
		expect(parseAzureDevOpsUrl('https://devops.contoso.local/ado/Main/Nested/Ops', { organizations }).project).toBe('Ops');
		// another host or port is not below a listed collection: the default reading applies
		expect(parseAzureDevOpsUrl('https://devops.contoso.local:8443/ado/Main/Ops', { organizations })).toMatchObject({
			organizationUrl: 'https://devops.contoso.local:8443/ado',
			project: 'Main',
		});
	});

	it('the project of a project URL is read from its end, without knowing the collection', () => {
		expect(projectOfProjectUrl('https://devops.contoso.local/ado/Main/Service%20Desk')).toBe('Service Desk');
		expect(projectOfProjectUrl('https://tfs.contoso.local/tfs/Main/Ops/_workitems/edit/4')).toBe('Ops');
		expect(projectOfProjectUrl('https://dev.azure.com/fabrikam/Web')).toBe('Web');
		expect(projectOfProjectUrl('https://dev.azure.com/fabrikam')).toBeUndefined();
	});
});

describe('a URL with a user name or password is recognised whether or not it parses (issue 15)', () => {
	it.each([
		'https://user:pw@dev.azure.com/fabrikam',
		'https://pw@dev.azure.com/fabrikam',
		'user:pw@dev.azure.com/fabrikam',
		'//user:pw@dev.azure.com/fabrikam',
		'https:\\\\user:pw@dev.azure.com\\fabrikam',
		'https://user:pw@dev azure com/fabrikam',
		'https://user:pw@dev.azure.com:99999/fabrikam',
		'https://user%3Apw%40dev.azure.com/fabrikam',
		'https%253A%252F%252Fuser%253Apw%2540dev.azure.com',
		'https://user:pw\n@dev.azure.com/fabrikam',
	])('%j carries user info', (url) => {
		expect(urlCarriesUserInfo(url)).toBe(true);
	});

	it.each([
		'https://dev.azure.com/fabrikam/Web',
		'dev.azure.com/fabrikam/Web',
		'https://dev.azure.com/fabrikam/Web?assignedTo=me@example.com',
		'https://dev.azure.com/fabrikam/Web#me@example.com',
		'https://tfs.contoso.local:8080/tfs/DefaultCollection/Web',
		'http://127.0.0.1:4100/fabrikam',
	])('%j does not', (url) => {
		expect(urlCarriesUserInfo(url)).toBe(false);
	});

	it('the error names the URL by scheme and host only, never its path, query or user info', () => {
		const messages = [
			'https://user:hunter2@dev.azure.com/fabrikam/Web',
			'https://user:hunter2@dev.azure.com:99999/fabrikam',
			'https://user:hunter2/dev.azure.com/fabrikam',
			'https://dev.azure.com/fabrikam?pat=hunter2',
			'http://dev.azure.com/fabrikam/hunter2',
		].map((url) => {
			try {
				parseAzureDevOpsUrl(url, { requireProject: true });
			} catch (error) {
				return (error as ConnectorError).message;
			}
			return 'accepted';
		});
		expect(messages.filter((message) => message.includes('hunter2') || message === 'accepted')).toEqual([]);
		expect(messages[3]).toContain('"https://dev.azure.com/…" names the organization but no project');
	});
});
