// The request pool behind Create From Ticket: bounded parallelism, input order kept, and slowing down when
// Azure DevOps signals pressure. Pure: tasks are promises resolved by the test, no timers.
import {
	isUnderPressure,
	runPool,
} from '../../nodes/AzureDevOpsConnector/actions/workItem/createFromTicket/pool';

function deferred<T>() {
	let resolve!: (value: T) => void;
	const promise = new Promise<T>((r) => (resolve = r));
	return { promise, resolve };
}

const tick = async () => await new Promise<void>((resolve) => setImmediate(resolve));

describe('Create From Ticket request pool', () => {
	it('never runs more tasks at once than the concurrency, and returns results in input order', async () => {
		let active = 0;
		let peak = 0;
		const { results, stats } = await runPool(
			25,
			async (index) => {
				active++;
				peak = Math.max(peak, active);
				// Later items finish first, so order comes from the pool, not from timing.
				for (let i = 0; i < 25 - index; i++) await tick();
				active--;
				return index * 10;
			},
			{ concurrency: 4 },
		);
		expect(peak).toBe(4);
		expect(stats.peak).toBe(4);
		expect(results).toEqual(Array.from({ length: 25 }, (_, i) => i * 10));
	});

	it('drops to one request at a time when answers were throttled, then grows back after clean answers', async () => {
		const gates = Array.from({ length: 30 }, () => deferred<void>());
		const started: number[] = [];
		const activeAtStart: number[] = [];
		let active = 0;
		const running = runPool(
			30,
			async (index, report) => {
				started.push(index);
				activeAtStart[index] = ++active;
				await gates[index].promise;
				// The first answers come back after a 429 (attempts 2); the rest are clean.
				report({ attempts: index < 2 ? 2 : 1 });
				active--;
				return index;
			},
			{ concurrency: 4 },
		);
		await tick();
		expect(started).toEqual([0, 1, 2, 3]);
		gates[0].resolve();
		gates[1].resolve();
		await tick();
		await tick();
		// Limit 4 -> 2 -> 1 while two requests (2 and 3) are still in flight: nothing new starts.
		expect(started).toEqual([0, 1, 2, 3]);
		for (const gate of gates) gate.resolve();
		const { results, stats } = await running;
		expect(results).toEqual(Array.from({ length: 30 }, (_, i) => i));
		expect(stats.lowestLimit).toBe(1);
		expect(stats.slowdowns).toBe(2);
		// Right after the slowdown, one at a time; after clean answers, several again.
		expect(activeAtStart[4]).toBe(1);
		expect(Math.max(...activeAtStart.slice(20))).toBeGreaterThan(1);
	});

	it('stops starting new tasks when asked, and leaves those never started empty', async () => {
		let stop = false;
		const { results } = await runPool(
			10,
			async (index) => {
				if (index === 2) stop = true;
				return index;
			},
			{ concurrency: 1, shouldStop: () => stop },
		);
		expect(results).toEqual([0, 1, 2, undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
	});

	it('reads pressure from Retry-After retries, X-RateLimit-Delay and a low X-RateLimit-Remaining', () => {
		expect(isUnderPressure({ attempts: 1, remaining: 5000, limit: 10000 })).toBe(false);
		expect(isUnderPressure({ attempts: 3 })).toBe(true);
		expect(isUnderPressure({ delaySeconds: 0.5 })).toBe(true);
		expect(isUnderPressure({ remaining: 20, limit: 10000 })).toBe(true);
		expect(isUnderPressure(undefined)).toBe(false);
	});
});
