// Public entry point of the Azure DevOps emulator used by every test above unit level and the demo.
import { Emulator, type EmulatorOptions } from './emulator';

export * from './emulator';
export { EMULATOR_PROFILES, RELEASES, type EmulatorProfile, type ProfileName, type Release } from './profiles';
export type { Delivery, HookOptions, Subscription } from './hooks';
export type { FaultSpec, RateLimit } from './faults';
export type { SpecNote, SpecViolation } from './spec';

/** Starts an emulator on 127.0.0.1 (a free port unless `port` is given) and resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const emu = new Emulator(options);
	await emu.listen(options.port);
	return emu;
}
