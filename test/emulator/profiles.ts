// The Azure DevOps releases the emulator serves at once: Azure DevOps Services and one Azure DevOps
// Server collection per supported release. Each names the descriptions its routes come from
// (Microsoft's per-release files in ./openapi) and the versions its location service reports.
import type { SpecBookId } from './spec';

export type ProfileName = 'services' | 'server2019' | 'server2020' | 'server2022' | 'server2022.1';

/** What a deployment of Azure DevOps speaks. */
export interface Release {
	hosting: 'services' | 'server';
	serverVersion: string;
	/** The highest api-version the deployment accepts at all (preview included). */
	maxApiVersion: string;
	/** The highest api-version released (usable without -preview) on this deployment. */
	releasedApiVersion: string;
	book: SpecBookId;
	/** connectionData.deploymentType. */
	deploymentType: 'hosted' | 'onPremises';
}

/**
 * REST versions per release, from Microsoft's "REST API versioning" page
 * (learn.microsoft.com/rest/api/azure/devops/?view=azure-devops-rest-7.1#api-and-tfs-version-mapping):
 * Server 2019 -> 5.0, Server 2020 -> 6.0, Server 2022 -> 7.0, Server 2022.1 and later -> 7.1.
 * Services accept 7.2 as preview while 7.1 is the latest released version.
 */
export const RELEASES: Record<ProfileName, Release> = {
	services: { hosting: 'services', serverVersion: 'Azure DevOps Services', maxApiVersion: '7.2', releasedApiVersion: '7.1', book: 'services', deploymentType: 'hosted' },
	server2019: { hosting: 'server', serverVersion: 'Azure DevOps Server 2019', maxApiVersion: '5.0', releasedApiVersion: '5.0', book: 'server-5.0', deploymentType: 'onPremises' },
	server2020: { hosting: 'server', serverVersion: 'Azure DevOps Server 2020', maxApiVersion: '6.0', releasedApiVersion: '6.0', book: 'server-6.0', deploymentType: 'onPremises' },
	server2022: { hosting: 'server', serverVersion: 'Azure DevOps Server 2022', maxApiVersion: '7.0', releasedApiVersion: '7.0', book: 'server-7.0', deploymentType: 'onPremises' },
	'server2022.1': { hosting: 'server', serverVersion: 'Azure DevOps Server 2022.1', maxApiVersion: '7.1', releasedApiVersion: '7.1', book: 'server-7.1', deploymentType: 'onPremises' },
};

/** Demo tokens: tests and the demo authenticate with these. Never real secrets. */
export function demoToken(organization: string, n: number): string {
	return `emu-${organization.toLowerCase()}-pat-${String(n).padStart(4, '0')}`;
}

/** One organization or collection a test can run against unchanged. */
export interface EmulatorProfile {
	name: ProfileName;
	/** The organization key: 'fabrikam', or 'server2020/DefaultCollection' for a collection. */
	organization: string;
	hosting: 'services' | 'server';
	serverVersion: string;
	maxApiVersion: string;
	token: string;
	/** A seeded project with area paths, the same in every profile. */
	project: string;
}

const SERVER_PROFILES: ProfileName[] = ['server2019', 'server2020', 'server2022', 'server2022.1'];

/** The collection key of a Server profile: its path below the emulator's root. */
export function collectionOf(name: ProfileName): string {
	return `${name}/DefaultCollection`;
}

export const EMULATOR_PROFILES: readonly EmulatorProfile[] = [
	{
		name: 'services',
		organization: 'fabrikam',
		hosting: 'services',
		serverVersion: RELEASES.services.serverVersion,
		maxApiVersion: RELEASES.services.maxApiVersion,
		token: demoToken('fabrikam', 1),
		project: 'Fabrikam Fiber',
	},
	...SERVER_PROFILES.map((name) => ({
		name,
		organization: collectionOf(name),
		hosting: 'server' as const,
		serverVersion: RELEASES[name].serverVersion,
		maxApiVersion: RELEASES[name].maxApiVersion,
		token: demoToken(name, 1),
		project: 'Fabrikam Fiber',
	})),
];

export function profileNamed(name: ProfileName): EmulatorProfile {
	const p = EMULATOR_PROFILES.find((x) => x.name === name);
	if (!p) throw new Error(`The emulator has no profile '${name}'`);
	return p;
}
