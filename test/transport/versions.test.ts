// Version negotiation: which api-version the client sends for a route, from what a server advertises.
import { ConnectorError } from '../../nodes/AzureDevOpsConnector/connector/errors';
import {
	describeServer,
	negotiateVersion,
	parseLocations,
	type Route,
} from '../../nodes/AzureDevOpsConnector/transport/versions';

const WORK_ITEMS: Route = { feature: 'work items', area: 'wit', locationId: '72C7DDF8-2CDC-4F60-90CD-AB71C14A399B', version: '7.1' };
const COMMENTS: Route = { feature: 'work item comments', area: 'wit', locationId: '608aac0a-32e1-4493-a863-b9cf4566d257', version: '7.1', previewResource: 4 };

/** An OPTIONS /_apis answer: every location at the server's max version. */
function server(max: string, released: string, overrides: Record<string, Partial<Record<string, unknown>>> = {}) {
	const entry = (id: string, resourceVersion: number, releasedVersion: string) => ({
		id,
		area: 'wit',
		resourceName: 'x',
		routeTemplate: '{project}/_apis/wit/x',
		resourceVersion,
		minVersion: '1.0',
		maxVersion: max,
		releasedVersion,
		...(overrides[id] ?? {}),
	});
	return parseLocations({
		count: 2,
		value: [entry('72c7ddf8-2cdc-4f60-90cd-ab71c14a399b', 3, released), entry('608aac0a-32e1-4493-a863-b9cf4566d257', 3, '0.0')],
	})!;
}

describe('the api-version the client sends', () => {
	it.each([
		['Azure DevOps Services', '7.2', '7.1', '7.1'],
		['Azure DevOps Server 2022.1', '7.1', '7.1', '7.1'],
		['Azure DevOps Server 2022', '7.0', '7.0', '7.0'],
		['Azure DevOps Server 2020', '6.0', '6.0', '6.0'],
		['Azure DevOps Server 2019', '5.0', '5.0', '5.0'],
	])('%s (REST %s): a released route goes out at %s', (_name, max, released, expected) => {
		expect(negotiateVersion(WORK_ITEMS, server(max, released))).toBe(expected);
	});

	it('a route the server has not released goes out as a preview, at our resource version where we ask for ours', () => {
		expect(negotiateVersion(COMMENTS, server('7.2', '7.1', { '608aac0a-32e1-4493-a863-b9cf4566d257': { resourceVersion: 4 } }))).toBe(
			'7.1-preview.4',
		);
	});

	it("below our version, a preview goes out at the server's newest resource version", () => {
		expect(negotiateVersion(COMMENTS, server('6.0', '6.0'))).toBe('6.0-preview.3');
		expect(negotiateVersion(COMMENTS, server('5.0', '5.0', { '608aac0a-32e1-4493-a863-b9cf4566d257': { resourceVersion: 2 } }))).toBe(
			'5.0-preview.2',
		);
	});

	it('never asks for a resource version above the one the server has', () => {
		expect(negotiateVersion(COMMENTS, server('7.1', '7.1', { '608aac0a-32e1-4493-a863-b9cf4566d257': { resourceVersion: 3 } }))).toBe(
			'7.1-preview.3',
		);
	});

	it('a server without the route: a coded error naming the server and the feature, nothing sent', () => {
		const old = parseLocations({ value: [{ id: '72c7ddf8-2cdc-4f60-90cd-ab71c14a399b', maxVersion: '5.0', releasedVersion: '5.0', resourceVersion: 3 }] })!;
		let error: unknown;
		try {
			negotiateVersion(COMMENTS, old);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(ConnectorError);
		expect((error as ConnectorError).code).toBe('AZDC-4030');
		expect((error as ConnectorError).message).toContain('Azure DevOps Server 2019 (REST API 5.0) does not offer work item comments');
	});

	it('a route whose first version is newer than the server: a coded error naming the release needed', () => {
		const old = parseLocations({ value: [{ id: '72c7ddf8-2cdc-4f60-90cd-ab71c14a399b', minVersion: '6.0', maxVersion: '5.0', releasedVersion: '5.0', resourceVersion: 3 }] })!;
		expect(() => negotiateVersion(WORK_ITEMS, old)).toThrow(/only from REST API 6\.0; it needs Azure DevOps Server 2020 or later/);
	});
});

describe('reading what a server advertises', () => {
	it('is not fooled by an answer that is not a location list (a proxy page, an empty list)', () => {
		expect(parseLocations('<html>sign in</html>')).toBeUndefined();
		expect(parseLocations({ value: [] })).toBeUndefined();
		expect(parseLocations(null)).toBeUndefined();
		expect(parseLocations({ value: [{ id: 1, maxVersion: '7.1' }] })).toBeUndefined();
	});

	it('names the product by the highest version any route serves', () => {
		expect(server('6.0', '6.0').serverVersion).toBe('Azure DevOps Server 2020');
		expect(describeServer('7.2')).toBe('Azure DevOps Services');
		expect(describeServer('7.1')).toBe('Azure DevOps Server 2022.1 or later');
		expect(describeServer('7.0')).toBe('Azure DevOps Server 2022');
		expect(describeServer('5.1')).toBe('Azure DevOps Server 2019');
		expect(describeServer('4.1')).toMatch(/older than Azure DevOps Server 2019/);
	});
});
