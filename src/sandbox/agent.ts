/**
 * The agent the local help-desk page signs in as. The sandbox's simulated Zendesk holds this
 * user, because the service looks every token's `sub` up in Zendesk.
 */
export const SANDBOX_AGENT = { id: 1001, name: 'Sandbox Agent', email: 'agent@sandbox.invalid' };
