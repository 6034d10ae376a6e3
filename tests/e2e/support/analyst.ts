/** The owner of the analytics spec's own server (support/analytics-server.ts seeds them). */
export const ANALYST = { email: "analyst@e2e.example", password: "analyst-password-e2e", team: "analytics-e2e" };
