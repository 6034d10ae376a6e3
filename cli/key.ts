import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { composeSecret, credentialForm, CredentialFieldError, structuredCredentials } from "@/lib/providers/credential-fields";
import { addProviderKey } from "@/lib/services/provider-keys/add";
import { listProviderKeyPools } from "@/lib/services/provider-keys/list";
import { removeProviderKey } from "@/lib/services/provider-keys/remove";
import { rewrapProviderKeys, type RewrapCounts } from "@/lib/services/provider-keys/rewrap";
import { rotateProviderKey } from "@/lib/services/provider-keys/rotate";
import { describeScope, type ProviderKeySelector, type ProviderKeyView } from "@/lib/services/provider-keys/view";
import { setProviderKeyWeight } from "@/lib/services/provider-keys/weight";
import { integer, operatorContext, print, readStdin, repeatable, table, teamContext, when } from "./shared";

interface ScopeOptions {
  alias?: string;
  gateway?: string;
  /** One key of a pool, whose alias names several. */
  id?: string;
}

/** The key the options name: by id, or by alias and gateway while the alias holds one key. */
function selector(provider: string, options: ScopeOptions): ProviderKeySelector {
  return options.id !== undefined ? { id: options.id, provider } : { provider, alias: options.alias, gatewaySlug: options.gateway };
}

const ID_HELP = "one key of a pool by its id (see key list); needed when the alias holds several keys";

function scope(key: ProviderKeyView): string {
  return `${key.provider} key "${key.alias}" ${describeScope(key.gatewaySlug)}`;
}

function preview(key: ProviderKeyView): string {
  return key.preview || "(no preview)";
}

export interface SecretOptions {
  secret?: string;
  secretFile?: string;
  field?: string[];
}

/** `name=value` pairs of `--field`, the value possibly holding "=" itself. */
function fieldValues(command: Command, pairs: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals < 1) command.error(`error: --field takes name=value, not "${pair}"`);
    values[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return values;
}

/**
 * The secret from `--field`s, made as the dashboard's form makes it, with `--secret-file` (or
 * stdin) filling the provider's first required field that no `--field` set: the API key, or the
 * service-account JSON of Vertex. Never read on a terminal: typed there it would be echoed, and
 * `--secret` lands in shell history.
 */
export async function secretFrom(command: Command, provider: string, options: SecretOptions): Promise<string> {
  if (options.secret !== undefined && options.secretFile !== undefined) command.error("error: pass --secret or --secret-file, not both");
  const values = fieldValues(command, options.field ?? []);
  const fields = credentialForm(provider).fields;
  // Without --field, what is given is the whole secret as stored (a Bedrock key's JSON, say), as
  // before fields existed; the provider's own check still applies when it is stored.
  const whole = Object.keys(values).length === 0 && fields.length > 1;
  if (whole && options.secret !== undefined) return options.secret;
  if (whole && options.secretFile !== undefined) return readSecretFile(command, options.secretFile);
  if (whole && !process.stdin.isTTY) return readStdin();
  const main = fields.find((field) => field.required && values[field.name] === undefined);
  if (main) {
    if (options.secretFile !== undefined) values[main.name] = readSecretFile(command, options.secretFile);
    else if (options.secret !== undefined) values[main.name] = options.secret;
    else if (!process.stdin.isTTY) values[main.name] = await readStdin();
    else {
      const names = fields.map((field) => field.name).join(", ");
      command.error(`error: pipe the ${main.label.toLowerCase()} on stdin, or pass --secret, --secret-file or --field (${provider} keys have ${names})`);
    }
  } else if (options.secret !== undefined || options.secretFile !== undefined) {
    command.error("error: every field of the key is set with --field already; drop --secret / --secret-file");
  }
  try {
    return composeSecret(provider, values);
  } catch (error) {
    if (!(error instanceof CredentialFieldError)) throw error;
    return command.error(`error: ${error.field}: ${error.message}`);
  }
}

function readSecretFile(command: Command, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not readable";
    return command.error(`error: --secret-file ${path}: ${reason}`);
  }
}

