// The same round trip in n8n's queue mode, its distributed set-up: Redis as the broker, a main instance (editor,
// activation, so the trigger's subscription is registered from there), a webhook processor that receives the
// tickets and the service-hook deliveries (the trigger's webhook() and its duplicate window run there) and a worker
// that runs the executions. Nothing in the nodes may depend on running in the main process.
import { roundTripSuite } from './roundtrip.suite';
import { majorUnderTest, redisServerPath } from './support';

const major = majorUnderTest();
if (redisServerPath() || process.env.CI) {
	roundTripSuite(`in a real n8n ${major}.x in queue mode (main, webhook processor, worker, Redis)`, { major, queue: true });
} else {
	describe.skip('queue mode: redis-server is not installed (apt-get install redis-server); CI always runs it', () => {
		test('round trip in queue mode', () => undefined);
	});
}
