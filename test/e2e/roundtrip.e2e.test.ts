// The round trip in one real n8n process (n8n's default mode), on the line scripts/e2e.js asks for.
import { roundTripSuite } from './roundtrip.suite';
import { majorUnderTest } from './support';

const major = majorUnderTest();
roundTripSuite(`in a real n8n ${major}.x`, { major });
