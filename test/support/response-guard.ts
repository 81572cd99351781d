// After every test, in every suite: each answer a running emulator gave must match the response
// definitions of the release and version it was asked for (the response side of the request check
// each suite makes with `expect(emu.specViolations()).toEqual([])`). A failure here is an emulator bug.
import { liveEmulators } from '../emulator/emulator';

afterEach(() => {
	const problems = liveEmulators().flatMap((emu) => emu.takeResponseViolations());
	expect(problems).toEqual([]);
});
