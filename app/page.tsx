import type { ReactNode } from "react";
import { config } from "@/lib/config";

// The base URLs shown below come from SWITCHYARD_PUBLIC_URL at run time, not at build time.
export const dynamic = "force-dynamic";

const cliSteps = `npx switchyard team create acme --name "Acme"
npx switchyard gateway create acme main --authentication
npx switchyard token create acme --name my-app --gateway main
printf '%s' "$OPENAI_API_KEY" | npx switchyard key add acme openai
npx switchyard urls acme main`;

function Code({ children }: { children: ReactNode }) {
  return (
    <pre className="overflow-x-auto rounded-lg bg-zinc-100 p-4 text-sm leading-relaxed dark:bg-zinc-900">
      <code>{children}</code>
    </pre>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-3">
      <h2 className="text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}

export default function Home() {
  const base = config().publicUrl;
  const endpoints = [
    {
      url: `${base}/v1/{team}/{gateway}/compat/chat/completions`,
      about: 'OpenAI-compatible chat completions for every provider; the model is "{provider}/{model}".',
    },
    {
      url: `${base}/v1/{team}/{gateway}/{provider}/…`,
      about: "Provider passthrough: the path and query are forwarded to the provider unchanged.",
    },
    {
      url: `${base}/ai/v1/chat/completions`,
      about: "The team comes from the gateway token, the gateway from cf-aig-gateway-id (else the team's default gateway).",
    },
    {
      url: `${base}/client/v4/accounts/{team}/ai/v1/…`,
      about: "The same, shaped like Cloudflare's REST API, so a Cloudflare client only changes the host.",
    },
  ];

  return (
    <main className="mx-auto max-w-3xl space-y-10 px-6 py-16">
      <header className="space-y-3">
        <h1 className="text-3xl font-bold tracking-tight">Switchyard</h1>
        <p className="text-zinc-600 dark:text-zinc-400">
          A self-hosted, multi-tenant AI gateway, wire-compatible with Cloudflare AI Gateway. Each team gets its own
          gateways, tokens, stored provider keys and request logs; applications send OpenAI-format requests to their
          team&apos;s base URL and Switchyard forwards them to the provider with the team&apos;s key.
        </p>
        <p className="rounded-lg border border-zinc-200 p-4 text-sm dark:border-zinc-800">
          The dashboard arrives in a later release. Until then, teams, gateways, tokens and provider keys are managed
          with the command-line tool.
        </p>
      </header>

      <Section title="Set up a team">
        <p>
          From the Switchyard folder, with the same environment as the server. The embedded database takes one process
          at a time: stop the server while you use the CLI, or set <code>DATABASE_URL</code> to a Postgres server.
        </p>
        <Code>{cliSteps}</Code>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          The token is printed once; send it as <code>cf-aig-authorization: Bearer sy_…</code>. Every command has{" "}
          <code>--help</code> and <code>--json</code>.
        </p>
      </Section>

      <Section title="Base URLs">
        <ul className="space-y-4">
          {endpoints.map((endpoint) => (
            <li key={endpoint.url}>
              <code className="text-sm break-all">{endpoint.url}</code>
              <p className="text-sm text-zinc-600 dark:text-zinc-400">{endpoint.about}</p>
            </li>
          ))}
        </ul>
      </Section>

      <Section title="More">
        <p>
          The README covers the full walkthrough, streaming, authentication headers and every configuration variable.
          The server reports its health at <code>/api/health</code>.
        </p>
      </Section>
    </main>
  );
}
