// Public entry point of the service-desk stand-in (the demo's and the two-way end-to-end test's service desk).
import { ServiceDesk, type ServiceDeskOptions } from './servicedesk';

export * from './servicedesk';

/** Starts a service desk on 127.0.0.1 (a free port unless `port` is given), seeded with the sample ticket. */
export async function startServiceDesk(options: ServiceDeskOptions = {}): Promise<ServiceDesk> {
	const desk = new ServiceDesk(options);
	await desk.listen(options.port);
	return desk;
}
