// The two-way loop (service-desk stand-in ⇄ n8n ⇄ Azure DevOps emulator) in one real n8n process, on the line
// scripts/e2e.js asks for.
import { majorUnderTest } from './support';
import { twoWaySuite } from './two-way.suite';

const major = majorUnderTest();
twoWaySuite(`the two-way loop in a real n8n ${major}.x`, { major });