export const SECRET_HELP = [
  ["--secret <secret>", "the key itself (default: read from stdin)"],
  ["--secret-file <path>", "read the key from a file, e.g. a Vertex service account's JSON key file"],
  ["--field <name=value>", "one field of a structured key (repeatable), e.g. --field region=us-east-1; see below"],
] as const;

export const FIELDS_HELP = [
  "",
  "Keys made of several fields take them with --field; --secret, --secret-file or stdin fill the",
  "first required one not given (without any --field, they are the whole key as stored, e.g. its JSON):",
  ...structuredCredentials().map(
    ([slug, form]) => `  ${slug.padEnd(18)}${form.fields.map((f) => (f.required ? f.name : `${f.name} (optional)`)).join(", ")}`,
  ),
  "For example:",
  "  switchyard key add acme google-vertex-ai --secret-file sa.json --field region=us-central1",
  '  echo "$AWS_SECRET_ACCESS_KEY" | switchyard key add acme aws-bedrock \\',
  "    --field accessKeyId=AKIA… --field region=us-east-1",
].join("\n");

export function registerKeyCommands(program: Command): void {
  const key = program
    .command("key")
    .alias("keys")
    .description("store provider keys (BYOK), encrypted, for a team or one gateway");

  key
    .command("add")
    .description("store a provider key; pipe the secret on stdin: echo \"$OPENAI_API_KEY\" | switchyard key add acme openai")
    .argument("<team>", "team slug")
    .argument("<provider>", "provider slug (openai, groq, …) or custom-{slug}")
    .option(SECRET_HELP[0][0], SECRET_HELP[0][1])
    .option(SECRET_HELP[1][0], SECRET_HELP[1][1])
    .option(SECRET_HELP[2][0], SECRET_HELP[2][1], repeatable)
    .option("--alias <alias>", "name to pick it by with cf-aig-byok-alias", "default")
    .option("--gateway <slug>", "only for this gateway (default: every gateway of the team)")
    .option("--base-url <url>", "send this key's requests here instead of the provider's URL")
    .option("--pool", "add it to the pool of keys under this alias (an alias in use is refused without it)")
    .option("--weight <n>", "its share of the pool's requests, 1-1000 (default 1)", integer)
    .addHelpText("after", FIELDS_HELP)
    .action(
      async (
        teamSlug: string,
        provider: string,
        options: ScopeOptions & SecretOptions & { baseUrl?: string; pool?: boolean; weight?: number },
        command: Command,
      ) => {
        const secret = await secretFrom(command, provider, options);
        const { ctx, team } = await teamContext(teamSlug);
        const added = await addProviderKey({
          ctx,
          teamId: team.id,
          provider,
          secret,
          alias: options.alias,
          gatewaySlug: options.gateway,
          baseUrl: options.baseUrl,
          pool: options.pool,
          weight: options.weight,
        });
        print(command, added, () => [`stored the ${scope(added)}: ${preview(added)} (${added.id}, weight ${added.weight})`]);
      },
    );

  key
    .command("rotate")
    .description("replace the secret of a stored key (read from stdin unless --secret, --secret-file or --field)")
    .argument("<team>", "team slug")
    .argument("<provider>", "provider slug")
    .option(SECRET_HELP[0][0], "the new key (default: read from stdin)")
    .option(SECRET_HELP[1][0], SECRET_HELP[1][1])
    .option(SECRET_HELP[2][0], SECRET_HELP[2][1], repeatable)
    .option("--alias <alias>", "the key's alias", "default")
    .option("--gateway <slug>", "the key's gateway (default: the team-wide key)")
    .option("--id <key-id>", ID_HELP)
    .addHelpText("after", FIELDS_HELP)
    .action(async (teamSlug: string, provider: string, options: ScopeOptions & SecretOptions, command: Command) => {
      const secret = await secretFrom(command, provider, options);
      const { ctx, team } = await teamContext(teamSlug);
      const rotated = await rotateProviderKey({ ctx, teamId: team.id, key: selector(provider, options), secret });
      print(command, rotated, () => [`rotated the ${scope(rotated)}: ${preview(rotated)}`]);
    });

  key
    .command("list")
    .description(
      "list a team's stored keys pool by pool (only their first and last characters, or what identifies a structured key), " +
        "with their ids, weights, and the keys the provider rejected, which are out of their pool until rotated",
    )
    .argument("<team>", "team slug")
    .action(async (teamSlug: string, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const pools = await listProviderKeyPools({ ctx, teamId: team.id });
      print(command, pools, () =>
        pools.length === 0
          ? [`team ${team.slug} has no stored keys yet`]
          : table([
              ["PROVIDER", "ALIAS", "GATEWAY", "SECRET", "ID", "POOL", "WEIGHT", "BASE URL", "LAST USED", "STATUS", "MASTER KEY", "WRAPPED"],
              ...pools.flatMap((pool) =>
                pool.keys.map((k, index) => [
                  k.provider,
                  k.alias,
                  k.gatewaySlug ?? "(all)",
                  preview(k),
                  k.id,
                  pool.keys.length > 1 ? `${index + 1} of ${pool.keys.length}` : "-",
                  String(k.weight),
                  k.baseUrl ?? "-",
                  when(k.lastUsedAt),
                  k.lastStatus === "rejected" ? "rejected: out of the pool" : (k.lastStatus ?? "-"),
                  k.masterKeyVersion,
                  when(k.wrappedAt),
                ]),
              ),
            ]),
      );
    });

  key
    .command("weight")
    .description("set a stored key's share of its pool's requests (relative to the other keys' weights)")
    .argument("<team>", "team slug")
    .argument("<key-id>", "the key's id (see key list)")
    .argument("<weight>", "a whole number from 1 to 1000", integer)
    .action(async (teamSlug: string, id: string, weight: number, _options: unknown, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const updated = await setProviderKeyWeight({ ctx, teamId: team.id, key: { id }, weight });
      print(command, updated, () => [`the ${scope(updated)} (${updated.id}) now has weight ${updated.weight}`]);
    });

  key
    .command("remove")
    .description("delete a stored key")
    .argument("<team>", "team slug")
    .argument("<provider>", "provider slug")
    .option("--alias <alias>", "the key's alias", "default")
    .option("--gateway <slug>", "the key's gateway (default: the team-wide key)")
    .option("--id <key-id>", ID_HELP)
    .action(async (teamSlug: string, provider: string, options: ScopeOptions, command: Command) => {
      const { ctx, team } = await teamContext(teamSlug);
      const removed = await removeProviderKey({ ctx, teamId: team.id, key: selector(provider, options) });
      print(command, removed, () => [`removed the ${scope(removed)}`]);
    });

  key
    .command("rewrap")
    .description(
      "wrap every team's stored keys and the operator's keys under the newest master key (the last in SWITCHYARD_MASTER_KEYS or master.key), " +
        "so older ones can be retired; safe while the server runs on Postgres",
    )
    .action(async (_options: unknown, command: Command) => {
      const report = await rewrapProviderKeys({ ctx: await operatorContext() });
      const summary = (what: string, counts: RewrapCounts) =>
        `${what}: ${counts.rewrapped} rewrapped, ${counts.alreadyCurrent} already current, ${counts.failed.length} failed`;
      print(command, report, () => [
        `master key ${report.masterKeyVersion}`,
        summary("provider keys", report.providerKeys),
        summary("operator keys", report.operatorKeys),
        summary("playground tokens", report.playgroundTokens),
        ...[...report.providerKeys.failed, ...report.operatorKeys.failed, ...report.playgroundTokens.failed].map(
          (failure) => `failed: the ${failure.what} (${failure.id}) of team ${failure.teamId}: ${failure.reason}`,
        ),
      ]);
      if (report.providerKeys.failed.length + report.operatorKeys.failed.length + report.playgroundTokens.failed.length > 0) process.exitCode = 1;
    });
}
