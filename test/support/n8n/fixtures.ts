// The fixture node and credential types, registered the way the harness tests use them.
import { FixtureAction } from '../fixture-nodes/FixtureAction.node';
import { FixtureBasicApi } from '../fixture-nodes/FixtureBasicApi.credentials';
import { FixtureBearerApi } from '../fixture-nodes/FixtureBearerApi.credentials';
import { FixtureKeyApi } from '../fixture-nodes/FixtureKeyApi.credentials';
import { FixtureTrigger } from '../fixture-nodes/FixtureTrigger.node';

export const ACTION = 'n8n-nodes-fixture.fixtureAction';
export const TRIGGER = 'n8n-nodes-fixture.fixtureTrigger';

export const fixtureTypes = {
	nodeTypes: { [ACTION]: new FixtureAction(), [TRIGGER]: new FixtureTrigger() },
	credentialTypes: [new FixtureBearerApi(), new FixtureBasicApi(), new FixtureKeyApi()],
};
