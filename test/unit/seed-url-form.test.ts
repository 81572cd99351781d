// The seed's own way of writing the URL: "{organization}/{project}", which means Azure DevOps Services.
import { parseAzureDevOpsUrl } from '../../nodes/AzureDevOpsConnector/connector/azureDevOpsUrl';
import { parseConnectorSettings } from '../../nodes/AzureDevOpsConnector/connector/settings';

const settings = (url: string) =>
	JSON.stringify({
		ConnectorType: 'AzureDevOps',
		URL: url,
		AccessToken: '0',
		AttributeMap: '{"System.Title":"[$TicketTitle$]", "System.WorkItemType": "Task"}',
	});

describe('the URL written as {organization}/{project}, as the seed does', () => {
	it('is read as a project of Azure DevOps Services', () => {
		const parsed = parseConnectorSettings(settings('fabrikam/Service Desk'));
		expect(parsed).toMatchObject({
			organizationUrl: 'https://dev.azure.com/fabrikam',
			organization: 'fabrikam',
			project: 'Service Desk',
			hosting: 'services',
		});
	});

	it('takes the encoded form and surrounding slashes too', () => {
		expect(parseAzureDevOpsUrl(' fabrikam/Service%20Desk/ ', { requireProject: true })).toMatchObject({
			organizationUrl: 'https://dev.azure.com/fabrikam',
			project: 'Service Desk',
		});
	});

	it('leaves host names alone: with a dot, a port, localhost, or a Server path of more segments', () => {
		expect(parseAzureDevOpsUrl('dev.azure.com/fabrikam/Web').organizationUrl).toBe('https://dev.azure.com/fabrikam');
		expect(parseAzureDevOpsUrl('tfs.contoso.local/tfs/Coll/Web')).toMatchObject({
			organizationUrl: 'https://tfs.contoso.local/tfs/Coll',
			hosting: 'server',
		});
		expect(parseAzureDevOpsUrl('tfsserver/tfs/Coll/Web')).toMatchObject({ organizationUrl: 'https://tfsserver/tfs/Coll' });
		expect(parseAzureDevOpsUrl('localhost:8080/Coll/Web', { allowHttp: true }).hosting).toBe('server');
	});
});
