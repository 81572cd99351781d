/**
 * The test of the multi-organization credential: every token is tried against its own organization, and the answer
 * names each organization whose token does not work. A token is sent to its own organization only, and never appears
 * in the answer.
 */
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { ConnectorError, reportFaults, type ErrorKey } from '../connector/errors';
import { type OrganizationToken, parseOrganizationTokens } from '../connector/organizationTokens';
import { CONNECTION_DATA } from './connectionData';

const TEST_TIMEOUT_MS = 15_000;

interface TestAnswer {
	statusCode?: number;
	body?: unknown;
}

interface OrganizationResult {
	organizationUrl: string;
	/** Why the token failed, or undefined when it works. */
	problem?: { key: ErrorKey; detail: string };
}

/** Checks every organization of an `azureDevOpsMultiOrgApi` credential with its own token. */
export async function azureDevOpsMultiOrgApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted<ICredentialDataDecryptedObject>,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	let entries: OrganizationToken[];
	try {
		entries = parseOrganizationTokens(String(data.organizations ?? ''), String(data.accessTokens ?? ''), {
			allowHttp: data.allowHttp === true,
		});
	} catch (error) {
		if (error instanceof ConnectorError) return { status: 'Error', message: error.message };
		return { status: 'Error', message: 'The credential\'s organizations and tokens could not be read.' };
	}

	const results = await Promise.all(entries.map(async (entry) => await testOrganization(this, entry)));
	const failed = results.filter((result) => result.problem !== undefined);
	if (failed.length === 0) {
		return {
			status: 'OK',
			message: `Connection successful: all ${results.length} organization(s) accepted their token.`,
		};
	}
	// One line per organization that failed, then each fix once with the codes it answers (n8n shows the text as it is).
	const faults = failed.map(
		({ organizationUrl, problem }) => new ConnectorError(problem!.key, problem!.detail, { field: organizationUrl }),
	);
	const report = reportFaults(faults, 'the credential');
	const working = results.filter((result) => result.problem === undefined).map((result) => result.organizationUrl);
	const lines = [
		`${failed.length} of ${results.length} organization${results.length === 1 ? '' : 's'} failed the test:`,
		...faults.map((fault) => `- ${fault.field ?? ''}: [${fault.code}] ${fault.problem}`),
		'How to fix:',
		...report.fixes.map((line) => `- ${line}`),
	];
	if (working.length > 0) lines.push(`Working: ${working.join(', ')}.`);
	return { status: 'Error', message: lines.join('\n') };
}

async function testOrganization(context: ICredentialTestFunctions, entry: OrganizationToken): Promise<OrganizationResult> {
	const { organizationUrl } = entry;
	let answer: TestAnswer;
	try {
		// ICredentialTestFunctions offers only `request`, and the data under test is not a saved credential yet, so
		// the token of this one organization is given to n8n's request helper as Basic auth (empty user name).
		answer = (await context.helpers.request({
			method: 'GET',
			uri: `${organizationUrl}${CONNECTION_DATA.path}`,
			qs: { 'api-version': CONNECTION_DATA.apiVersion },
			headers: { Accept: 'application/json', 'X-TFS-FedAuthRedirect': 'Suppress' },
			auth: { username: '', password: entry.token },
			json: true,
			simple: false,
			resolveWithFullResponse: true,
			// A redirect leads to a sign-in page or another host: the token must not follow it.
			followRedirect: false,
			timeout: TEST_TIMEOUT_MS,
		})) as TestAnswer;
	} catch (error) {
		const code = (error as { code?: unknown }).code;
		const reason = typeof code === 'string' && /^E[A-Z_]+$/.test(code) ? code : 'no answer';
		return { organizationUrl, problem: { key: 'azureDevOpsUnreachable', detail: `No answer (${reason}).` } };
	}

	const status = Number(answer.statusCode);
	if (status >= 200 && status < 300 && status !== 203 && answer.body && typeof answer.body === 'object') {
		return { organizationUrl };
	}
	if (status === 401 || status === 203 || (status >= 300 && status < 400)) {
		return { organizationUrl, problem: { key: 'azureDevOpsUnauthorized', detail: `The token was refused (${status}).` } };
	}
	if (status === 404) {
		return {
			organizationUrl,
			problem: { key: 'azureDevOpsNotFound', detail: 'No Azure DevOps organization answers at this URL (404).' },
		};
	}
	if (status === 403) {
		return { organizationUrl, problem: { key: 'azureDevOpsForbidden', detail: 'The token is not allowed in (403).' } };
	}
	if (status >= 200 && status < 300) {
		return {
			organizationUrl,
			problem: { key: 'azureDevOpsResponseInvalid', detail: `The answer (${status}) is not Azure DevOps JSON.` },
		};
	}
	return {
		organizationUrl,
		problem: { key: 'azureDevOpsUnavailable', detail: `Azure DevOps answered ${status || 'nothing usable'}.` },
	};
}
